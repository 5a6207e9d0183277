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
  return result;
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
  for (const auto* check : *checks) report.results.push_back(runCheck(*check, context, mapping));
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
  return host;
}

}  // namespace annexa::agent
