#include "engine/broker/auth.h"

#include <fstream>
#include <sstream>

#include "codec/topic.h"
#include "engine/broker/passwd.h"

namespace mqb::engine::broker {
namespace {

Result<std::string, std::string> Slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Err("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Substitute(std::string_view filter, std::string_view client_id, std::string_view user) {
  std::string out;
  for (size_t i = 0; i < filter.size(); ++i) {
    if (filter[i] == '%' && i + 1 < filter.size() &&
        (filter[i + 1] == 'u' || filter[i + 1] == 'c')) {
      out += filter[i + 1] == 'u' ? user : client_id;
      ++i;
    } else {
      out.push_back(filter[i]);
    }
  }
  return out;
}

}  // namespace

bool FilterCovers(std::string_view rule, std::string_view filter) {
  while (true) {
    size_t rs = rule.find('/'), fs = filter.find('/');
    std::string_view rl = rule.substr(0, rs), fl = filter.substr(0, fs);
    if (rl == "#") return true;
    if (fl == "#") return false;  // the filter reaches deeper than a non-# rule level
    if (rl != "+" && (fl == "+" || rl != fl)) return false;
    bool rend = rs == std::string_view::npos, fend = fs == std::string_view::npos;
    if (fend) return rend || rule.substr(rs + 1) == "#";
    if (rend) return false;
    rule.remove_prefix(rs + 1);
    filter.remove_prefix(fs + 1);
  }
}

Result<std::unique_ptr<Authenticator>, std::string> Authenticator::Create(
    const BrokerOptions& options) {
  auto a = std::unique_ptr<Authenticator>(new Authenticator());
  a->allow_anonymous_ = options.allow_anonymous;
  if (!options.password_file.empty()) {
    auto text = Slurp(options.password_file);
    if (!text.ok()) return Err(text.error());
    auto r = a->ParsePasswd(text.value(), options.password_file);
    if (!r.ok()) return Err(r.error());
  }
  if (!options.acl_file.empty()) {
    auto text = Slurp(options.acl_file);
    if (!text.ok()) return Err(text.error());
    auto r = a->ParseAcl(text.value(), options.acl_file);
    if (!r.ok()) return Err(r.error());
  }
  return a;
}

Result<std::unique_ptr<Authenticator>, std::string> Authenticator::FromText(bool allow_anonymous,
                                                                            std::string_view passwd,
                                                                            std::string_view acl) {
  auto a = std::unique_ptr<Authenticator>(new Authenticator());
  a->allow_anonymous_ = allow_anonymous;
  if (!passwd.empty()) {
    auto r = a->ParsePasswd(passwd, "passwd");
    if (!r.ok()) return Err(r.error());
  }
  if (!acl.empty()) {
    auto r = a->ParseAcl(acl, "acl");
    if (!r.ok()) return Err(r.error());
  }
  return a;
}

Result<void, std::string> Authenticator::ParsePasswd(std::string_view text,
                                                     const std::string& origin) {
  have_passwd_ = true;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == 0 || colon == std::string::npos ||
        line.compare(colon + 1, 15, "$pbkdf2-sha256$") != 0) {
      return Err(origin + ":" + std::to_string(n) +
                 ": expected user:$pbkdf2-sha256$<iterations>$<salt>$<hash>");
    }
    users_[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return {};
}

Result<void, std::string> Authenticator::ParseAcl(std::string_view text,
                                                  const std::string& origin) {
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::istringstream words(line);
    std::string verb, who, action, filter, extra;
    words >> verb;
    if (verb.empty() || verb[0] == '#') continue;
    words >> who >> action >> filter >> extra;
    auto fail = [&](const std::string& why) {
      return Err(origin + ":" + std::to_string(n) + ": " + why);
    };
    if (filter.empty() || !extra.empty()) {
      return fail(
          "expected <allow|deny> <all|user:NAME|clientid:NAME> <publish|subscribe|all> <filter>");
    }
    Rule r;
    if (verb == "allow")
      r.allow = true;
    else if (verb == "deny")
      r.allow = false;
    else
      return fail("unknown verb '" + verb + "' (allow or deny)");
    if (who == "all") {
      r.who = Rule::Who::kAll;
    } else if (who.rfind("user:", 0) == 0 && who.size() > 5) {
      r.who = Rule::Who::kUser;
      r.name = who.substr(5);
    } else if (who.rfind("clientid:", 0) == 0 && who.size() > 9) {
      r.who = Rule::Who::kClientId;
      r.name = who.substr(9);
    } else {
      return fail("unknown subject '" + who + "' (all, user:NAME or clientid:NAME)");
    }
    if (action == "publish")
      r.actions = static_cast<uint8_t>(AclAction::kPublish);
    else if (action == "subscribe")
      r.actions = static_cast<uint8_t>(AclAction::kSubscribe);
    else if (action == "all")
      r.actions = 3;
    else
      return fail("unknown action '" + action + "' (publish, subscribe or all)");
    std::string probe = Substitute(filter, "c", "u");
    if (!codec::ValidateTopicFilter(probe).ok())
      return fail("invalid topic filter '" + filter + "'");
    r.filter = filter;
    rules_.push_back(std::move(r));
  }
  return {};
}

codec::ReasonCode Authenticator::Authenticate(
    std::optional<std::string_view> user, std::optional<std::span<const uint8_t>> password) const {
  if (!user.has_value()) {
    return allow_anonymous_ ? codec::ReasonCode::kSuccess : codec::ReasonCode::kNotAuthorized;
  }
  if (!have_passwd_) {
    // No password file: user names are informational (ACL subjects) when anonymous is allowed.
    return allow_anonymous_ ? codec::ReasonCode::kSuccess : codec::ReasonCode::kNotAuthorized;
  }
  auto it = users_.find(std::string(*user));
  if (it == users_.end() || !password.has_value() || !VerifyPassword(it->second, *password)) {
    return codec::ReasonCode::kBadUserNameOrPassword;
  }
  return codec::ReasonCode::kSuccess;
}

bool Authenticator::Allowed(AclAction action, std::string_view client_id, std::string_view user,
                            std::string_view topic, bool* acl_rule) const {
  if (acl_rule != nullptr) *acl_rule = false;
  for (const Rule& r : rules_) {
    if ((r.actions & static_cast<uint8_t>(action)) == 0) continue;
    if (r.who == Rule::Who::kUser && r.name != user) continue;
    if (r.who == Rule::Who::kClientId && r.name != client_id) continue;
    bool subst = r.filter.find('%') != std::string::npos;
    std::string expanded;
    std::string_view filter = r.filter;
    if (subst) {
      expanded = Substitute(r.filter, client_id, user);
      filter = expanded;
    }
    bool match = action == AclAction::kPublish ? codec::TopicMatches(filter, topic)
                                               : FilterCovers(filter, topic);
    if (match) {
      if (acl_rule != nullptr) *acl_rule = true;
      return r.allow;
    }
  }
  return true;
}

}  // namespace mqb::engine::broker
