// Unattended enrollment (agent/unattended_enrollment.hpp) against a real collector on loopback: the enrollment
// file or the environment, the token file deleted once enrolled, retries that say why, a stop while waiting.
#include <gtest/gtest.h>

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <functional>
#include <map>
#include <sstream>

#include "agent/cli.hpp"
#include "agent/unattended_enrollment.hpp"
#include "common/safe_file.hpp"
#include "tests/collector/collector_harness.hpp"

namespace annexa {
namespace {
namespace fs = std::filesystem;
using agent::UnattendedOutcome;
using test::InProcessCollector;

// An ostream whose every flush hands the text so far to `onFlush`, on the writing thread: the test acts between
// two attempts without sleeping or racing the retry.
class FlushHook : public std::stringbuf {
 public:
  explicit FlushHook(std::function<void(const std::string&)> onFlush) : onFlush_(std::move(onFlush)) {}

 protected:
  int sync() override {
    onFlush_(str());
    return 0;
  }

 private:
  std::function<void(const std::string&)> onFlush_;
};

class UnattendedEnrollmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.state = agent::StateDir{collector_.scratch() / "agent-state"};
    options_.enrollFile = collector_.scratch() / "enroll.json";
    options_.backoffBase = std::chrono::seconds(1);
    options_.getenv = [this](const char* name) -> const char* {
      const auto it = environment_.find(name);
      return it == environment_.end() ? nullptr : it->second.c_str();
    };
  }

  std::string enrollJson(const std::string& token, const std::string& fingerprint = "") const {
    return nlohmann::json{{"server", collector_.url()},
                          {"token", token},
                          {"ca_fingerprint", fingerprint.empty() ? collector_.caFingerprint() : fingerprint}}
        .dump();
  }
  void writeEnrollFile(const std::string& content) {
    ASSERT_TRUE(safe_file::writePath(options_.enrollFile, content, 0600).ok());
  }
  std::size_t enrolledAgents() { return collector_.store().listAgents().size(); }

  InProcessCollector collector_;
  agent::UnattendedOptions options_;
  std::map<std::string, std::string> environment_;
  std::ostringstream out_, err_;
};

TEST_F(UnattendedEnrollmentTest, EnrollsFromTheFileThenDeletesIt) {
  writeEnrollFile(enrollJson(collector_.createToken()));
  ASSERT_EQ(agent::enrollUnattended(options_, out_, err_), UnattendedOutcome::Enrolled) << err_.str();
  EXPECT_FALSE(fs::exists(options_.enrollFile)) << "the token file must not outlive the enrollment";
  auto identity = agent::loadIdentity(options_.state);
  ASSERT_TRUE(identity.ok()) << identity.error();
  ASSERT_TRUE(collector_.store().findAgent(identity->agentId).has_value());
  EXPECT_NE(out_.str().find("enrolled as agent " + identity->agentId), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find(options_.enrollFile.string()), std::string::npos);
  EXPECT_EQ(err_.str(), "");

  // The next start finds the enrollment and does nothing, even when a new file appears.
  writeEnrollFile(enrollJson(collector_.createToken()));
  EXPECT_EQ(agent::enrollUnattended(options_, out_, err_), UnattendedOutcome::AlreadyEnrolled);
  EXPECT_EQ(enrolledAgents(), 1u);
}

TEST_F(UnattendedEnrollmentTest, RetriesWithTheReasonAndPicksUpACorrectedFile) {
  writeEnrollFile(enrollJson("anx_not-a-token-the-collector-issued"));
  const std::string validToken = collector_.createToken();
  int attemptsSeen = 0;
  FlushHook hook([&](const std::string& text) {
    // After the first failure, the operator fixes the file; the next attempt must read it again.
    if (attemptsSeen == 0 && text.find("(attempt 1)") != std::string::npos) {
      ++attemptsSeen;
      writeEnrollFile(enrollJson(validToken));
    }
  });
  std::ostream err(&hook);
  ASSERT_EQ(agent::enrollUnattended(options_, out_, err), UnattendedOutcome::Enrolled) << hook.str();
  EXPECT_EQ(attemptsSeen, 1);
  const std::string log = hook.str();
  EXPECT_NE(log.find("unattended enrollment failed (attempt 1): enrollment refused (HTTP 403)"), std::string::npos)
      << log;
  EXPECT_NE(log.find("retry in 1 s"), std::string::npos) << log;  // base 1 s, full jitter, at least 1 s
  EXPECT_EQ(log.find("anx_not-a-token"), std::string::npos) << "the token is a secret; it must not be logged";
  EXPECT_FALSE(fs::exists(options_.enrollFile));
  EXPECT_EQ(enrolledAgents(), 1u);
}

