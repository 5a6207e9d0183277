// annexa-agent.exe (scripts/build-windows) under Debian's Wine: a fresh Wine prefix per configuration, the .reg
// fixtures imported with `wine regedit /S`, `check --format json` read back with the shared report reader (the
// collector's rules). Each fixture gives the expected verdicts for the checks Wine can answer; the checks whose
// API Wine does not implement (or implements as a stub) must be `error`, never a pass, never a crash.
// Run by scripts/test after the Linux suites with ANNEXA_WINDOWS_AGENT set; skipped when it or wine is missing.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/model.hpp"
#include "common/text.hpp"
#include "tests/agent/windows/dated_values.hpp"
#include "tests/collector/collector_harness.hpp"

extern char** environ;

namespace annexa::test {
namespace {

namespace fs = std::filesystem;

struct Run {
  int exitCode = -1;
  std::string output;  // stdout
  std::string errors;  // stderr (Wine's own messages included)
  double seconds = 0;
};

class WinePrefix {
 public:
  WinePrefix() {
    char pattern[] = "/tmp/annexa-wine.XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~WinePrefix() {
    (void)run({"wineserver", "-k"});  // the prefix's server outlives its last process for a few seconds
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  WinePrefix(const WinePrefix&) = delete;
  WinePrefix& operator=(const WinePrefix&) = delete;

  // Runs a program with this prefix (WINEDEBUG off; no Mono/Gecko installer prompts), killed after 300 s.
  Run run(const std::vector<std::string>& command) const {
    std::vector<std::string> argv = {"timeout", "--kill-after=10", "300"};
    argv.insert(argv.end(), command.begin(), command.end());
    std::vector<std::string> env = {"WINEPREFIX=" + dir_.string(), "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=",
                                    "HOME=" + dir_.string()};
    for (char** e = environ; *e; ++e)
      if (std::string_view(*e).rfind("WINE", 0) != 0 && std::string_view(*e).rfind("HOME=", 0) != 0) env.push_back(*e);
    std::vector<char*> cargv, cenv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    for (auto& e : env) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    const auto out = dir_ / "stdout";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const auto err = dir_ / "stderr";
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    Run result;
    const auto started = std::chrono::steady_clock::now();
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return result;
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.output = readFileOrEmpty(out);
    result.errors = readFileOrEmpty(err);
    return result;
  }

  // A Linux path as Wine sees it through its Z: drive.
  static std::string windowsPath(const fs::path& path) {
    std::string out = "Z:" + path.string();
    for (auto& c : out)
      if (c == '/') c = '\\';
    return out;
  }

  void importReg(const fs::path& file) const {
    const auto imported = run({"wine", "regedit", "/S", windowsPath(file)});
    ASSERT_EQ(imported.exitCode, 0) << "wine regedit /S " << file;
  }

  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

const char* agentExe() {
  const char* exe = std::getenv("ANNEXA_WINDOWS_AGENT");
  return exe && *exe ? exe : nullptr;
}

bool haveWine() { return std::system("command -v wine >/dev/null 2>&1") == 0; }

// The checks whose facts a Wine prefix's registry holds: they give the fixtures' verdicts.
const std::set<std::string> kRegistryAnswered = {
    "win.uac", "win.firewall.profiles", "win.smb1_disabled", "win.rdp", "win.tls.legacy_disabled", "win.secure_boot",
    "win.lsa_protection", "win.usb_storage", "win.autorun_disabled", "win.updates.automatic", "win.updates.recent",
    "win.updates.pending_reboot", "win.eventlog.security", "win.screen_lock"};
// Wine implements NetUserModalsGet, AuditQuerySystemPolicy and the BitLocker and Security Center WMI classes not
// at all or as stubs: these must say `error`.
const std::set<std::string> kWineCannotAnswer = {"win.password.min_length", "win.password.max_age",
                                                 "win.account_lockout", "win.audit_policy",
                                                 "win.bitlocker.system_drive", "win.bitlocker.fixed_drives"};

// Runs argv[1:] and prints the largest resident set of the processes it waited for, in KiB.
constexpr const char* kMeasure =
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print('maxrss_kib=%d' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n";

class WineAgent : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!agentExe()) GTEST_SKIP() << "ANNEXA_WINDOWS_AGENT is not set (scripts/test sets it after scripts/build-windows)";
    if (!haveWine()) GTEST_SKIP() << "wine is not installed (scripts/install-deps installs wine64)";
  }

