#pragma once

// Printing helpers for the CLI: aligned text tables, proto JSON, numbers.
//
//   Table table({"FILM", "TITLE", "YEAR"});
//   table.AddRow({"films/i-am-cuba", "I Am Cuba", "1964"});
//   std::cout << table.Render();

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace longtake::cli {

// Columns in terminal cells, counting each UTF-8 code point as one
// ("Летят журавли" is 13 wide, not 25).
size_t DisplayWidth(absl::string_view utf8);

class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void AddRow(std::vector<std::string> cells);
  size_t size() const { return rows_.size(); }
  // Header and rows, columns padded to the widest cell, two spaces apart;
  // no trailing spaces.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Proto3 JSON (google::protobuf::util::MessageToJsonString), indented, with
// a trailing newline. `one_line` for streams (one event per line).
std::string ToJson(const google::protobuf::Message& message, bool one_line = false);

// 9812 -> "9,812".
std::string WithThousands(int64_t n);

}  // namespace longtake::cli
