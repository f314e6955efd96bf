#include "watchlist_service/domain/watchlist_validation.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/domain/field_limits.h"
#include "watchlist_service/domain/enum_names.h"
#include "watchlist_service/domain/watchlist_errors.h"

namespace longtake::watchlist {
namespace {

bool IsSlugChar(char c, bool allow_underscore) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         (allow_underscore && c == '_');
}

bool HasIdPrefix(absl::string_view name, absl::string_view prefix,
                 bool allow_underscore = false) {
  if (!absl::ConsumePrefix(&name, prefix)) return false;
  return IsValidId(name, allow_underscore);
}

bool IsCurrency(absl::string_view c) {
  if (c.size() != 3) return false;
  for (char ch : c) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(ch))) return false;
  }
  return true;
}

bool IsHttpUri(absl::string_view uri) {
  absl::string_view rest = uri;
  if (!absl::ConsumePrefix(&rest, "https://") &&
      !absl::ConsumePrefix(&rest, "http://")) {
    return false;
  }
  if (rest.empty() || rest[0] == '/') return false;
  for (char c : uri) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

void ValidatePrice(const Offer& o, std::vector<FieldViolation>* v) {
  if (!IsCurrency(o.price->currency_code)) {
    v->push_back({"offer.price.currency_code",
                  absl::StrCat("\"", o.price->currency_code,
                               "\" must be an ISO 4217 code, three upper-case "
                               "letters")});
  }
  if (o.price->units < 0 || o.price->nanos < 0) {
    v->push_back({"offer.price", "must not be negative"});
  } else if (o.price->nanos >= 1000000000) {
    v->push_back({"offer.price.nanos", "must be below 1000000000"});
  }
}

}  // namespace

bool IsValidId(absl::string_view id, bool allow_underscore) {
  if (id.empty() || id.size() > 63) return false;
  if (!IsSlugChar(id[0], false) || id[0] == '-') return false;
  for (char c : id) {
    if (!IsSlugChar(c, allow_underscore)) return false;
  }
  return true;
}

bool IsFilmName(absl::string_view name) {
  return HasIdPrefix(name, "films/", true);
}
bool IsProviderName(absl::string_view name) {
  return HasIdPrefix(name, "providers/");
}
bool IsOfferName(absl::string_view name) {
  return HasIdPrefix(name, "offers/");
}

absl::Status CheckProviderName(absl::string_view name,
                               absl::string_view field) {
  if (IsProviderName(name)) return absl::OkStatus();
  return InvalidArgument(
      field, absl::StrCat("\"", name, "\" must be providers/{provider}"));
}

absl::Status CheckOfferName(absl::string_view name, absl::string_view field) {
  if (IsOfferName(name)) return absl::OkStatus();
  return InvalidArgument(field,
                         absl::StrCat("\"", name, "\" must be offers/{offer}"));
}

absl::Status CheckNewId(absl::string_view id, absl::string_view field) {
  if (IsValidId(id)) return absl::OkStatus();
  return InvalidArgument(
      field, absl::StrCat("\"", id, "\" must match [a-z0-9][a-z0-9-]{0,62}"));
}

absl::StatusOr<std::string> ParseUserParent(absl::string_view parent,
                                            absl::string_view field) {
  absl::string_view user = parent;
  if (!absl::ConsumePrefix(&user, "users/") || !IsValidId(user, true)) {
    return InvalidArgument(
        field, absl::StrCat("\"", parent,
                            "\" must be users/{user} with user matching "
                            "[a-z0-9][a-z0-9_-]{0,62}"));
  }
  return std::string(user);
}

absl::StatusOr<ItemName> ParseItemName(absl::string_view name,
                                       absl::string_view field) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 5 || parts[0] != "users" || parts[2] != "watchlist" ||
      parts[3] != "items" || !IsValidId(parts[1], true) ||
      !IsValidId(parts[4], true)) {
    return InvalidArgument(
        field, absl::StrCat("\"", name,
                            "\" is not a watchlist item name "
                            "(users/{user}/watchlist/items/{item})"));
  }
  return ItemName{parts[1], parts[4]};
}

