#include "common/auth/jwks.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace longtake::auth {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr size_t kP256CoordinateBytes = 32;

// An OpenSSL object owned by a unique_ptr that frees it with `Free`:
// OpenSslPtr<EVP_PKEY, EVP_PKEY_free> pkey(raw);
template <auto Free>
struct OpenSslFree {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
template <typename T, auto Free>
using OpenSslPtr = std::unique_ptr<T, OpenSslFree<Free>>;

using ParamBldPtr = OpenSslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = OpenSslPtr<OSSL_PARAM, OSSL_PARAM_free>;
using BnPtr = OpenSslPtr<BIGNUM, BN_free>;

absl::Status BadKey(size_t index, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("JWKS key ", index, ": ", why));
}

// A base64url member of a JWK, decoded; "" when missing or not base64url.
std::string Bytes(const nlohmann::json& jwk, const char* member) {
  auto it = jwk.find(member);
  std::string out;
  if (it == jwk.end() || !it->is_string() ||
      !absl::WebSafeBase64Unescape(it->get<std::string>(), &out)) {
    return "";
  }
  return out;
}

BnPtr ToBignum(const std::string& bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
}

// Builds the public key of `type` ("RSA" or "EC") from `params` and writes
// it as PEM; "" on failure (OpenSSL refuses a point off the curve, ...).
std::string ToPem(const char* type, const OSSL_PARAM* params) {
  OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY,
                        const_cast<OSSL_PARAM*>(params)) <= 0) {
    return "";
  }
  OpenSslPtr<EVP_PKEY, EVP_PKEY_free> pkey(raw);
  OpenSslPtr<BIO, BIO_free> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    return "";
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : "";
}

absl::StatusOr<std::string> RsaPem(const nlohmann::json& jwk, size_t index) {
  std::string n = Bytes(jwk, "n");
  std::string e = Bytes(jwk, "e");
  if (n.empty() || e.empty()) {
    return BadKey(index, "an RSA key needs base64url \"n\" and \"e\"");
  }
  BnPtr modulus = ToBignum(n);
  BnPtr exponent = ToBignum(e);
  if (modulus == nullptr || exponent == nullptr) {
    return absl::ResourceExhaustedError("out of memory");
  }
  if (BN_num_bits(modulus.get()) < kMinRsaBits) {
    return BadKey(index, absl::StrCat("RSA keys need at least ", kMinRsaBits,
                                      " bits, this one has ",
                                      BN_num_bits(modulus.get())));
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N,
                              modulus.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E,
                              exponent.get())) {
    return absl::ResourceExhaustedError("out of memory");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::string pem = params ? ToPem("RSA", params.get()) : "";
  if (pem.empty()) return BadKey(index, "OpenSSL refused the RSA key");
  return pem;
}

absl::StatusOr<std::string> P256Pem(const nlohmann::json& jwk, size_t index) {
  std::string x = Bytes(jwk, "x");
  std::string y = Bytes(jwk, "y");
  if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) {
    return BadKey(index,
                  "a P-256 key needs base64url \"x\" and \"y\" of 32 bytes");
  }
  // Uncompressed point: 0x04 || x || y.
  std::string point = absl::StrCat(std::string(1, '\x04'), x, y);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                       "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                        point.data(), point.size())) {
    return absl::ResourceExhaustedError("out of memory");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::string pem = params ? ToPem("EC", params.get()) : "";
  if (pem.empty()) {
    return BadKey(index, "OpenSSL refused the P-256 key (not on the curve?)");
  }
  return pem;
}

std::string StringMember(const nlohmann::json& jwk, const char* member) {
  auto it = jwk.find(member);
  return it != jwk.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

absl::StatusOr<std::vector<PublicKey>> ParseJwks(absl::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("JWKS is not a JSON object");
  }
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return absl::InvalidArgumentError("JWKS has no \"keys\" array");
  }
  std::vector<PublicKey> out;
  for (size_t i = 0; i < keys->size(); ++i) {
    const nlohmann::json& jwk = (*keys)[i];
    if (!jwk.is_object()) return BadKey(i, "not a JSON object");
    const std::string kty = StringMember(jwk, "kty");
    const std::string use = StringMember(jwk, "use");
    const std::string alg = StringMember(jwk, "alg");
    if (!use.empty() && use != "sig") continue;
    PublicKey key;
    key.kid = StringMember(jwk, "kid");
    if (kty == "RSA" && (alg.empty() || alg == "RS256")) {
      key.alg = "RS256";
      absl::StatusOr<std::string> pem = RsaPem(jwk, i);
      if (!pem.ok()) return pem.status();
      key.pem = *std::move(pem);
    } else if (kty == "EC" && StringMember(jwk, "crv") == "P-256" &&
               (alg.empty() || alg == "ES256")) {
      key.alg = "ES256";
      absl::StatusOr<std::string> pem = P256Pem(jwk, i);
      if (!pem.ok()) return pem.status();
      key.pem = *std::move(pem);
    } else {
      continue;  // a kind of key longtake does not verify with
    }
    out.push_back(std::move(key));
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        "JWKS has no RS256 (RSA) or ES256 (EC P-256) signing key");
  }
  return out;
}

absl::StatusOr<std::vector<PublicKey>> ReadJwksFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("JWKS file ", path, " cannot be read"));
  }
  text << in.rdbuf();  // an empty file leaves text empty: not a JWKS
  absl::StatusOr<std::vector<PublicKey>> keys = ParseJwks(text.str());
  if (!keys.ok()) {
    return absl::Status(
        keys.status().code(),
        absl::StrCat("JWKS file ", path, ": ", keys.status().message()));
  }
  return keys;
}

}  // namespace longtake::auth
