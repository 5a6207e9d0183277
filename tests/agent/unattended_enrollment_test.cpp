// The unattended enrollment file and variables (agent/unattended_enrollment.hpp); enrolling against a real
// collector is tested in tests/collector/unattended_enrollment_test.cpp.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "agent/unattended_enrollment.hpp"
#include "common/safe_file.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent {
namespace {

TEST(EnrollmentFile, TakesTheThreeKeys) {
  auto source = parseEnrollmentFile(R"({"server": "https://c:8443", "token": "anx_1", "ca_fingerprint": "SHA256:ab"})",
                                    "enroll.json");
  ASSERT_TRUE(source.ok()) << source.error();
  EXPECT_EQ(source->server, "https://c:8443");
  EXPECT_EQ(source->token, "anx_1");
  EXPECT_EQ(source->caFingerprint, "SHA256:ab");
}

TEST(EnrollmentFile, RefusesWhatItCannotTrust) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"server": "https://c", "token": "t", "ca_fingerprint": "f", "tokn": "x"})", "unknown key \"tokn\""},
      {R"({"server": "https://c", "ca_fingerprint": "f"})", "\"token\" is missing"},
      {R"({"server": "https://c", "token": 5, "ca_fingerprint": "f"})", "\"token\" must be a non-empty string"},
      {R"({"server": "", "token": "t", "ca_fingerprint": "f"})", "\"server\" must be a non-empty string"},
      {R"(["https://c", "t", "f"])", "not a JSON object"},
      {"{\"server\": ", "not a JSON object"},
  };
  for (const auto& [json, expected] : cases) {
    auto source = parseEnrollmentFile(json, "/etc/annexa/enroll.json");
    ASSERT_FALSE(source.ok()) << json;
    EXPECT_NE(source.error().find(expected), std::string::npos) << source.error();
    EXPECT_EQ(source.error().rfind("/etc/annexa/enroll.json: ", 0), 0u) << source.error();
  }
}

TEST(EnrollmentSource, EnvironmentAllOrNothing) {
  test::FixtureRoot root;
  std::map<std::string, std::string> env = {{"ANNEXA_ENROLL_SERVER", "https://c:8443"},
                                            {"ANNEXA_ENROLL_TOKEN", "anx_1"}};
  const GetEnv getenv = [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  std::ostringstream warnings;
  auto partial = findEnrollmentSource(root.path() / "enroll.json", getenv, warnings);
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.error().find("ANNEXA_ENROLL_CA_FINGERPRINT"), std::string::npos);

  env["ANNEXA_ENROLL_CA_FINGERPRINT"] = "SHA256:ab";
  auto complete = findEnrollmentSource(root.path() / "enroll.json", getenv, warnings);
  ASSERT_TRUE(complete.ok() && complete->has_value());
  EXPECT_EQ((*complete)->origin(), "the environment");
  EXPECT_FALSE((*complete)->file.has_value());

  env.clear();
  auto none = findEnrollmentSource(root.path() / "enroll.json", getenv, warnings);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(EnrollmentSource, ADirectoryOrAnOversizedFileIsAnError) {
  test::FixtureRoot root;
  const GetEnv noEnvironment = [](const char*) -> const char* { return nullptr; };
  std::ostringstream warnings;
  std::filesystem::create_directory(root.path() / "dir.json");
  auto directory = findEnrollmentSource(root.path() / "dir.json", noEnvironment, warnings);
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.error().find("not a regular file"), std::string::npos) << directory.error();

  ASSERT_TRUE(safe_file::writePath(root.path() / "big.json", std::string(70 * 1024, ' '), 0600).ok());
  auto big = findEnrollmentSource(root.path() / "big.json", noEnvironment, warnings);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().find("larger than 64 KB"), std::string::npos) << big.error();
}

}  // namespace
}  // namespace annexa::agent