TEST_F(UnattendedEnrollmentTest, OnceTriesOnceAndKeepsTheFile) {
  const std::string wrongPin = "SHA256:" + std::string(64, '0');
  writeEnrollFile(enrollJson(collector_.createToken(), wrongPin));
  options_.once = true;
  EXPECT_EQ(agent::enrollUnattended(options_, out_, err_), UnattendedOutcome::Failed);
  EXPECT_NE(err_.str().find("unattended enrollment failed: "), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("from " + options_.enrollFile.string()), std::string::npos) << err_.str();
  EXPECT_TRUE(fs::exists(options_.enrollFile));
  EXPECT_FALSE(fs::exists(options_.state.enrollment()));
  EXPECT_EQ(enrolledAgents(), 0u);
}

TEST_F(UnattendedEnrollmentTest, TheEnvironmentWinsOverTheFile) {
  writeEnrollFile(enrollJson("anx_not-a-token-the-collector-issued"));
  environment_ = {{"ANNEXA_ENROLL_SERVER", collector_.url()},
                  {"ANNEXA_ENROLL_TOKEN", collector_.createToken()},
                  {"ANNEXA_ENROLL_CA_FINGERPRINT", collector_.caFingerprint()}};
  ASSERT_EQ(agent::enrollUnattended(options_, out_, err_), UnattendedOutcome::Enrolled) << err_.str();
  EXPECT_NE(out_.str().find("from the environment"), std::string::npos) << out_.str();
  EXPECT_TRUE(fs::exists(options_.enrollFile)) << "not ours to delete: the environment enrolled";
}

TEST_F(UnattendedEnrollmentTest, NothingToEnrollWithIsNotAnError) {
  EXPECT_EQ(agent::enrollUnattended(options_, out_, err_), UnattendedOutcome::NotConfigured);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(UnattendedEnrollmentTest, ASignalWhileWaitingStopsWithoutEnrolling) {
  environment_ = {{"ANNEXA_ENROLL_SERVER", collector_.url()}};  // incomplete: fails until stopped
  FlushHook hook([](const std::string& text) {
    // SIGTERM to this thread, which blocks it: it stays pending for the wait (as systemd's stop would).
    if (text.find("(attempt 1)") != std::string::npos) pthread_kill(pthread_self(), SIGTERM);
  });
  std::ostream err(&hook);
  ASSERT_EQ(agent::enrollUnattended(options_, out_, err), UnattendedOutcome::Stopped) << hook.str();
  EXPECT_NE(hook.str().find("set all of ANNEXA_ENROLL_SERVER, ANNEXA_ENROLL_TOKEN and ANNEXA_ENROLL_CA_FINGERPRINT"),
            std::string::npos)
      << hook.str();
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  EXPECT_FALSE(sigismember(&mask, SIGTERM)) << "the caller's signal mask comes back";
}

TEST_F(UnattendedEnrollmentTest, AFileOthersCanReadIsUsedWithAWarning) {
  writeEnrollFile(enrollJson(collector_.createToken()));
  ASSERT_EQ(::chmod(options_.enrollFile.c_str(), 0644), 0);
  ASSERT_EQ(agent::enrollUnattended(options_, out_, err_), UnattendedOutcome::Enrolled) << err_.str();
  EXPECT_NE(err_.str().find("is readable by other users"), std::string::npos) << err_.str();
}

TEST_F(UnattendedEnrollmentTest, ALinkIsRefusedNotFollowed) {
  const fs::path real = collector_.scratch() / "elsewhere.json";
  ASSERT_TRUE(safe_file::writePath(real, enrollJson(collector_.createToken()), 0600).ok());
  fs::create_symlink(real, options_.enrollFile);
  options_.once = true;
  EXPECT_EQ(agent::enrollUnattended(options_, out_, err_), UnattendedOutcome::Failed);
  EXPECT_NE(err_.str().find("is a symbolic link"), std::string::npos) << err_.str();
  EXPECT_TRUE(fs::exists(real));
}

// `annexa-agent run --once --enroll-file F`: enrolls, deletes the file, checks this machine and delivers.
TEST(UnattendedEnrollmentCli, RunEnrollsThenReports) {
  auto options = InProcessCollector::fastOptions();
  options.bodyLimit = 1024 * 1024;  // a live report of this machine must fit
  InProcessCollector collector(options);
  const fs::path enrollFile = collector.scratch() / "enroll.json";
  const fs::path state = collector.scratch() / "state";
  const std::string json = nlohmann::json{{"server", collector.url()},
                                          {"token", collector.createToken()},
                                          {"ca_fingerprint", collector.caFingerprint()}}.dump();
  ASSERT_TRUE(safe_file::writePath(enrollFile, json, 0600).ok());
  std::ostringstream out, err;
  ASSERT_EQ(agent::runAgentCli({"run", "--once", "--state", state.string(), "--enroll-file", enrollFile.string()},
                               out, err),
            0)
      << err.str();
  EXPECT_FALSE(fs::exists(enrollFile));
  EXPECT_NE(out.str().find("enrolled as agent"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("delivered 1"), std::string::npos) << out.str();
  EXPECT_EQ(collector.store().reportCount(), 1);
}

}  // namespace
}  // namespace annexa
