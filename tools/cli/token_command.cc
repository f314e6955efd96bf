// `longtake token`: mints an HS256 JWT bearer token with the servers'
// signing secret, issuer and audience (for development and operators; users
// get theirs from whoever runs the servers).

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "nlohmann/json.hpp"
#include "tools/cli/command.h"

namespace longtake::cli {
namespace {}  // namespace

Runner BindToken(FlagSet& f) {
  const Flag<std::string> user_flag =
      f.AddString("user", "", "", "user name ([a-z0-9][a-z0-9_-]{0,62})");
  const Flag<bool> curator =
      f.AddBool("curator", "", false, "curator role (catalogue writes)");
  const Flag<absl::Duration> ttl_flag =
      f.AddDuration("ttl", "", absl::Hours(24), "lifetime");
  const Flag<std::string> secret_flag =
      f.AddString("token-secret", "LONGTAKE_TOKEN_SECRET", "",
                  "the servers' signing secret");
  const Flag<std::string> issuer_flag =
      f.AddString("token-issuer", "LONGTAKE_TOKEN_ISSUER",
                  std::string(auth::kDefaultIssuer),
                  "the token's \"iss\" (the servers' --token-issuer)");
  const Flag<std::string> audience_flag =
      f.AddString("token-audience", "LONGTAKE_TOKEN_AUDIENCE",
                  std::string(auth::kDefaultAudience),
                  "the token's \"aud\" (the servers' --token-audience)");
  return [=](Context& ctx) {
    const std::string& user = *user_flag;
    if (user.empty()) return UsageError(ctx, "--user is required");
    if (!auth::IsValidUserName(user)) {
      return UsageError(ctx, absl::StrCat("--user: \"", user,
                                          "\" is not a valid user name "
                                          "([a-z0-9][a-z0-9_-]{0,62})"));
    }
    const std::string& secret = *secret_flag;
    if (secret.empty()) {
      return UsageError(ctx,
                        "no secret: pass --token-secret or set "
                        "LONGTAKE_TOKEN_SECRET (the same secret the servers "
                        "use)");
    }
    const absl::Duration ttl = *ttl_flag;
    if (ttl <= absl::ZeroDuration()) {
      return UsageError(ctx, "--ttl must be positive");
    }
    if (issuer_flag->empty() || audience_flag->empty()) {
      return UsageError(ctx,
                        "--token-issuer and --token-audience must not be "
                        "empty");
    }
    const auth::TokenMinter minter(secret, *issuer_flag, *audience_flag);
    const auth::Role role = *curator ? auth::Role::kCurator : auth::Role::kUser;
    const absl::Time now = absl::Now();
    std::string token = minter.Mint(user, role, ttl, now);
    if (ctx.json) {
      nlohmann::json out = {
          {"token", token},
          {"user", user},
          {"role", std::string(auth::RoleName(role))},
          {"issuer", *issuer_flag},
          {"audience", *audience_flag},
          {"expires", absl::FormatTime(absl::RFC3339_sec, now + ttl,
                                       absl::UTCTimeZone())}};
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << token << "\n";
    }
    return kExitOk;
  };
}

}  // namespace longtake::cli
