// The checks MakeServerCredentials and MakeChannelCredentials make before
// gRPC sees a file: each mistake is INVALID_ARGUMENT naming the flag. The
// handshakes themselves are tested against the real servers
// (tls_integration_test.cc).

#include "common/grpc/tls_credentials.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/server_process.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::ScopedTempDir;
using ::longtake::testing::StatusIs;
using ::testing::HasSubstr;

// INVALID_ARGUMENT whose message says `text`.
void ExpectInvalid(const absl::Status& status, const std::string& text) {
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr(text));
}

class TlsCredentialsTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  ScopedTempDir dir_;
};

TEST_F(TlsCredentialsTest, NothingSetIsPlaintext) {
  ASSERT_OK_AND_ASSIGN(auto server, MakeServerCredentials({}));
  EXPECT_NE(server, nullptr);
  ASSERT_OK_AND_ASSIGN(auto channel, MakeChannelCredentials({}));
  EXPECT_NE(channel, nullptr);
}

TEST_F(TlsCredentialsTest, ServerFileMistakesNameTheFlag) {
  const std::string pem = Write("x.pem", "-----BEGIN CERTIFICATE-----\n");
  ExpectInvalid(MakeServerCredentials({.cert_file = pem}).status(),
                "--tls-cert needs --tls-key");
  ExpectInvalid(MakeServerCredentials({.client_ca_file = pem}).status(),
                "--tls-client-ca needs --tls-cert");
  ExpectInvalid(
      MakeServerCredentials({.cert_file = pem, .key_file = "/nonexistent.key"})
          .status(),
      "--tls-key: cannot read \"/nonexistent.key\"");
  const std::string text = Write("notes.txt", "not a certificate");
  ExpectInvalid(
      MakeServerCredentials({.cert_file = text, .key_file = pem}).status(),
      "--tls-cert: \"" + text + "\" is not a PEM file");
}

TEST_F(TlsCredentialsTest, ChannelMistakesNameTheFlag) {
  const std::string pem = Write("x.pem", "-----BEGIN CERTIFICATE-----\n");
  ExpectInvalid(
      MakeChannelCredentials({.enabled = true, .cert_file = pem}).status(),
      "--cert needs --key");
  ExpectInvalid(MakeChannelCredentials(
                    {.enabled = true, .key_pem = "k", .key_flag = "client_key"})
                    .status(),
                "client_key needs --cert");
  ExpectInvalid(
      MakeChannelCredentials(
          {.enabled = true, .ca_file = pem, .cert_pem = "c", .key_pem = "k"})
          .status(),
      "either all as files or all as PEM text");
  ExpectInvalid(
      MakeChannelCredentials({.enabled = true, .ca_file = "/nonexistent.crt"})
          .status(),
      "--ca: cannot read");
  // Off ignores everything else: plaintext.
  EXPECT_OK(MakeChannelCredentials({.cert_file = pem}).status());
}

}  // namespace
}  // namespace longtake
