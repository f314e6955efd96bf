#pragma once

// Minimal leveled logging to stderr, one line per event, safe from any
// thread. Containers collect stderr; key=value fields keep lines greppable.
//
//   SetLogLevel(LogLevel::kInfo);
//   if (LogEnabled(LogLevel::kDebug)) Log(LogLevel::kDebug, "expensive ...");
//   Log(LogLevel::kInfo, absl::StrCat("listening on ", address));

#include "absl/strings/string_view.h"

namespace longtake {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
inline bool LogEnabled(LogLevel level) { return level >= GetLogLevel(); }
// "debug", "info", "warning"/"warn", "error"; false when unknown.
bool ParseLogLevel(absl::string_view text, LogLevel* level);

// Writes "<UTC time> <LEVEL> <message>\n" when the level is enabled.
void Log(LogLevel level, absl::string_view message);

}  // namespace longtake
