#include "agent/checks/monitoring.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "agent/facts/host_facts.hpp"
#include "agent/facts/schedule.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {

// ---- known agents ------------------------------------------------------------------------------------------------

namespace {

constexpr KnownAgent kKnownAgents[] = {
    {{"Wazuh agent", {"wazuh-agentd", "ossec-agentd"}, {"wazuh-agent.service"}}, false},
    {{"Falco", {"falco"}, {"falco.service", "falco-modern-bpf.service", "falco-kmod.service", "falco-bpf.service"}},
     false},
    {{"osquery", {"osqueryd"}, {"osqueryd.service"}}, false},
    {{"Auditbeat", {"auditbeat"}, {"auditbeat.service"}}, false},
    {{"Suricata", {"suricata", "Suricata-Main"}, {"suricata.service"}}, false},
    {{"CrowdStrike Falcon", {"falcon-sensor", "falcond"}, {"falcon-sensor.service"}}, true},
    {{"SentinelOne", {"s1-agent", "s1-orchestrator"}, {"sentinelone.service"}}, true},
    {{"Microsoft Defender for Endpoint", {"wdavdaemon"}, {"mdatp.service"}}, true},
};

constexpr std::string_view kAgentNames =
    "Wazuh, Falco, osquery, Auditbeat, Suricata, CrowdStrike Falcon, SentinelOne or Microsoft Defender";

}  // namespace

std::span<const KnownAgent> knownAgents() { return kKnownAgents; }

// ---- monitoring.agent_present ------------------------------------------------------------------------------------

Outcome evaluateMonitoringAgent(const MonitoringFacts& facts) {
  std::vector<Evidence> evidence;
  std::vector<std::string> inService;
  for (const auto& agent : facts.agents) {
    evidence.push_back(agent.evidence);
    evidence.back().expected = "detection agent running";
    if (isInService(agent, facts.live)) inService.push_back(agent.name);
  }
  const auto& aide = facts.aide;
  if (!aide.binary.empty()) {
    evidence.push_back(
        {aide.binary,
         "AIDE installed; schedule: " + aide.scheduledBy.value_or("none") + "; database: " + aide.databaseNote,
         "AIDE run on a schedule against an initialised database"});
    for (const auto& inactive : aide.inactiveSchedules)
      evidence.push_back({"schedule", inactive, "a schedule that runs"});
  }
  const bool offline = !facts.live;
  if (!inService.empty())
    return Outcome::pass(
        text::join(inService, ", ") + (offline ? " enabled (offline root: configuration only)" : " running"), evidence);
  if (!aide.binary.empty() && aide.scheduledBy && aide.databasePresent.value_or(false))
    return Outcome::pass("AIDE file-integrity checks run on a schedule", evidence);
  if (!facts.processError.empty())
    return Outcome::error("Cannot tell which agents run: " + facts.processError, evidence);
  if (!aide.binary.empty() && aide.scheduledBy && !aide.databasePresent)
    return Outcome::error("AIDE is scheduled but its database cannot be checked: " + aide.databaseNote, evidence);
  evidence.push_back({facts.live ? "/proc, systemd units" : "systemd units",
                      "no known agent " + std::string(facts.live ? "running" : "enabled"),
                      std::string(kAgentNames) + ", or AIDE on a schedule"});
  if (!aide.binary.empty() && aide.scheduledBy)
    return Outcome::fail("AIDE is scheduled but has no database, and no detection agent runs", evidence);
  if (!aide.binary.empty())
    return Outcome::fail("AIDE is installed but never scheduled, and no detection agent runs", evidence);
  return Outcome::fail("No host detection or monitoring agent runs", evidence);
}

