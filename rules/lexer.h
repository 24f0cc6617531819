// Lexer for the rule SQL dialect (REFERENCE.md section 7).
//
// Tokens: identifiers (keywords are identifiers matched case-insensitively by the parser),
// double-quoted identifiers ("x"), single-quoted strings ('x'), integers, floats, punctuation
// and operators ( , . .. ( ) [ ] * + - / = != <> < > <= >= =~ ). `-- comment` runs to the end of
// the line; `/* ... */` comments are skipped too. Inside quotes a backslash escapes the next
// character (\n, \t, \r become control characters; any other escaped character stands for itself).
//
// Every token records its 1-based line and column for error messages.
//
// Thread-safety: a Lexer is used by one thread; it borrows the source text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mqb::rules {

enum class TokenKind : uint8_t {
  kEnd,
  kIdent,        // bare word
  kQuotedIdent,  // "x": an identifier (or a FROM topic)
  kString,       // 'x'
  kInt,
  kFloat,
  kComma,
  kDot,
  kDotDot,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kStar,
  kPlus,
  kMinus,
  kSlash,
  kEq,
  kNe,
  kLt,
  kGt,
  kLe,
  kGe,
  kMatch,  // = (!= or <>) < > <= >= =~
  kError,  // text holds the message
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  int line = 1;
  int column = 1;
  std::string text;  // identifier/string contents (unescaped), number text, or error message
};

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}
  Token Next();

  // Human-readable description of a token kind for "expected ..." messages.
  static const char* Describe(TokenKind kind);

 private:
  void SkipSpaceAndComments();
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  void Advance();

  std::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace mqb::rules