  // A fresh prefix with `fixture` and the dated values imported; the agent's report of it.
  Report checkWith(WinePrefix& prefix, const std::string& fixture, std::int64_t signaturesAge, std::int64_t updateAge) {
    prefix.importReg(fs::path(ANNEXA_FIXTURES_DIR) / "windows" / fixture);
    const auto now = unixNow();
    const auto dated = prefix.dir() / "dated.reg";
    std::ofstream(dated) << "REGEDIT4\n\n" << datedRegistryValues(now - signaturesAge, now - updateAge);
    prefix.importReg(dated);
    // The peak RSS of the agent's process tree, from a small parent (python3) whose own memory does not count:
    // ru_maxrss of a process started by this (large, sanitized) test would include this test's pages.
    const auto run = prefix.run({"python3", "-c", kMeasure, "wine", agentExe(), "check", "--format", "json"});
    EXPECT_EQ(run.exitCode, 0) << "annexa-agent.exe check did not finish cleanly: " << run.errors;
    const auto peak = run.errors.rfind("maxrss_kib=");
    const std::string peakKib = peak == std::string::npos ? "?" : std::string(text::trim(run.errors.substr(peak + 11)));
    auto report = parseReport(run.output);
    std::printf("[ wine ] check --format json with %s: checks %lld ms (the report's duration_ms), %.2f s with python3 "
                "and Wine start-up, peak RSS %s KiB (a proxy: Wine, not Windows)\n",
                fixture.c_str(), report ? static_cast<long long>(report->durationMs) : -1LL, run.seconds,
                peakKib.c_str());
    if (!report) ADD_FAILURE() << "the report does not read as annexa.report/1: " << report.error();
    return report ? *report : Report{};
  }

