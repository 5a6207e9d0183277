#include "agent/runner.hpp"

#include <chrono>
#include <exception>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/text.hpp"

namespace annexa::agent {
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

Report runSelectedChecks(HostInfo host, const std::vector<const CheckDefinition*>& checks, CheckContext& context,
                         const CheckMapping& mapping) {
  const auto wallStart = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  Report report;
  report.reportId = uuid4();
  report.agentVersion = ANNEXA_VERSION;
  report.host = std::move(host);
  report.startedAt = formatRfc3339(wallStart);
  report.results.reserve(checks.size());
  for (const auto* check : checks) report.results.push_back(runCheck(*check, context, mapping));
  report.durationMs =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::int64_t runStartSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace annexa::agent
