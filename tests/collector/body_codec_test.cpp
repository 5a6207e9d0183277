// Stored report bodies: compressed on the way in, byte-identical on the way out, and a damaged one is an error.
#include <gtest/gtest.h>

#include <string>

#include "collector/body_codec.hpp"

namespace annexa::collector {
namespace {

std::string sampleReport() {
  std::string body = R"({"schema":"annexa.report/1","results":[)";
  for (int i = 0; i < 50; ++i)
    body += R"({"check":"ssh.permit_root_login_)" + std::to_string(i) +
            R"(","status":"pass","evidence":[{"source":"/etc/ssh/sshd_config","observed":"PermitRootLogin no"}]},)";
  body += "{}]}";
  return body;
}

TEST(BodyCodec, RoundTripsAndShrinksAReport) {
  const auto body = sampleReport();
  const auto stored = compressBody(body);
  EXPECT_LT(stored.size() * 4, body.size());
  EXPECT_EQ(decompressBody(stored, body.size()).value(), body);
  EXPECT_EQ(decompressBody(compressBody(""), 0).value(), "");
}

TEST(BodyCodec, RefusesGarbageTruncationDamageAndOversize) {
  const auto body = sampleReport();
  const auto stored = compressBody(body);
  EXPECT_FALSE(decompressBody(body, 1 << 20));                          // plain JSON is not a frame
  EXPECT_FALSE(decompressBody(stored.substr(0, stored.size() - 5), 1 << 20));
  // The frame checksum: no single damaged byte reads back as a different body.
  int refused = 0, tried = 0;
  for (std::size_t at = 0; at < stored.size(); at += 7, ++tried) {
    auto damaged = stored;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    const auto decoded = decompressBody(damaged, 1 << 20);
    EXPECT_FALSE(decoded && *decoded != body) << "byte " << at << " changed the body without an error";
    refused += !decoded;
  }
  EXPECT_GT(refused * 10, tried * 9);
  const auto tooBig = decompressBody(stored, body.size() - 1);
  ASSERT_FALSE(tooBig);
  EXPECT_NE(tooBig.error().find("would expand"), std::string::npos);
}

}  // namespace
}  // namespace annexa::collector
