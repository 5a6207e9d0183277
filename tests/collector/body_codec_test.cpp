// Stored report bodies: compressed on the way in, byte-identical on the way out, and a damaged one is an error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collector/store/body_codec.hpp"
#include "common/model.hpp"
#include "tests/support/fixture.hpp"

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

std::vector<std::string> fleetBodies(int from, int count) {
  std::vector<std::string> out;
  for (int i = from; i < from + count; ++i) out.push_back(toJson(test::fleetLikeReport(i)).dump());
  return out;
}

TEST(BodyCodec, ADictionaryTrainedOnTheFleetShrinksLaterBodiesAndRoundTrips) {
  const auto bytes = BodyDictionary::train(fleetBodies(0, 60));
  ASSERT_TRUE(bytes);
  const auto dictionary = BodyDictionary::load(*bytes);
  ASSERT_TRUE(dictionary) << dictionary.error();
  std::size_t plain = 0, withDictionary = 0;
  for (const auto& body : fleetBodies(1000, 20)) {
    const auto stored = compressBody(body, dictionary->get());
    EXPECT_EQ(bodyDictionaryId(stored), (*dictionary)->id());
    EXPECT_EQ(decompressBody(stored, body.size(), dictionary->get()).value(), body);
    plain += compressBody(body).size();
    withDictionary += stored.size();
  }
  EXPECT_LT(withDictionary * 2, plain) << "a dictionary should at least halve these bodies";
  EXPECT_EQ(bodyDictionaryId(compressBody("{}")), 0u);  // without one, frames name none
}

TEST(BodyCodec, ABodyWithoutItsDictionaryIsAnErrorNotOtherBytes) {
  const auto one = BodyDictionary::load(*BodyDictionary::train(fleetBodies(0, 60)));
  const auto other = BodyDictionary::load(*BodyDictionary::train(fleetBodies(500, 60)));
  ASSERT_TRUE(one && other);
  ASSERT_NE((*one)->id(), (*other)->id());
  const auto body = toJson(test::fleetLikeReport(7)).dump();
  const auto stored = compressBody(body, one->get());
  for (const BodyDictionary* wrong : {static_cast<const BodyDictionary*>(nullptr), other->get()}) {
    const auto read = decompressBody(stored, body.size(), wrong);
    ASSERT_FALSE(read);
    EXPECT_NE(read.error().find("dictionary " + std::to_string((*one)->id())), std::string::npos) << read.error();
  }
  // A body stored without a dictionary reads with or without one.
  EXPECT_EQ(decompressBody(compressBody(body), body.size(), one->get()).value(), body);
}

TEST(BodyCodec, TooLittleToLearnFromOrNotADictionaryAreRefused) {
  EXPECT_FALSE(BodyDictionary::train({}));
  EXPECT_FALSE(BodyDictionary::train({"{}", "{}"}));
  EXPECT_FALSE(BodyDictionary::load("not a dictionary"));
}

}  // namespace
}  // namespace annexa::collector
