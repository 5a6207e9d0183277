// agent/platform.hpp on Linux: checks through SystemView (live or an offline root), signals, XDG state paths.
#include <pwd.h>
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "agent/facts/host_facts.hpp"
#include "agent/linux_host.hpp"
#include "agent/platform.hpp"
#include "common/safe_file.hpp"
#include "common/text.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

// os-release values may be quoted: ID="rhel".
std::string unquote(std::string_view value) {
  value = text::trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  return std::string(value);
}

std::string firstLine(const Result<std::string>& content) {
  if (!content) return {};
  const auto all = text::lines(*content);
  return all.empty() ? std::string() : std::string(text::trim(all.front()));
}

}  // namespace

Result<Report> runChecks(const SystemView& system, const AgentConfig& config, const CheckMapping& mapping,
                         const RunOptions& options) {
  auto checks = selectChecks(config, options);
  if (!checks) return makeError(checks.error());
  HostFacts facts(system);
  CheckContext context{system, config, facts, runStartSeconds()};
  auto report = runSelectedChecks(collectHostInfo(system), *checks, context, mapping);
  // An offline root with neither /etc nor /proc is no operating system: nothing in it can evidence a pass.
  const bool noSystem = !system.isLive() && !system.isDirectory("/etc") && !system.isDirectory("/proc");
  for (auto& result : report.results) {
    if (!noSystem || result.status != CheckStatus::Pass) continue;
    result.status = CheckStatus::Error;
    result.evidence.push_back({"--root " + system.root().string(), "no /etc and no /proc directory",
                               "an operating system tree"});
    result.message = "The root has no /etc and no /proc, so there is nothing to judge (the check would have said: " +
                     result.message + ")";
  }
  return report;
}

HostInfo collectHostInfo(const SystemView& system) {
  HostInfo host;
  host.hostname = firstLine(system.readFile("/etc/hostname", 4096));
  if (system.isLive()) {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0) host.hostname = name;
    struct utsname uts {};
    if (::uname(&uts) == 0) host.kernel = uts.release;
  } else {
    host.kernel = firstLine(system.readFile("/proc/sys/kernel/osrelease", 4096));
  }
  host.machineId = firstLine(system.readFile("/etc/machine-id", 4096));

  auto osRelease = system.readFile("/etc/os-release", 64 * 1024);
  if (!osRelease) osRelease = system.readFile("/usr/lib/os-release", 64 * 1024);
  if (osRelease) {
    for (const auto line : text::lines(*osRelease)) {
      const auto eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      const auto key = text::trim(line.substr(0, eq));
      if (key == "ID") host.os.id = unquote(line.substr(eq + 1));
      else if (key == "VERSION_ID") host.os.version = unquote(line.substr(eq + 1));
      else if (key == "PRETTY_NAME") host.os.prettyName = unquote(line.substr(eq + 1));
    }
  }
  for (auto* field : {&host.hostname, &host.kernel, &host.machineId, &host.os.id, &host.os.version,
                      &host.os.prettyName})
    *field = text::escapeInvalidUtf8(*field);
  return host;
}

HostInfo describeLiveHost() { return collectHostInfo(SystemView::live()); }

Result<Report> checkHost(const AgentConfig& config, const CheckMapping& mapping, const RunOptions& options,
                         const std::optional<fs::path>& offlineRoot) {
  return runChecks(offlineRoot ? SystemView::offline(*offlineRoot) : SystemView::live(), config, mapping, options);
}

fs::path defaultConfigPath() { return "/etc/annexa/agent.json"; }

fs::path defaultStateDirectory() {
  if (::geteuid() == 0) return "/var/lib/annexa-agent";
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return fs::path(xdg) / "annexa-agent";
  const char* home = std::getenv("HOME");
  if (!home || !*home) {
    const passwd* pw = ::getpwuid(::geteuid());
    home = pw ? pw->pw_dir : "/tmp";
  }
  return fs::path(home) / ".local/state/annexa-agent";
}

VoidResult prepareStateDirectory(const fs::path& directory) { return safe_file::ensureDirectory(directory, 0700); }

int serviceCommand(const std::vector<std::string>&, std::ostream&, std::ostream& err) {
  err << "annexa-agent: `service` registers the Windows service; on Linux run `annexa-agent run` from a systemd unit\n";
  return 2;
}

bool isColourTerminal(const std::ostream& out) {
  return &out == &std::cout && ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
}

// SIGTERM and SIGINT are blocked while the loop lives and waited for with sigtimedwait; the caller's mask comes
// back on destruction (processes started later must not inherit SIGTERM blocked).
struct StopRequests::State {
  sigset_t stopSignals;
  sigset_t previousMask;
};

StopRequests::StopRequests() : state_(std::make_unique<State>()) {
  sigemptyset(&state_->stopSignals);
  sigaddset(&state_->stopSignals, SIGTERM);
  sigaddset(&state_->stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &state_->stopSignals, &state_->previousMask);
}

StopRequests::~StopRequests() { pthread_sigmask(SIG_SETMASK, &state_->previousMask, nullptr); }

bool StopRequests::requested() const {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT);
}

bool StopRequests::sleepUntil(std::chrono::steady_clock::time_point deadline) {
  while (true) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return false;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    const int sig = sigtimedwait(&state_->stopSignals, nullptr, &timeout);
    if (sig == SIGTERM || sig == SIGINT) return true;
  }
}

}  // namespace annexa::agent
