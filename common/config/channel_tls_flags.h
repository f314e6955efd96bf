#pragma once

// The flags of a TLS channel to a longtake service: TLS on or off, the PEM
// CA bundle to trust, and the client certificate and key to present (mTLS).
// Each program registers them under its own names and help (the CLI's
// --tls, --ca, --cert, --key; the watchlist's --catalog-tls, --catalog-ca,
// --catalog-cert, --catalog-key); what they mean is decided here once.
//
//   ChannelTlsFlags tls{.tls = flags.AddBool("tls", "LONGTAKE_TLS", ...),
//                       .ca = flags.AddString("ca", "LONGTAKE_CA", ...),
//                       .cert = ..., .key = ...};
//   ... after Parse: if (tls.enabled()) ...

#include <string>

#include "common/config/flags.h"

namespace longtake {

struct ChannelTlsFlags {
  Flag<bool> tls;
  Flag<std::string> ca;
  Flag<std::string> cert;
  Flag<std::string> key;

  // TLS when asked for, or implied by any of the files.
  bool enabled() const {
    return *tls || !ca->empty() || !cert->empty() || !key->empty();
  }
};

}  // namespace longtake
