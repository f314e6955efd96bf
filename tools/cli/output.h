#pragma once

// Printing helpers for the CLI: aligned text tables, proto JSON, numbers,
// and the short text forms of the API's values (roles, years, prices,
// timecodes, offers) that the commands' tables show.
//
//   Table table({"FILM", "TITLE", "YEAR"});
//   table.AddRow({"films/i-am-cuba", "I Am Cuba", YearText(1964)});
//   std::cout << table.Render();

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/money.pb.h"
#include "longtake/catalog/v1/resources.pb.h"
#include "longtake/watchlist/v1/resources.pb.h"

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
std::string ToJson(const google::protobuf::Message& message,
                   bool one_line = false);

// 9812 -> "9,812".
std::string WithThousands(int64_t n);

// "Label:          value" on stdout; nothing when the value is empty.
void PrintField(const std::string& label, const std::string& value);

// An enum value name without its prefix, lower case, spaces for
// underscores: ("CREDIT_ROLE_DIRECTOR", "CREDIT_ROLE_") -> "director".
std::string Shorten(const std::string& enum_name, absl::string_view prefix);
std::string RoleName(int role);            // "cinematographer"
std::string TechniqueName(int technique);  // "crane shot"

// 1957 -> "1957"; 0 (unknown) -> "".
std::string YearText(int32_t year);
// The film's directors' names, comma separated.
std::string Directors(const catalog::v1::Film& film);
// "GBP 3.49"; "" for an unset price.
std::string MoneyText(const google::type::Money& money);
// "2026-01-31 20:15" (UTC); "" for an unset time.
std::string TimestampText(const google::protobuf::Timestamp& ts);
// Where a sequence starts: "~25:00", "75%", "after the wedding"...
std::string StartText(const catalog::v1::Timecode& t);
// "mubi subscription", "apple rent GBP 3.49"; "" for no offer.
std::string OfferText(const watchlist::v1::Offer& offer);

}  // namespace longtake::cli
