#include "common/config/flags.h"

#include <cstdlib>
#include <iostream>
#include <set>
#include <stdexcept>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/status/errors.h"

namespace longtake {
namespace {

// Indices into Entry::value, in the variant's order.
constexpr size_t kString = 0;
constexpr size_t kInt = 1;
constexpr size_t kBool = 2;
constexpr size_t kDuration = 3;
constexpr size_t kStringList = 4;

}  // namespace

FlagSet::FlagSet(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

std::string FlagSet::Canonical(absl::string_view name) {
  return absl::StrReplaceAll(name, {{"-", "_"}});
}

FlagSet::Entry* FlagSet::Add(std::string name, std::string env,
                             std::string default_text, Value value,
                             std::string help) {
  name = Canonical(name);
  auto entry =
      std::make_unique<Entry>(Entry{name, std::move(env), std::move(help),
                                    std::move(default_text), std::move(value)});
  auto [it, inserted] = flags_.emplace(name, std::move(entry));
  if (!inserted) {
    // A programming error: two parts of a program claim the same flag.
    throw std::logic_error("flag registered twice: " + name);
  }
  order_.push_back(it->second.get());
  return it->second.get();
}

Flag<std::string> FlagSet::AddString(std::string name, std::string env,
                                     std::string default_value,
                                     std::string help) {
  std::string text = default_value;
  return Flag<std::string>(Add(std::move(name), std::move(env), std::move(text),
                               std::move(default_value), std::move(help)));
}

Flag<int64_t> FlagSet::AddInt(std::string name, std::string env,
                              int64_t default_value, std::string help) {
  return Flag<int64_t>(Add(std::move(name), std::move(env),
                           absl::StrCat(default_value), default_value,
                           std::move(help)));
}

Flag<bool> FlagSet::AddBool(std::string name, std::string env,
                            bool default_value, std::string help) {
  return Flag<bool>(Add(std::move(name), std::move(env),
                        default_value ? "true" : "false", default_value,
                        std::move(help)));
}

Flag<absl::Duration> FlagSet::AddDuration(std::string name, std::string env,
                                          absl::Duration default_value,
                                          std::string help) {
  return Flag<absl::Duration>(Add(std::move(name), std::move(env),
                                  absl::FormatDuration(default_value),
                                  default_value, std::move(help)));
}

Flag<std::vector<std::string>> FlagSet::AddStringList(std::string name,
                                                      std::string env,
                                                      std::string help) {
  return Flag<std::vector<std::string>>(Add(std::move(name), std::move(env), "",
                                            std::vector<std::string>(),
                                            std::move(help)));
}

absl::Status FlagSet::Set(Entry& flag, const std::string& value,
                          const std::string& source) {
  auto bad = [&](absl::string_view expected) {
    return InvalidArgument(
        source, absl::StrCat("\"", value, "\" is not ", expected, " (for --",
                             flag.name, ")"));
  };
  switch (flag.value.index()) {
    case kString:
      flag.value = value;
      break;
    case kInt: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      flag.value = v;
      break;
    }
    case kBool: {
      bool v;
      if (!absl::SimpleAtob(value, &v)) return bad("true or false");
      flag.value = v;
      break;
    }
    case kDuration: {
      absl::Duration v;
      if (!absl::ParseDuration(value, &v)) {
        return bad("a duration like 500ms or 2s");
      }
      flag.value = v;
      break;
    }
    case kStringList:
      std::get<kStringList>(flag.value).push_back(value);
      break;
  }
  return absl::OkStatus();
}

absl::Status FlagSet::Parse(int argc, const char* const* argv) {
  for (Entry* flag : order_) {
    if (flag->env.empty()) continue;
    if (const char* env = std::getenv(flag->env.c_str()); env != nullptr) {
      LONGTAKE_RETURN_IF_ERROR(Set(*flag, env, flag->env));
    }
  }
  // A list flag on the command line replaces the environment's list.
  std::set<Entry*> listed;
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
    const std::string name = Canonical(body);
    Entry* flag = FindEntry(name);
    if (flag == nullptr && !has_value && name.rfind("no_", 0) == 0) {
      Entry* negated = FindEntry(name.substr(3));
      if (negated != nullptr && negated->value.index() == kBool) {
        negated->value = false;
        continue;
      }
    }
    if (flag == nullptr) {
      return InvalidArgument(
          absl::StrCat("--", body),
          absl::StrCat("unknown flag; see ", program_, " --help"));
    }
    if (!has_value) {
      if (flag->value.index() == kBool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return InvalidArgument(absl::StrCat("--", body), "needs a value");
      }
    }
    if (flag->value.index() == kStringList && listed.insert(flag).second) {
      std::get<kStringList>(flag->value).clear();
    }
    LONGTAKE_RETURN_IF_ERROR(Set(*flag, value, absl::StrCat("--", body)));
  }
  return absl::OkStatus();
}

FlagSet::Entry* FlagSet::FindEntry(absl::string_view name) const {
  auto it = flags_.find(Canonical(name));
  return it == flags_.end() ? nullptr : it->second.get();
}

bool FlagSet::TakesValue(absl::string_view name) const {
  const Entry* flag = FindEntry(name);
  return flag != nullptr && flag->value.index() != kBool;
}

int FlagSet::UsageError(const std::string& message) const {
  std::cerr << program_ << ": " << message << "\n"
            << "see " << program_ << " --help\n";
  return 2;
}

std::string FlagSet::Usage() const {
  std::string out =
      absl::StrCat("Usage: ", program_, " [flags]\n", summary_,
                   "\n\nFlags (each also read from the environment "
                   "variable shown; a flag wins over it):\n");
  for (const Entry* f : order_) {
    std::string flag_name = absl::StrReplaceAll(f->name, {{"_", "-"}});
    absl::StrAppendFormat(&out, "  --%-22s %s\n", flag_name, f->help);
    absl::StrAppendFormat(&out, "  %-24s env %s, default \"%s\"\n", "",
                          f->env.empty() ? "(none)" : f->env, f->default_text);
  }
  absl::StrAppend(&out, "  --help                 show this help\n");
  return out;
}

}  // namespace longtake
