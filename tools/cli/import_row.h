#pragma once

// One film row, whatever the file's format: the values under the keys the
// file gave them (a JSON object's members, a CSV record's cells as text),
// each key mapped to a field by KeyMap (import_keys.h). json_import.cc and
// csv_import.cc both end here, so synonyms, nulls, numbers where text
// belongs, dates and unknown keys are handled alike in every format.
//
//   ImportJson obj = ImportJson::parse(R"({"Title": "I Am Cuba",
//                                          "Release Date": "1964-07-26"})");
//   RowProblems p;
//   p.line = 1;
//   v1::ImportFilmsEntry e = EntryFromRow(RowFromObject(obj, keys), &p);
//   // e.film().year() == 1964; p.list empty

#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "longtake/catalog/v1/catalog_service.pb.h"
#include "nlohmann/json.hpp"
#include "tools/cli/import_fields.h"
#include "tools/cli/import_keys.h"

namespace longtake::cli {

// Keeps the members in file order, so the first of two keys for one field
// (say "Year" and "Release Date") is the one used.
using ImportJson = nlohmann::ordered_json;

struct RowValue {
  absl::string_view key;              // as written in the file
  std::optional<ImportField> field;   // nullopt: a key the importer lacks
  const ImportJson* value = nullptr;  // null, or text only blanks: absent
};

// The members of a JSON object, each with its field.
std::vector<RowValue> RowFromObject(const ImportJson& object,
                                    const KeyMap& keys);

// "a number", "text", "a list"...: for messages.
const char* JsonTypeName(const ImportJson& value);

// The entry the row describes; what is wrong with it goes to `p` (fields
// named by the row's keys, "credits[1].role"), as do its unknown keys and
// numbers taken as text. A field given twice (two synonyms) takes the first
// value when it holds one value, and every value when it is a list.
catalog::v1::ImportFilmsEntry EntryFromRow(const std::vector<RowValue>& row,
                                           RowProblems* p);

}  // namespace longtake::cli