absl::StatusOr<std::vector<std::string>> NormaliseRegions(
    const std::vector<std::string>& in) {
  LONGTAKE_RETURN_IF_ERROR(CheckEntries(in.size(), "regions", kMaxListEntries));
  std::vector<std::string> out;
  for (size_t i = 0; i < in.size(); ++i) {
    LONGTAKE_ASSIGN_OR_RETURN(
        std::string r,
        NormaliseRegion(in[i], absl::StrCat("regions[", i, "]")));
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<absl::flat_hash_set<std::string>> ParseSubscriptions(
    const std::vector<std::string>& subscriptions, absl::string_view field) {
  LONGTAKE_RETURN_IF_ERROR(
      CheckEntries(subscriptions.size(), field, kMaxListEntries));
  absl::flat_hash_set<std::string> out;
  for (size_t i = 0; i < subscriptions.size(); ++i) {
    if (!IsProviderName(subscriptions[i])) {
      return InvalidArgument(
          absl::StrCat(field, "[", i, "]"),
          absl::StrCat("\"", subscriptions[i],
                       "\" is not a provider name (providers/{provider})"));
    }
    out.insert(subscriptions[i]);
  }
  return out;
}

namespace {

// Upper-cases a stored region in place, or records why it is not one.
void NormaliseRegionInto(std::string& region, std::string field,
                         std::vector<FieldViolation>* v) {
  std::string upper = absl::AsciiStrToUpper(region);
  if (IsIsoRegion(upper)) {
    region = std::move(upper);
  } else {
    v->push_back({std::move(field), RegionError(region)});
  }
}

}  // namespace

void ValidateProvider(Provider& p, std::vector<FieldViolation>* v) {
  if (p.display_name.empty()) {
    v->push_back({"provider.display_name", "is required"});
  }
  CheckBytes(p.display_name, "provider.display_name", kMaxShortTextBytes, v);
  if (CheckEntries(p.regions.size(), "provider.regions", kMaxListEntries, v)) {
    for (size_t i = 0; i < p.regions.size(); ++i) {
      NormaliseRegionInto(p.regions[i],
                          absl::StrCat("provider.regions[", i, "]"), v);
    }
  }
  if (CheckBytes(p.home_page_uri, "provider.home_page_uri", kMaxUriBytes, v) &&
      !p.home_page_uri.empty() && !IsHttpUri(p.home_page_uri)) {
    v->push_back({"provider.home_page_uri", "must be an http(s) URI"});
  }
  if (static_cast<int>(p.kind) > 3) {
    v->push_back({"provider.kind", "unknown kind"});
  }
}

void ValidateOffer(Offer& o, std::vector<FieldViolation>* v) {
  if (!IsFilmName(o.film)) {
    v->push_back(
        {"offer.film", absl::StrCat("\"", o.film, "\" must be films/{film}")});
  }
  if (!IsProviderName(o.provider)) {
    v->push_back(
        {"offer.provider",
         absl::StrCat("\"", o.provider, "\" must be providers/{provider}")});
  }
  if (o.monetization == Monetization::kUnspecified ||
      static_cast<int>(o.monetization) > 5) {
    v->push_back({"offer.monetization",
                  "is required (subscription, rent, buy, free or ads)"});
  }
  if (static_cast<int>(o.format) > 5) {
    v->push_back({"offer.format", "unknown format"});
  }
  if (static_cast<int>(o.quality) > 3) {
    v->push_back({"offer.quality", "unknown quality"});
  }
  NormaliseRegionInto(o.region, "offer.region", v);
  bool priced = o.monetization == Monetization::kRent ||
                o.monetization == Monetization::kBuy;
  if (!priced) {
    o.price.reset();  // ignored for subscription, free and ads offers
  } else if (!o.price) {
    v->push_back({"offer.price", "is required for rent and buy offers"});
  } else {
    ValidatePrice(o, v);
  }
  if (CheckBytes(o.deep_link_uri, "offer.deep_link_uri", kMaxUriBytes, v) &&
      !o.deep_link_uri.empty() && !IsHttpUri(o.deep_link_uri)) {
    v->push_back({"offer.deep_link_uri", "must be an http(s) URI"});
  }
  CheckBytes(o.edition, "offer.edition", kMaxShortTextBytes, v);
  if (o.available_from != absl::InfinitePast() &&
      o.available_until != absl::InfiniteFuture() &&
      o.available_until <= o.available_from) {
    v->push_back({"offer.available_until", "must be after available_from"});
  }
  if (!CheckEntries(o.extras.size(), "offer.extras", kMaxListEntries, v)) {
    return;
  }
  for (size_t i = 0; i < o.extras.size(); ++i) {
    std::string field = absl::StrCat("offer.extras[", i, "]");
    if (o.extras[i].empty()) {
      v->push_back({std::move(field), "must not be empty"});
    } else {
      CheckBytes(o.extras[i], field, kMaxShortTextBytes, v);
    }
  }
}

void ValidateItem(const WatchlistItem& item, std::vector<FieldViolation>* v) {
  CheckBytes(item.note, "item.note", kMaxNoteBytes, v);
}

namespace {

constexpr absl::string_view kOfferFilterFields =
    "film, region, provider, monetization, format";

// One `field = value` of a filter; the value may be quoted.
struct Comparison {
  absl::string_view field;
  absl::string_view value;
};

absl::StatusOr<Comparison> ParseComparison(absl::string_view text) {
  std::vector<absl::string_view> kv =
      absl::StrSplit(text, absl::MaxSplits('=', 1));
  if (kv.size() != 2) {
    return InvalidFilter(absl::StrCat(
        "cannot parse \"", absl::StripAsciiWhitespace(text),
        "\": expected field = \"value\" (fields: ", kOfferFilterFields,
        "), joined with AND; one field's values may be joined with OR"));
  }
  absl::string_view value = absl::StripAsciiWhitespace(kv[1]);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return Comparison{absl::StripAsciiWhitespace(kv[0]), value};
}

template <typename E>
absl::Status AddEnumValue(absl::string_view field, absl::string_view value,
                          std::vector<E>* values) {
  std::optional<E> parsed = ParseEnumName<E>(value);
  if (!parsed) {
    return InvalidFilter(absl::StrCat(
        "\"", value, "\" is not a ", field, ": use one of ", EnumNameList<E>(),
        " (the ", EnumNames<E>::kPrefix, " prefix and case do not matter)"));
  }
  values->push_back(*parsed);
  return absl::OkStatus();
}

absl::Status AddCondition(const Comparison& c, OfferFilter* out) {
  if (c.field == "film") {
    if (!IsFilmName(c.value)) {
      return InvalidFilter(
          absl::StrCat("\"", c.value, "\" is not films/{film}"));
    }
    out->films.emplace_back(c.value);
  } else if (c.field == "region") {
    absl::StatusOr<std::string> region = NormaliseRegion(c.value, "filter");
    if (!region.ok()) return InvalidFilter(RegionError(c.value));
    out->regions.push_back(*std::move(region));
  } else if (c.field == "provider") {
    if (!IsProviderName(c.value)) {
      return InvalidFilter(absl::StrCat(
          "\"", c.value, "\" is not a provider name (providers/{provider})"));
    }
    out->providers.emplace_back(c.value);
  } else if (c.field == "monetization") {
    return AddEnumValue(c.field, c.value, &out->monetizations);
  } else if (c.field == "format") {
    return AddEnumValue(c.field, c.value, &out->formats);
  } else {
    return InvalidFilter(absl::StrCat("unknown field \"", c.field,
                                      "\"; filterable: ", kOfferFilterFields));
  }
  return absl::OkStatus();
}

template <typename T>
void SortUnique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace

absl::StatusOr<OfferFilter> ParseOfferFilter(absl::string_view filter) {
  LONGTAKE_RETURN_IF_ERROR(CheckFilter(filter));
  OfferFilter out;
  if (absl::StripAsciiWhitespace(filter).empty()) return out;
  absl::flat_hash_set<absl::string_view> fields;
  // AIP-160: OR binds tighter than AND, so each AND clause is one field's
  // values joined with OR, its parentheses optional.
  for (absl::string_view clause : absl::StrSplit(filter, " AND ")) {
    clause = absl::StripAsciiWhitespace(clause);
    if (absl::ConsumePrefix(&clause, "(") &&
        !absl::ConsumeSuffix(&clause, ")")) {
      return InvalidFilter(
          "parentheses may only group one field's values joined with OR, "
          "as in (format = \"DVD\" OR format = \"BLU_RAY\")");
    }
    std::optional<absl::string_view> field;
    for (absl::string_view term : absl::StrSplit(clause, " OR ")) {
      LONGTAKE_ASSIGN_OR_RETURN(Comparison c, ParseComparison(term));
      if (!field) {
        field = c.field;
        if (!fields.insert(c.field).second) {
          return InvalidFilter(absl::StrCat(
              "\"", c.field, "\" appears twice; for several values write (",
              c.field, " = \"a\" OR ", c.field, " = \"b\")"));
        }
      } else if (c.field != *field) {
        return InvalidFilter(
            absl::StrCat("OR may only join values of one "
                         "field, not \"",
                         *field, "\" and \"", c.field, "\""));
      }
      LONGTAKE_RETURN_IF_ERROR(AddCondition(c, &out));
    }
  }
  SortUnique(out.films);
  SortUnique(out.regions);
  SortUnique(out.providers);
  SortUnique(out.monetizations);
  SortUnique(out.formats);
  return out;
}

absl::StatusOr<bool> ParseItemFilter(absl::string_view filter) {
  LONGTAKE_RETURN_IF_ERROR(CheckFilter(filter));
  std::string compact;
  for (char c : filter) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) {
      compact.push_back(c);
    }
  }
  if (compact.empty() || compact == "watchable_now=false") return false;
  if (compact == "watchable_now=true") return true;
  return InvalidFilter(
      absl::StrCat("cannot parse \"", filter,
                   "\": the only filter is watchable_now = true"));
}

absl::StatusOr<int64_t> ParseOffset(const std::string& position) {
  if (position.empty()) return 0;
  int64_t offset = 0;
  if (!absl::SimpleAtoi(position, &offset) || offset < 0) {
    return InvalidArgument("page_token", "malformed page token");
  }
  return offset;
}

namespace {

bool IsDirectoryOutage(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded ||
         status.code() == absl::StatusCode::kResourceExhausted ||
         status.code() == absl::StatusCode::kCancelled;
}

}  // namespace

absl::Status CatalogueError(const absl::Status& status,
                            const std::string& film) {
  if (IsDirectoryOutage(status)) {
    return ErrorWithReason(
        absl::StatusCode::kUnavailable, kCatalogUnavailable,
        absl::StrCat("cannot check ", film,
                     ": the catalogue service could not be reached (",
                     status.message(), "); try again"),
        film);
  }
  if (status.code() == absl::StatusCode::kNotFound &&
      ErrorResource(status).empty()) {
    return NotFound(film);
  }
  return status;
}

}  // namespace longtake::watchlist
