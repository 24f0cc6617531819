#include "rules/lexer.h"

#include <cctype>

namespace mqb::rules {

void Lexer::Advance() {
  if (pos_ < src_.size()) {
    if (src_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++pos_;
  }
}

void Lexer::SkipSpaceAndComments() {
  for (;;) {
    char c = Peek();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      Advance();
    } else if (c == '-' && Peek(1) == '-') {
      while (pos_ < src_.size() && Peek() != '\n') {
        Advance();
      }
    } else if (c == '/' && Peek(1) == '*') {
      Advance();
      Advance();
      while (pos_ < src_.size() && !(Peek() == '*' && Peek(1) == '/')) {
        Advance();
      }
      Advance();
      Advance();
    } else {
      return;
    }
  }
}

Token Lexer::Next() {
  SkipSpaceAndComments();
  Token t;
  t.line = line_;
  t.column = column_;
  if (pos_ >= src_.size()) {
    t.kind = TokenKind::kEnd;
    return t;
  }
  char c = Peek();
  auto single = [&](TokenKind k, int len) {
    for (int i = 0; i < len; ++i) {
      Advance();
    }
    t.kind = k;
    return t;
  };
  if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
    size_t start = pos_;
    while (std::isalnum(static_cast<unsigned char>(Peek())) || Peek() == '_') {
      Advance();
    }
    t.kind = TokenKind::kIdent;
    t.text.assign(src_.substr(start, pos_ - start));
    return t;
  }
  if (std::isdigit(static_cast<unsigned char>(c))) {
    size_t start = pos_;
    bool is_float = false;
    while (std::isdigit(static_cast<unsigned char>(Peek()))) {
      Advance();
    }
    if (Peek() == '.' && std::isdigit(static_cast<unsigned char>(Peek(1)))) {
      is_float = true;
      Advance();
      while (std::isdigit(static_cast<unsigned char>(Peek()))) {
        Advance();
      }
    }
    if ((Peek() == 'e' || Peek() == 'E') && (std::isdigit(static_cast<unsigned char>(Peek(1))) ||
                                             ((Peek(1) == '+' || Peek(1) == '-') &&
                                              std::isdigit(static_cast<unsigned char>(Peek(2)))))) {
      is_float = true;
      Advance();
      if (Peek() == '+' || Peek() == '-') {
        Advance();
      }
      while (std::isdigit(static_cast<unsigned char>(Peek()))) {
        Advance();
      }
    }
    if (std::isalpha(static_cast<unsigned char>(Peek())) || Peek() == '_') {
      t.kind = TokenKind::kError;
      t.text = "malformed number";
      return t;
    }
    t.kind = is_float ? TokenKind::kFloat : TokenKind::kInt;
    t.text.assign(src_.substr(start, pos_ - start));
    return t;
  }
  if (c == '\'' || c == '"') {
    char quote = c;
    Advance();
    std::string s;
    for (;;) {
      if (pos_ >= src_.size()) {
        t.kind = TokenKind::kError;
        t.text = quote == '\'' ? "unterminated string literal" : "unterminated quoted identifier";
        return t;
      }
      char d = Peek();
      if (d == quote) {
        Advance();
        break;
      }
      // As in EMQX, backslashes stay as typed ('^\d+$' reaches regex_match intact, and
      // unescape() turns \n and friends into characters); only a backslash before the closing
      // quote character escapes it.
      if (d == '\\' && Peek(1) == quote) {
        Advance();
        s.push_back(quote);
        Advance();
        continue;
      }
      s.push_back(d);
      Advance();
    }
    t.kind = quote == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent;
    t.text = std::move(s);
    return t;
  }
  switch (c) {
    case ',':
      return single(TokenKind::kComma, 1);
    case '.':
      return Peek(1) == '.' ? single(TokenKind::kDotDot, 2) : single(TokenKind::kDot, 1);
    case '(':
      return single(TokenKind::kLParen, 1);
    case ')':
      return single(TokenKind::kRParen, 1);
    case '[':
      return single(TokenKind::kLBracket, 1);
    case ']':
      return single(TokenKind::kRBracket, 1);
    case '*':
      return single(TokenKind::kStar, 1);
    case '+':
      return single(TokenKind::kPlus, 1);
    case '-':
      return single(TokenKind::kMinus, 1);
    case '/':
      return single(TokenKind::kSlash, 1);
    case '=':
      return Peek(1) == '~' ? single(TokenKind::kMatch, 2) : single(TokenKind::kEq, 1);
    case '!':
      if (Peek(1) == '=') {
        return single(TokenKind::kNe, 2);
      }
      break;
    case '<':
      if (Peek(1) == '>') {
        return single(TokenKind::kNe, 2);
      }
      return Peek(1) == '=' ? single(TokenKind::kLe, 2) : single(TokenKind::kLt, 1);
    case '>':
      return Peek(1) == '=' ? single(TokenKind::kGe, 2) : single(TokenKind::kGt, 1);
    default:
      break;
  }
  t.kind = TokenKind::kError;
  t.text = std::string("unexpected character '") + c + "'";
  return t;
}

const char* Lexer::Describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kIdent:
      return "identifier";
    case TokenKind::kQuotedIdent:
      return "quoted identifier";
    case TokenKind::kString:
      return "string";
    case TokenKind::kInt:
      return "integer";
    case TokenKind::kFloat:
      return "float";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kDot:
      return "'.'";
    case TokenKind::kDotDot:
      return "'..'";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kEq:
      return "'='";
    case TokenKind::kNe:
      return "'!='";
    case TokenKind::kLt:
      return "'<'";
    case TokenKind::kGt:
      return "'>'";
    case TokenKind::kLe:
      return "'<='";
    case TokenKind::kGe:
      return "'>='";
    case TokenKind::kMatch:
      return "'=~'";
    case TokenKind::kError:
      return "invalid token";
  }
  return "token";
}

}  // namespace mqb::rules