namespace {

AideFacts probeAide(const CheckContext& ctx) {
  AideFacts aide;
  aide.binary = firstExisting(ctx.system, {"/usr/bin/aide", "/usr/sbin/aide"});
  if (aide.binary.empty()) return aide;
  const auto schedule = collectSchedule(ctx.system);
  for (const auto& job : schedule.jobs) {
    const auto mention = jobMentions(job, {"aide", "dailyaidecheck"});  // Debian's aide-common wrapper
    if (!mention) continue;
    if (!job.inactiveReason.empty()) aide.inactiveSchedules.push_back(mention->evidence + ": " + job.inactiveReason);
    else if (!aide.scheduledBy) aide.scheduledBy = mention->evidence;
  }
  const std::string directory = "/var/lib/aide";
  if (!ctx.system.exists(directory)) {
    aide.databasePresent = false;
    aide.databaseNote = directory + " missing";
  } else if (auto names = ctx.system.listDirectory(directory); !names) {
    aide.databaseNote = "cannot read " + names.error();
  } else {
    const bool present = std::any_of(names->begin(), names->end(),
                                     [](const std::string& n) { return n == "aide.db" || n == "aide.db.gz"; });
    aide.databasePresent = present;
    aide.databaseNote = present ? directory + "/aide.db present" : "no aide.db in " + directory;
  }
  return aide;
}

Outcome runMonitoringAgent(const CheckContext& ctx) {
  MonitoringFacts facts;
  facts.live = ctx.system.isLive();
  facts.processError = processListingError(ctx);
  for (const auto& agent : knownAgents())
    if (auto sighting = observeDaemon(ctx, agent.daemon); sighting.state != DaemonState::Absent)
      facts.agents.push_back(std::move(sighting));
  facts.aide = probeAide(ctx);
  return evaluateMonitoringAgent(facts);
}

constexpr CheckSpec kMonitoringAgent{
    "monitoring.agent_present",
    "A host detection or monitoring agent runs",
    Severity::Medium,
    "Monitoring activities (A.8.16) need a sensor on the host that watches for anomalous behaviour — an EDR, HIDS, "
    "runtime-security or query agent, or scheduled file-integrity checking — and such an agent is also a technical "
    "measure against malware (A.8.7). Its running process or active service is the evidence that monitoring "
    "actually happens on this host.",
    "Deploy the organisation's detection agent (e.g. Wazuh, Falco, osquery, Auditbeat, CrowdStrike Falcon, "
    "SentinelOne, Defender for Endpoint) and enable its service, or install AIDE, initialise its database "
    "(aideinit / aide --init) and schedule a daily check (dailyaidecheck.timer or a cron job).",
};

ANNEXA_REGISTER_CHECK(kMonitoringAgent, runMonitoringAgent);

}  // namespace

// ---- malware.protection ------------------------------------------------------------------------------------------

std::optional<std::int64_t> parseCvdBuildTime(std::string_view header) {
  if (!text::startsWith(header, "ClamAV-VDB:")) return std::nullopt;
  header = header.substr(0, header.find('\0'));
  const auto fields = text::split(header, ':');
  long long seconds = 0;
  if (fields.size() < 9 || !text::parseInt(fields[8], seconds) || seconds <= 0) return std::nullopt;
  return seconds;
}

Outcome evaluateMalwareProtection(const MalwareFacts& facts, std::int64_t now, long long maxAgeDays) {
  std::vector<Evidence> evidence;
  for (const auto& edr : facts.edrs) {
    evidence.push_back(edr.evidence);
    evidence.back().expected = "EDR agent running";
    if (isInService(edr, facts.live)) return Outcome::pass(edr.name + " protects this host", evidence);
  }
  const auto& clam = facts.clamav;
  if (clam.binary.empty() && clam.services.empty()) {
    if (!facts.processError.empty()) return Outcome::error("Cannot tell which agents run: " + facts.processError);
    evidence.push_back({"/usr/sbin/clamd, /usr/bin/freshclam", "not installed",
                        "ClamAV with current signatures, or a running EDR agent"});
    return Outcome::fail("No malware protection: neither ClamAV nor a known EDR agent is present", evidence);
  }
  bool active = clam.scheduledUpdate.has_value();
  for (const auto& service : clam.services) {
    evidence.push_back(service.evidence);
    evidence.back().expected = "clamd or freshclam running";
    active = active || isInService(service, facts.live);
  }
  if (clam.scheduledUpdate) evidence.push_back({"schedule", *clam.scheduledUpdate, "freshclam run on a schedule"});
  if (!active) {
    evidence.push_back(
        {clam.binary,
         "installed, but clamd and freshclam are " + std::string(facts.live ? "not running" : "not enabled"),
         "clamd or freshclam running/enabled"});
    return Outcome::fail("ClamAV is installed but neither clamd nor freshclam runs", evidence);
  }
  if (!clam.signatureError.empty())
    return Outcome::error("Cannot read the ClamAV signature databases: " + clam.signatureError, evidence);
  if (clam.signatures.empty()) {
    evidence.push_back({"/var/lib/clamav", "no *.cvd or *.cld signature database", "signature databases"});
    return Outcome::fail("ClamAV has no signature databases", evidence);
  }
  // The daily database is the one updated continuously; main/bytecode legitimately stay old for months.
  const SignatureFile* newest = nullptr;
  for (const auto& file : clam.signatures) {
    const bool daily = text::startsWith(baseName(file.path), "daily.");
    const bool newestDaily = newest && text::startsWith(baseName(newest->path), "daily.");
    if (!newest || (daily && !newestDaily) || (daily == newestDaily && file.builtAt > newest->builtAt)) newest = &file;
  }
  const auto age = now - newest->builtAt;
  evidence.push_back({newest->path,
                      std::string(newest->fromHeader ? "built " : "modified ") + formatRfc3339(newest->builtAt) + " (" +
                          describeAge(age) + ")",
                      "younger than " + std::to_string(maxAgeDays) + " days"});
  if (age > maxAgeDays * 86400)
    return Outcome::fail(
        "ClamAV signatures date from " + describeAge(age) + ", beyond the " + std::to_string(maxAgeDays) + "-day limit",
        evidence);
  return Outcome::pass("ClamAV runs with signatures from " + describeAge(age), evidence);
}

