#pragma once

// Test helpers for JWTs: signing any header and claims with libjwt (HS256,
// RS256, ES256 or alg none), and key pairs generated with OpenSSL, with
// their private PEM (to sign) and public JWK (for the JWKS under test).
//
//   TestKeyPair rsa = TestKeyPair::Rsa("rsa-1");
//   std::string jwks = Jwks({rsa.jwk});
//   std::string token = SignJwt("RS256", rsa.private_pem, claims, "rsa-1");

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "nlohmann/json.hpp"

namespace longtake::jwt_test {

inline std::string Base64Url(const std::string& bytes) {
  return absl::WebSafeBase64Escape(bytes);  // no padding
}

// Signs `claims` with libjwt. `alg` is "HS256", "RS256", "ES256" or "none"
// (no key); `kid` goes into the header when not empty. "" on failure.
inline std::string SignJwt(const std::string& alg, const std::string& key,
                           const nlohmann::json& claims,
                           const std::string& kid = "") {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return "";
  std::string out;
  const unsigned char* key_bytes =
      alg == "none" ? nullptr
                    : reinterpret_cast<const unsigned char*>(key.data());
  if (jwt_add_grants_json(jwt, claims.dump().c_str()) == 0 &&
      (kid.empty() || jwt_add_header(jwt, "kid", kid.c_str()) == 0) &&
      jwt_set_alg(jwt, jwt_str_alg(alg.c_str()), key_bytes,
                  alg == "none" ? 0 : static_cast<int>(key.size())) == 0) {
    if (char* encoded = jwt_encode_str(jwt)) {
      out = encoded;
      free(encoded);
    }
  }
  jwt_free(jwt);
  return out;
}

// "{...}.{...}." style token with a hand-made header and claims and the
// given signature bytes: for tokens libjwt would refuse to produce.
inline std::string RawJwt(const nlohmann::json& header,
                          const nlohmann::json& claims,
                          const std::string& signature) {
  return Base64Url(header.dump()) + "." + Base64Url(claims.dump()) + "." +
         Base64Url(signature);
}

struct TestKeyPair {
  std::string private_pem;
  std::string public_pem;
  nlohmann::json jwk;  // public part, with "kid"
  EVP_PKEY* pkey = nullptr;

  TestKeyPair() = default;
  TestKeyPair(const TestKeyPair&) = delete;
  TestKeyPair& operator=(const TestKeyPair&) = delete;
  TestKeyPair(TestKeyPair&& other) noexcept
      : private_pem(std::move(other.private_pem)),
        public_pem(std::move(other.public_pem)),
        jwk(std::move(other.jwk)),
        pkey(other.pkey) {
    other.pkey = nullptr;
  }
  ~TestKeyPair() { EVP_PKEY_free(pkey); }

  static TestKeyPair Rsa(const std::string& kid, unsigned bits = 2048) {
    TestKeyPair pair;
    pair.pkey = EVP_RSA_gen(bits);
    pair.Pems();
    pair.jwk = {{"kty", "RSA"},
                {"kid", kid},
                {"use", "sig"},
                {"alg", "RS256"},
                {"n", Base64Url(pair.Bn(OSSL_PKEY_PARAM_RSA_N))},
                {"e", Base64Url(pair.Bn(OSSL_PKEY_PARAM_RSA_E))}};
    return pair;
  }

  static TestKeyPair P256(const std::string& kid) {
    TestKeyPair pair;
    pair.pkey = EVP_EC_gen("P-256");
    pair.Pems();
    unsigned char point[65];
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(pair.pkey, OSSL_PKEY_PARAM_PUB_KEY, point,
                                    sizeof(point), &len);
    // Uncompressed: 0x04 || x || y.
    std::string x(reinterpret_cast<char*>(point) + 1, 32);
    std::string y(reinterpret_cast<char*>(point) + 33, 32);
    pair.jwk = {{"kty", "EC"},
                {"kid", kid},
                {"crv", "P-256"},
                {"x", Base64Url(x)},
                {"y", Base64Url(y)}};
    return pair;
  }

  // An ES256 JWS signature made by OpenSSL alone (DER turned into the
  // R || S form RFC 7518 section 3.4 prescribes), to check libjwt's verify
  // against an independent signer.
  std::string SignEs256(const std::string& signing_input) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    std::string der;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
        EVP_DigestSign(
            ctx, nullptr, &len,
            reinterpret_cast<const unsigned char*>(signing_input.data()),
            signing_input.size()) == 1) {
      der.resize(len);
      EVP_DigestSign(
          ctx, reinterpret_cast<unsigned char*>(der.data()), &len,
          reinterpret_cast<const unsigned char*>(signing_input.data()),
          signing_input.size());
      der.resize(len);
    }
    EVP_MD_CTX_free(ctx);
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig),
                 reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig),
                 reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return raw;
  }

 private:
  void Pems() {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    private_pem = Drain(bio);
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey);
    public_pem = Drain(bio);
  }
  static std::string Drain(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(bio);
    return out;
  }
  std::string Bn(const char* name) const {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(pkey, name, &bn);
    std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
  }
};

inline std::string Jwks(const std::vector<nlohmann::json>& keys) {
  return nlohmann::json{{"keys", keys}}.dump();
}

}  // namespace longtake::jwt_test
