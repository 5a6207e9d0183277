// Crash safety with real processes: `annexa-collector serve` is killed with SIGKILL while agents deliver, restarted,
// and `annexa-agent run --once` redelivers from the spools. Every report must end up stored exactly once.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <set>

#include "agent/delivery.hpp"
#include "agent/enrollment.hpp"
#include "agent/linux_host.hpp"
#include "common/text.hpp"
#include "tests/collector/collector_harness.hpp"

extern char** environ;

namespace annexa::collector {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Next to this test binary's build directory, unless the environment names it.
fs::path builtBinary(const char* variable, const fs::path& relative) {
  if (const char* path = std::getenv(variable); path && *path) return path;
  return fs::read_symlink("/proc/self/exe").parent_path().parent_path() / relative;
}

// A child process with stdout and stderr in a log file; killed if still running when destroyed.
class Process {
 public:
  // `blocked`: signals the child starts with blocked (a signal mask is inherited across exec).
  Process(const std::vector<std::string>& argv, const fs::path& log, std::vector<int> blocked = {}) : log_(log) {
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t mask;
    sigemptyset(&mask);
    for (const int sig : blocked) sigaddset(&mask, sig);
    posix_spawnattr_setsigmask(&attributes, &mask);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, &attributes, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  ~Process() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool running() { return pid_ > 0 && !status_ && !waitExit(0ms); }
  void signal(int sig) { ::kill(pid_, sig); }
  // The wait status once the process has exited, or nothing when the timeout passes first.
  std::optional<int> waitExit(std::chrono::milliseconds timeout) {
    if (status_) return status_;
    test::waitFor([&] {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
      return status_.has_value();
    }, timeout);
    return status_;
  }
  std::string output() const { return test::readFileOrEmpty(log_); }

 private:
  fs::path log_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

bool exitedWith(const std::optional<int>& status, int code) {
  return status && WIFEXITED(*status) && WEXITSTATUS(*status) == code;
}

class CollectorCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(collectorBinary_)) << collectorBinary_ << " (build annexa-collector, or set ANNEXA_COLLECTOR_BINARY)";
    ASSERT_TRUE(fs::exists(agentBinary_)) << agentBinary_ << " (build annexa-agent, or set ANNEXA_AGENT_BINARY)";
  }