namespace {

constexpr DaemonSpec kClamd{"clamd", {"clamd"}, {"clamav-daemon.service", "clamd@scan.service", "clamd.service"}};
constexpr DaemonSpec kFreshclam{"freshclam", {"freshclam"}, {"clamav-freshclam.service", "clamav-freshclam.timer"}};

// The first bytes of a file (the databases are tens of MB; only the 512-byte header is needed).
std::string readHeader(const SystemView& system, const std::string& path) {
  return system.readHead(path, 512).valueOr(std::string());
}

ClamavFacts probeClamav(const CheckContext& ctx) {
  ClamavFacts clam;
  clam.binary = firstExisting(ctx.system, {"/usr/sbin/clamd", "/usr/bin/freshclam", "/usr/bin/clamscan"});
  for (const auto& spec : {kClamd, kFreshclam})
    if (auto sighting = observeDaemon(ctx, spec); sighting.state != DaemonState::Absent)
      clam.services.push_back(std::move(sighting));
  if (clam.binary.empty() && clam.services.empty()) return clam;
  for (const auto& job : collectSchedule(ctx.system).jobs) {
    if (!job.inactiveReason.empty()) continue;
    // freshclam-sleep: RHEL's clamav-update cron wrapper.
    if (const auto mention = jobMentions(job, {"freshclam", "freshclam-sleep"})) {
      clam.scheduledUpdate = mention->evidence;
      break;
    }
  }
  const std::string directory = "/var/lib/clamav";
  if (!ctx.system.exists(directory)) return clam;
  auto names = ctx.system.listDirectory(directory);
  if (!names) {
    clam.signatureError = names.error();
    return clam;
  }
  for (const auto& name : *names) {
    if (!text::endsWith(name, ".cvd") && !text::endsWith(name, ".cld")) continue;
    const auto path = joinPath(directory, name);
    SignatureFile file{path, 0, false};
    if (const auto built = parseCvdBuildTime(readHeader(ctx.system, path))) {
      file.builtAt = *built;
      file.fromHeader = true;
    } else if (const auto info = ctx.system.stat(path)) {
      file.builtAt = info->mtime;
    } else {
      clam.signatureError = info.error();
      continue;
    }
    clam.signatures.push_back(std::move(file));
  }
  return clam;
}

Outcome runMalwareProtection(const CheckContext& ctx) {
  MalwareFacts facts;
  facts.live = ctx.system.isLive();
  facts.processError = processListingError(ctx);
  for (const auto& agent : knownAgents())
    if (agent.malwareProtection)
      if (auto sighting = observeDaemon(ctx, agent.daemon); sighting.state != DaemonState::Absent)
        facts.edrs.push_back(std::move(sighting));
  facts.clamav = probeClamav(ctx);
  return evaluateMalwareProtection(facts, ctx.now, ctx.config.thresholds.signatureMaxAgeDays);
}

constexpr CheckSpec kMalwareProtection{
    "malware.protection",
    "Malware protection is present and up to date",
    Severity::Medium,
    "Protection against malware (A.8.7) needs a detection engine that actually runs and knows current threats: "
    "ClamAV with a running scanner or signature updater and signatures younger than the configured maximum age, or "
    "an EDR agent that is running. Stale signatures give a false sense of protection, so their age is evidenced.",
    "Install ClamAV (apt install clamav clamav-daemon / dnf install clamav clamd clamav-update), enable "
    "clamav-freshclam so signatures update daily, and check /var/lib/clamav/daily.cld is current; or deploy the "
    "organisation's EDR agent and keep its service running.",
};

ANNEXA_REGISTER_CHECK(kMalwareProtection, runMalwareProtection);

}  // namespace
}  // namespace annexa::agent::checks
