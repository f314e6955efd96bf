// `longtake token`: mints a bearer token with the servers' signing secret
// (for development and operators; users get theirs from whoever runs the
// servers).

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
    auth::TokenSigner signer(secret);
    const auth::Role role = *curator ? auth::Role::kCurator : auth::Role::kUser;
    std::string token = signer.Mint(user, role, ttl);
    if (ctx.json) {
      nlohmann::json out = {
          {"token", token},
          {"user", user},
          {"role", std::string(auth::RoleName(role))},
          {"expires", absl::FormatTime(absl::RFC3339_sec, absl::Now() + ttl,
                                       absl::UTCTimeZone())}};
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << token << "\n";
    }
    return kExitOk;
  };
}

}  // namespace longtake::cli
