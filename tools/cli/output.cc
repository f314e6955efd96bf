#include "tools/cli/output.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"

namespace longtake::cli {

size_t DisplayWidth(absl::string_view utf8) {
  size_t width = 0;
  for (char c : utf8) {
    // Count every byte that does not continue a multi-byte sequence.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);
  std::string out;
  auto render = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&line, row[i]);
      if (i + 1 < row.size())
        line.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  };
  render(headers_);
  for (const auto& row : rows_) render(row);
  return out;
}

std::string ToJson(const google::protobuf::Message& message, bool one_line) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = !one_line;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  if (out.empty() || out.back() != '\n') out.push_back('\n');
  return out;
}

std::string WithThousands(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

namespace cv1 = ::longtake::catalog::v1;
namespace wv1 = ::longtake::watchlist::v1;

void PrintField(const std::string& label, const std::string& value) {
  if (value.empty()) return;
  std::cout << absl::StrFormat("%-16s %s\n", label + ":", value);
}

std::string Shorten(const std::string& enum_name, absl::string_view prefix) {
  absl::string_view s = enum_name;
  absl::ConsumePrefix(&s, prefix);
  return absl::AsciiStrToLower(absl::StrReplaceAll(s, {{"_", " "}}));
}

std::string RoleName(int role) {
  return Shorten(cv1::CreditRole_Name(static_cast<cv1::CreditRole>(role)),
                 "CREDIT_ROLE_");
}

std::string TechniqueName(int technique) {
  return Shorten(
      cv1::CameraTechnique_Name(static_cast<cv1::CameraTechnique>(technique)),
      "CAMERA_TECHNIQUE_");
}

std::string YearText(int32_t year) {
  return year == 0 ? "" : absl::StrCat(year);
}

std::string Directors(const cv1::Film& film) {
  std::vector<std::string> names;
  for (const cv1::Credit& c : film.credits()) {
    if (c.role() == cv1::CREDIT_ROLE_DIRECTOR) {
      names.push_back(c.display_name().empty() ? c.person() : c.display_name());
    }
  }
  return absl::StrJoin(names, ", ");
}

std::string MoneyText(const google::type::Money& money) {
  if (money.currency_code().empty()) return "";
  int64_t cents = money.units() * 100 + money.nanos() / 10000000;
  return absl::StrFormat("%s %d.%02d", money.currency_code(), cents / 100,
                         (cents < 0 ? -cents : cents) % 100);
}

std::string TimestampText(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(ts.seconds()),
                          absl::UTCTimeZone());
}

std::string StartText(const cv1::Timecode& t) {
  if (!t.description().empty()) return t.description();
  switch (t.precision()) {
    case cv1::Timecode::PRECISION_EXACT:
    case cv1::Timecode::PRECISION_APPROXIMATE: {
      int64_t s = t.offset().seconds();
      return absl::StrFormat(
          "%s%d:%02d",
          t.precision() == cv1::Timecode::PRECISION_APPROXIMATE ? "~" : "",
          s / 60, s % 60);
    }
    case cv1::Timecode::PRECISION_FRACTION_OF_RUNTIME:
      return absl::StrFormat("%.0f%%", t.fraction() * 100);
    case cv1::Timecode::PRECISION_RELATIVE:
      return absl::StrCat(
          t.relation() == cv1::Timecode::RELATION_BEFORE ? "before " : "after ",
          t.relative_to());
    default:
      return "";
  }
}

std::string OfferText(const wv1::Offer& offer) {
  if (offer.name().empty() && offer.provider().empty()) return "";
  std::string text = absl::StrCat(
      offer.provider(), " ",
      Shorten(wv1::Monetization_Name(offer.monetization()), "MONETIZATION_"));
  std::string price = MoneyText(offer.price());
  if (!price.empty()) absl::StrAppend(&text, " ", price);
  return text;
}

}  // namespace longtake::cli
