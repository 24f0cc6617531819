// Authenticator: who may connect (anonymous, or a password file of PBKDF2 hashes, see passwd.h)
// and what they may publish/subscribe (ACL rules).
//
// ACL file: one rule per line, '#' comments; the first rule that matches decides, and when none
// matches the action is allowed (EMQX's `no_match = allow`; end the file with
// "deny all all #" for a closed policy):
//
//   <allow|deny>  <all | user:NAME | clientid:NAME>  <publish|subscribe|all>  <topic filter>
//
// In the filter, "%u" stands for the user name and "%c" for the client id. A PUBLISH matches a
// rule when its topic matches the rule's filter; a SUBSCRIBE when the requested filter is covered
// level by level by the rule's filter ("a/#" covers "a/+/b"; "a/b" does not cover "a/+").
//
// Thread-safety: immutable after Create(); safe to share.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "codec/reason_code.h"
#include "engine/broker/broker_options.h"

namespace mqb::engine::broker {

enum class AclAction : uint8_t { kPublish = 1, kSubscribe = 2 };

class Authenticator {
 public:
  // Loads the password and ACL files named in `options` (errors name file and line).
  static Result<std::unique_ptr<Authenticator>, std::string> Create(const BrokerOptions& options);
  // Same from text (tests); empty text = no such file.
  static Result<std::unique_ptr<Authenticator>, std::string> FromText(bool allow_anonymous,
                                                                      std::string_view passwd,
                                                                      std::string_view acl);

  // kSuccess, kBadUserNameOrPassword or kNotAuthorized (anonymous not allowed).
  codec::ReasonCode Authenticate(std::optional<std::string_view> user,
                                 std::optional<std::span<const uint8_t>> password) const;
  // `acl_rule` (if given) tells whether an ACL rule decided, or no rule matched (allowed).
  bool Allowed(AclAction action, std::string_view client_id, std::string_view user,
               std::string_view topic, bool* acl_rule = nullptr) const;
  bool has_acl() const { return !rules_.empty(); }

 private:
  struct Rule {
    bool allow = true;
    enum class Who { kAll, kUser, kClientId } who = Who::kAll;
    std::string name;
    uint8_t actions = 3;
    std::string filter;
  };
  Result<void, std::string> ParsePasswd(std::string_view text, const std::string& origin);
  Result<void, std::string> ParseAcl(std::string_view text, const std::string& origin);

  bool allow_anonymous_ = true;
  bool have_passwd_ = false;
  std::unordered_map<std::string, std::string> users_;  // name -> encoded hash
  std::vector<Rule> rules_;
};

// True if every topic `filter` can match is matched by `rule` (level by level).
bool FilterCovers(std::string_view rule, std::string_view filter);

}  // namespace mqb::engine::broker
