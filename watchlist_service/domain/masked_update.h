#pragma once

// The first steps every Update* of the watchlist shares, in the order the
// API promises: the update mask is checked first (before the name and any
// read), then the name and the etag's size, then the stored resource is read
// and a given etag compared with it.
//
//   Provider next;
//   LONGTAKE_ASSIGN_OR_RETURN(
//       Provider current,
//       MaskedUpdate(mask, ProviderSetters(), p, NameCheck(p),
//                    "provider.etag", Load, &next));

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/domain/field_limits.h"
#include "common/domain/field_mask.h"
#include "common/status/errors.h"

namespace longtake::watchlist {

// Returns the stored resource; `next` is it with the masked fields of
// `update` applied. `name_check` is the verdict on update.name (an error
// when malformed); `etag_field` names update.etag in errors; `load(name)`
// reads the stored resource.
template <typename T, typename Load>
absl::StatusOr<T> MaskedUpdate(const FieldMask& mask,
                               const MaskSetters<T>& setters, const T& update,
                               const absl::Status& name_check,
                               absl::string_view etag_field, Load load,
                               T* next) {
  T scratch = update;
  LONGTAKE_RETURN_IF_ERROR(ApplyMask(mask, setters, update, &scratch));
  LONGTAKE_RETURN_IF_ERROR(name_check);
  LONGTAKE_RETURN_IF_ERROR(CheckBytes(update.etag, etag_field, kMaxEtagBytes));
  LONGTAKE_ASSIGN_OR_RETURN(T current, load(update.name));
  if (!update.etag.empty() && update.etag != current.etag) {
    return EtagMismatch(update.name);
  }
  *next = current;
  LONGTAKE_RETURN_IF_ERROR(ApplyMask(mask, setters, update, next));
  return current;
}

}  // namespace longtake::watchlist
