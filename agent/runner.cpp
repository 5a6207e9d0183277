#include "agent/runner.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <exception>

#include "agent/facts/host_facts.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/text.hpp"

namespace annexa::agent {
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

Result<std::vector<const CheckDefinition*>> selectChecks(const AgentConfig& config, const RunOptions& options) {
  const auto& registry = CheckRegistry::instance();
  std::vector<const CheckDefinition*> selected;
  for (const auto& id : config.disabledChecks)
    if (!registry.find(id)) return makeError("config disables unknown check \"" + id + "\"");
  if (!options.onlyChecks.empty()) {
    for (const auto& id : options.onlyChecks) {
      const auto* check = registry.find(id);
      if (!check) return makeError("unknown check \"" + id + "\" (see `annexa-agent checks`)");
      selected.push_back(check);
    }
    return selected;
  }
  for (const auto& check : registry.checks())
    if (!config.isDisabled(check.spec.id)) selected.push_back(&check);
  return selected;
}

CheckResult runCheck(const CheckDefinition& check, CheckContext& context, const CheckMapping& mapping) {
  CheckResult result;
  result.check = std::string(check.spec.id);
  result.title = std::string(check.spec.title);
  result.severity = check.spec.severity;
  result.controls = mapping.controlsFor(check.spec.id);
  result.remediation = std::string(check.spec.remediation);
  Outcome outcome;
  try {
    outcome = check.run(context);
  } catch (const std::exception& e) {
    outcome = Outcome::error(std::string("internal error in check: ") + e.what());
  }
  result.status = outcome.status;
  result.message = std::move(outcome.message);
  result.evidence = std::move(outcome.evidence);
  makeUtf8(result);
  return result;
}

bool makeUtf8(CheckResult& result) {
  bool changed = false;
  const auto fix = [&changed](std::string& s) {
    if (text::isValidUtf8(s)) return;
    s = text::escapeInvalidUtf8(s);
    changed = true;
  };
  fix(result.message);
  for (auto& e : result.evidence) {
    fix(e.source);
    fix(e.observed);
    fix(e.expected);
  }
  if (changed)
    result.evidence.push_back({"annexa-agent",
                               "text read from the system is not valid UTF-8: its bytes are shown as \\xNN",
                               "UTF-8 text"});
  return changed;
}

Result<Report> runChecks(const SystemView& system, const AgentConfig& config, const CheckMapping& mapping,
                         const RunOptions& options) {
  auto checks = selectChecks(config, options);
  if (!checks) return makeError(checks.error());

  const auto wallStart = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  Report report;
  report.reportId = uuid4();
  report.agentVersion = ANNEXA_VERSION;
  report.host = collectHostInfo(system);
  report.startedAt = formatRfc3339(wallStart);

  HostFacts facts(system);
  CheckContext context{system, config, facts,
                       std::chrono::duration_cast<std::chrono::seconds>(wallStart.time_since_epoch()).count()};
  report.results.reserve(checks->size());
  // An offline root with neither /etc nor /proc is no operating system: nothing in it can evidence a pass.
  const bool noSystem = !system.isLive() && !system.isDirectory("/etc") && !system.isDirectory("/proc");
  for (const auto* check : *checks) {
    report.results.push_back(runCheck(*check, context, mapping));
    auto& result = report.results.back();
    if (noSystem && result.status == CheckStatus::Pass) {
      result.status = CheckStatus::Error;
      result.evidence.push_back({"--root " + system.root().string(), "no /etc and no /proc directory",
                                 "an operating system tree"});
      result.message = "The root has no /etc and no /proc, so there is nothing to judge (the check would have said: " +
                       result.message + ")";
    }
  }
  report.durationMs =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
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

}  // namespace annexa::agent
