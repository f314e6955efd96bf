#pragma once

// A fingerprint of a write request for its request record
// (common/domain/request_record.h): the request's bytes without its
// request_id, hashed. A retry of the same request gets the same fingerprint;
// the same request_id on a different request does not.
//
//   options.request_hash = RequestFingerprint(*request);

#include <string>

#include "google/protobuf/message.h"

namespace longtake {

std::string RequestFingerprint(const google::protobuf::Message& request);

}  // namespace longtake
