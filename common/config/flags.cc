#include "common/config/flags.h"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/status/errors.h"

namespace longtake {

FlagSet::FlagSet(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

std::string FlagSet::Canonical(std::string name) {
  return absl::StrReplaceAll(name, {{"-", "_"}});
}

void FlagSet::Add(std::string name, Kind kind, std::string env, std::string def,
                  std::string help) {
  name = Canonical(std::move(name));
  order_.push_back(name);
  flags_[name] = Flag{kind, std::move(env), std::move(help), def, def};
}

void FlagSet::AddString(std::string name, std::string env,
                        std::string default_value, std::string help) {
  Add(std::move(name), Kind::kString, std::move(env), std::move(default_value),
      std::move(help));
}

void FlagSet::AddInt(std::string name, std::string env, int64_t default_value,
                     std::string help) {
  Add(std::move(name), Kind::kInt, std::move(env), absl::StrCat(default_value),
      std::move(help));
}

void FlagSet::AddBool(std::string name, std::string env, bool default_value,
                      std::string help) {
  Add(std::move(name), Kind::kBool, std::move(env),
      default_value ? "true" : "false", std::move(help));
}

void FlagSet::AddDuration(std::string name, std::string env,
                          absl::Duration default_value, std::string help) {
  Add(std::move(name), Kind::kDuration, std::move(env),
      absl::FormatDuration(default_value), std::move(help));
}

absl::Status FlagSet::Set(const std::string& name, Flag& flag,
                          const std::string& value, const std::string& source) {
  auto bad = [&](absl::string_view expected) {
    return InvalidArgument(source, absl::StrCat("\"", value, "\" is not ",
                                                expected, " (for --", name, ")"));
  };
  switch (flag.kind) {
    case Kind::kString:
      break;
    case Kind::kInt: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      break;
    }
    case Kind::kBool: {
      bool v;
      if (!absl::SimpleAtob(value, &v)) return bad("true or false");
      break;
    }
    case Kind::kDuration: {
      absl::Duration v;
      if (!absl::ParseDuration(value, &v)) return bad("a duration like 500ms or 2s");
      break;
    }
  }
  flag.value = value;
  return absl::OkStatus();
}

absl::Status FlagSet::Parse(int argc, const char* const* argv) {
  for (const std::string& name : order_) {
    Flag& flag = flags_[name];
    if (flag.env.empty()) continue;
    if (const char* env = std::getenv(flag.env.c_str()); env != nullptr) {
      LONGTAKE_RETURN_IF_ERROR(Set(name, flag, env, flag.env));
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) positional_.push_back(argv[i]);
      break;
    }
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      positional_.push_back(arg);
      continue;
    }
    std::string body = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body = body.substr(0, eq);
      has_value = true;
    }
    std::string name = Canonical(body);
    auto it = flags_.find(name);
    if (it == flags_.end() && !has_value && name.rfind("no_", 0) == 0) {
      auto negated = flags_.find(name.substr(3));
      if (negated != flags_.end() && negated->second.kind == Kind::kBool) {
        negated->second.value = "false";
        continue;
      }
    }
    if (it == flags_.end()) {
      return InvalidArgument(absl::StrCat("--", body),
                             absl::StrCat("unknown flag; see ", program_, " --help"));
    }
    if (!has_value) {
      if (it->second.kind == Kind::kBool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return InvalidArgument(absl::StrCat("--", body), "needs a value");
      }
    }
    LONGTAKE_RETURN_IF_ERROR(Set(name, it->second, value, absl::StrCat("--", body)));
  }
  return absl::OkStatus();
}

const FlagSet::Flag& FlagSet::Find(const std::string& name, Kind kind) const {
  auto it = flags_.find(Canonical(name));
  if (it == flags_.end() || it->second.kind != kind) {
    // A programming error: the flag was never registered with that type.
    throw std::logic_error("flag not registered: " + name);
  }
  return it->second;
}

std::string FlagSet::GetString(const std::string& name) const {
  return Find(name, Kind::kString).value;
}

int64_t FlagSet::GetInt(const std::string& name) const {
  int64_t v = 0;
  (void)absl::SimpleAtoi(Find(name, Kind::kInt).value, &v);
  return v;
}

bool FlagSet::GetBool(const std::string& name) const {
  bool v = false;
  (void)absl::SimpleAtob(Find(name, Kind::kBool).value, &v);
  return v;
}

absl::Duration FlagSet::GetDuration(const std::string& name) const {
  absl::Duration v;
  (void)absl::ParseDuration(Find(name, Kind::kDuration).value, &v);
  return v;
}

int FlagSet::UsageError(const std::string& message) const {
  std::cerr << program_ << ": " << message << "\n"
            << "see " << program_ << " --help\n";
  return 2;
}

std::string FlagSet::Usage() const {
  std::string out = absl::StrCat("Usage: ", program_, " [flags]\n", summary_,
                                 "\n\nFlags (each also read from the environment "
                                 "variable shown; a flag wins over it):\n");
  for (const std::string& name : order_) {
    const Flag& f = flags_.at(name);
    std::string flag_name = absl::StrReplaceAll(name, {{"_", "-"}});
    absl::StrAppendFormat(&out, "  --%-22s %s\n", flag_name, f.help);
    absl::StrAppendFormat(&out, "  %-24s env %s, default \"%s\"\n", "",
                          f.env.empty() ? "(none)" : f.env, f.default_text);
  }
  absl::StrAppend(&out, "  --help                 show this help\n");
  return out;
}

}  // namespace longtake