  static std::map<std::string, CheckResult> byId(const Report& report) {
    std::map<std::string, CheckResult> out;
    for (const auto& r : report.results) out[r.check] = r;
    return out;
  }
};

TEST_F(WineAgent, GoodConfigurationPassesWhatWineCanAnswer) {
  WinePrefix prefix;
  const auto report = checkWith(prefix, "good.reg", 86400, 2 * 86400);
  EXPECT_EQ(report.host.os.id, "windows");
  EXPECT_FALSE(report.host.os.version.empty());
  EXPECT_NE(report.host.os.prettyName.find("build"), std::string::npos) << report.host.os.prettyName;
  const auto results = byId(report);
  EXPECT_GE(results.size(), 20u);
  for (const auto& id : kRegistryAnswered)
    EXPECT_EQ(results.count(id) ? results.at(id).status : CheckStatus::Error, CheckStatus::Pass) << id;
  EXPECT_EQ(results.at("win.antivirus.realtime").status, CheckStatus::Pass);  // Defender's registry settings
  EXPECT_EQ(results.at("win.antivirus.signatures").status, CheckStatus::Pass);
  for (const auto& id : kWineCannotAnswer) {
    EXPECT_EQ(results.at(id).status, CheckStatus::Error) << id;
    EXPECT_FALSE(results.at(id).message.empty()) << id;
  }
  for (const auto& [id, result] : results) EXPECT_FALSE(result.controls.empty()) << id << " is not mapped";
}

TEST_F(WineAgent, BadConfigurationFailsAndNothingUnreadablePasses) {
  WinePrefix prefix;
  const auto results = byId(checkWith(prefix, "bad.reg", 30 * 86400, 100 * 86400));
  for (const auto& id : kRegistryAnswered)
    EXPECT_EQ(results.count(id) ? results.at(id).status : CheckStatus::Error, CheckStatus::Fail) << id;
  // Defender off; whether another antivirus is registered is Security Center's to say, which Wine lacks.
  EXPECT_EQ(results.at("win.antivirus.realtime").status, CheckStatus::Error);
  EXPECT_NE(results.at("win.antivirus.signatures").status, CheckStatus::Pass);
  for (const auto& id : kWineCannotAnswer) EXPECT_EQ(results.at(id).status, CheckStatus::Error) << id;
  EXPECT_NE(results.at("win.time_sync").status, CheckStatus::Pass);  // no Windows Time service under Wine
}

TEST_F(WineAgent, UnknownCommandAndOfflineRootAreErrorsNotCrashes) {
  WinePrefix prefix;
  EXPECT_EQ(prefix.run({"wine", agentExe(), "chekc"}).exitCode, 2);
  EXPECT_EQ(prefix.run({"wine", agentExe(), "check", "--root", "C:\\"}).exitCode, 2);
  const auto checks = prefix.run({"wine", agentExe(), "checks", "--format", "json"});
  EXPECT_EQ(checks.exitCode, 0);
  EXPECT_NE(checks.output.find("win.bitlocker.system_drive"), std::string::npos);
}

// The .exe enrolls with a real collector on loopback (its CA pinned by fingerprint), keeps its key and spool in
// %ProgramData%\Annexa, and `run --once` delivers a report the collector validates and stores.
TEST_F(WineAgent, EnrollsAndDeliversToARealCollectorOnLoopback) {
  InProcessCollector collector;
  WinePrefix prefix;
  const auto enrolled = prefix.run({"wine", agentExe(), "enroll", "--server", collector.url(), "--token",
                                    collector.createToken(), "--ca-fingerprint", collector.caFingerprint()});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.errors;
  const auto state = prefix.dir() / "drive_c" / "ProgramData" / "Annexa";
  EXPECT_TRUE(fs::is_regular_file(state / "agent.key"));
  const auto enrollment = parseJson(readFileOrEmpty(state / "enrollment.json"));
  ASSERT_TRUE(enrollment && enrollment->is_object());
  const auto agentId = enrollment->value("agent_id", std::string());

  const auto delivered = prefix.run({"wine", agentExe(), "run", "--once"});
  EXPECT_EQ(delivered.exitCode, 0) << delivered.errors;
  // "… report UUID spooled (25 results, N ms)"
  const auto at = delivered.output.find(" report ");
  ASSERT_NE(at, std::string::npos) << delivered.output;
  const auto reportId = delivered.output.substr(at + 8, 36);
  ASSERT_TRUE(waitFor([&] { return collector.store().rawReport(agentId, reportId).has_value(); }))
      << "the collector did not store report " << reportId;
  const auto stored = parseReport(*collector.store().rawReport(agentId, reportId));
  ASSERT_TRUE(stored) << stored.error();
  EXPECT_EQ(stored->host.os.id, "windows");
  EXPECT_GE(stored->results.size(), 20u);
  EXPECT_TRUE(fs::is_empty(state / "spool" / "rejected"));
}

// `service install` registers AnnexaAgent with Wine's service manager; started, the service runs the loop and
// delivers; stopped and uninstalled, it is gone.
TEST_F(WineAgent, ServiceInstallsRunsDeliversAndUninstalls) {
  InProcessCollector collector;
  WinePrefix prefix;
  ASSERT_EQ(prefix.run({"wine", agentExe(), "enroll", "--server", collector.url(), "--token", collector.createToken(),
                        "--ca-fingerprint", collector.caFingerprint()})
                .exitCode,
            0);
  const auto installed = prefix.run({"wine", agentExe(), "service", "install"});
  ASSERT_EQ(installed.exitCode, 0) << installed.errors;
  const auto key = "HKLM\\System\\CurrentControlSet\\Services\\AnnexaAgent";
  const auto registered = prefix.run({"wine", "reg", "query", key});
  EXPECT_NE(registered.output.find("service run"), std::string::npos) << registered.output;
  EXPECT_NE(registered.output.find("LocalSystem"), std::string::npos) << registered.output;

  ASSERT_EQ(prefix.run({"wine", "sc", "start", "AnnexaAgent"}).exitCode, 0);
  const auto log = prefix.dir() / "drive_c" / "ProgramData" / "Annexa" / "agent.log";
  EXPECT_TRUE(waitFor([&] { return collector.store().reportCount() >= 1; }, std::chrono::seconds(120)))
      << "the service delivered no report; its log: " << readFileOrEmpty(log);
  EXPECT_EQ(prefix.run({"wine", "sc", "stop", "AnnexaAgent"}).exitCode, 0);
  // The stop control reaches the loop, which says so as it ends.
  EXPECT_TRUE(waitFor([&] { return readFileOrEmpty(log).find("stopping") != std::string::npos; },
                      std::chrono::seconds(60)))
      << readFileOrEmpty(log);
  EXPECT_EQ(prefix.run({"wine", agentExe(), "service", "uninstall"}).exitCode, 0);
  EXPECT_EQ(prefix.run({"wine", "reg", "query", key}).output.find("service run"), std::string::npos);
}

}  // namespace
}  // namespace annexa::test