  std::string collectorOnce(const std::vector<std::string>& args) {
    std::vector<std::string> argv{collectorBinary_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--data", data_.string()});
    Process process(argv, root_.path() / "cli.log");
    const auto status = process.waitExit(30s);
    EXPECT_TRUE(exitedWith(status, 0)) << process.output();
    return process.output();
  }

  // Starts `serve` and waits for its port file; the port is kept across restarts, as a real deployment's is.
  std::unique_ptr<Process> serve(std::vector<int> blocked = {}) {
    const auto portFile = root_.path() / ("port-" + std::to_string(++serveRuns_));
    auto process = std::make_unique<Process>(
        std::vector<std::string>{collectorBinary_.string(), "serve", "--data", data_.string(), "--listen",
                                 "127.0.0.1:" + std::to_string(port_), "--port-file", portFile.string()},
        root_.path() / ("serve-" + std::to_string(serveRuns_) + ".log"), std::move(blocked));
    const bool listening = test::waitFor([&] { return fs::exists(portFile) || !process->running(); }, 30s);
    EXPECT_TRUE(listening && process->running()) << process->output();
    long long port = 0;
    EXPECT_TRUE(text::parseInt(text::trim(test::readFileOrEmpty(portFile)), port));
    port_ = static_cast<std::uint16_t>(port);
    return process;
  }

  test::FixtureRoot root_;
  fs::path data_ = root_.path() / "data";
  fs::path collectorBinary_ = builtBinary("ANNEXA_COLLECTOR_BINARY", "collector/annexa-collector");
  fs::path agentBinary_ = builtBinary("ANNEXA_AGENT_BINARY", "agent/annexa-agent");
  std::uint16_t port_ = 0;
  int serveRuns_ = 0;
};

TEST_F(CollectorCrashTest, ReportsSurviveSigkillAndAreStoredExactlyOnce) {
  constexpr int kAgents = 4;
  constexpr int kReportsEach = 30;
  collectorOnce({"init"});
  const auto token = nlohmann::json::parse(
      // Every agent runs on this one machine: the token lets them share its machine id (docs/security.md).
      collectorOnce({"token", "create", "--uses", std::to_string(kAgents), "--allow-duplicate-machine-id", "--format",
                     "json"})).at("token");
  auto collector = serve();
  ASSERT_TRUE(collector->running());
  const auto fingerprint = pki::fingerprint(pki::loadCertificate(collector::DataDir{data_}.caCertificate())->get());

  // Agents enroll and fill their spools while the collector is up.
  std::vector<agent::StateDir> states;
  std::set<std::pair<std::string, std::string>> expected;  // (agent, report)
  const std::string url = "https://127.0.0.1:" + std::to_string(port_);
  for (int i = 0; i < kAgents; ++i) {
    states.push_back({root_.path() / ("agent-" + std::to_string(i))});
    auto identity = agent::enrollAgent({url, token, fingerprint, states.back(), 900, false});
    ASSERT_TRUE(identity.ok()) << identity.error();
    agent::Spool spool(states.back().spool());
    ASSERT_TRUE(spool.open().ok());
    const auto machineId = collectHostInfo(agent::SystemView::live()).machineId;
    for (int r = 0; r < kReportsEach; ++r) {
      const auto report = test::makeReport(identity->agentId, machineId, 20);
      ASSERT_TRUE(spool.add(test::reportBody(report)).ok());
      expected.insert({identity->agentId, report.reportId});
    }
  }
  const auto spooled = [&] {
    std::size_t n = 0;
    for (const auto& s : states) n += agent::Spool(s.spool()).list().size();
    return n;
  };
  ASSERT_EQ(spooled(), expected.size());

  // Deliver concurrently; SIGKILL the collector once about a third is through.
  std::atomic<int> interrupted{0};
  std::vector<std::thread> agents;
  for (const auto& state : states) {
    agents.emplace_back([&, state] {
      auto identity = agent::loadIdentity(state).value();
      HttpsClient client(*parseServerUrl(identity.server),
                         {identity.caPem, "", identity.certificatePem, identity.privateKeyPem});
      agent::Spool spool(state.spool());
      while (!spool.list().empty()) {
        if (agent::deliverSpool(spool, client).error) {
          ++interrupted;
          return;
        }
      }
    });
  }
  const bool aThirdThrough = test::waitFor([&] { return spooled() <= expected.size() * 2 / 3; }, 60s);
  collector->signal(SIGKILL);
  const auto killed = collector->waitExit(10s);
  for (auto& t : agents) t.join();
  ASSERT_TRUE(aThirdThrough);
  ASSERT_TRUE(killed && WIFSIGNALED(*killed));
  ASSERT_GT(interrupted.load(), 0) << "every agent finished before the kill: nothing was interrupted";
  const auto left = spooled();
  {
    auto store = openSqliteStore(collector::DataDir{data_}.database());
    const auto stored = static_cast<std::size_t>(store->reportCount());
    EXPECT_GT(stored, 0u);
    EXPECT_LT(stored, expected.size());
    // Acknowledged means committed: whatever left a spool is in the database (some stored ones may still be spooled).
    EXPECT_GE(stored + left, expected.size());
  }

  // Restart on the same port; the real agent redelivers (and adds this run's own report).
  collector = serve();
  ASSERT_TRUE(collector->running());
  for (const auto& state : states) {
    Process run({agentBinary_.string(), "run", "--once", "--state", state.root.string()}, state.root / "run.log");
    EXPECT_TRUE(exitedWith(run.waitExit(60s), 0)) << run.output();
  }
  EXPECT_EQ(spooled(), 0u);
  collector->signal(SIGTERM);
  EXPECT_TRUE(exitedWith(collector->waitExit(30s), 0)) << collector->output();

  auto store = openSqliteStore(collector::DataDir{data_}.database());
  EXPECT_EQ(store->reportCount(), static_cast<std::int64_t>(expected.size() + kAgents));
  std::size_t missing = 0;
  for (const auto& [agentId, reportId] : expected) missing += !store->rawReport(agentId, reportId).has_value();
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(store->listAgents().size(), static_cast<std::size_t>(kAgents));
}

// Started by a parent that had SIGTERM blocked (as `annexa-agent run` blocks it), serve must still stop on it.
TEST_F(CollectorCrashTest, ServeStopsOnSigtermEvenWhenStartedWithItBlocked) {
  collectorOnce({"init"});
  auto collector = serve({SIGTERM, SIGINT});
  ASSERT_TRUE(collector->running());
  collector->signal(SIGTERM);
  EXPECT_TRUE(exitedWith(collector->waitExit(10s), 0)) << collector->output();
}

}  // namespace
}  // namespace annexa::collector
