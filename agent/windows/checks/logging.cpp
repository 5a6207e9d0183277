#include "agent/windows/checks/logging.hpp"

#include "common/text.hpp"

namespace annexa::agent::windows_checks {

Outcome evaluateAuditPolicy(const std::vector<AuditFacts>& facts) {
  std::vector<Evidence> evidence;
  std::vector<std::string> missing, unreadable;
  for (const auto& f : facts) {
    const std::string source = "AuditQuerySystemPolicy(" + std::string(toString(f.subcategory)) + ")";
    if (!f.setting) {
      evidence.push_back({source, "unreadable (" + f.setting.error() + ")", "Success and Failure"});
      unreadable.emplace_back(toString(f.subcategory));
      continue;
    }
    const auto& s = *f.setting;
    const std::string seen = s.success && s.failure ? "Success and Failure"
                             : s.success            ? "Success"
                             : s.failure            ? "Failure"
                                                    : "No Auditing";
    evidence.push_back({source, seen, "Success and Failure"});
    if (!s.success || !s.failure) missing.emplace_back(toString(f.subcategory));
  }
  if (!missing.empty())
    return Outcome::fail("Success and failure are not both audited for: " + text::join(missing, ", "), evidence);
  if (!unreadable.empty())
    return Outcome::error("Cannot read the audit policy for: " + text::join(unreadable, ", "), evidence);
  return Outcome::pass("Logon, account management and policy change are audited (success and failure)", evidence);
}

Outcome evaluateSecurityLog(const SecurityLogFacts& facts) {
  const std::string wanted = ">= " + std::to_string(kMinSecurityLogBytes / 1024) + " KB, or events forwarded";
  std::vector<Evidence> evidence{facts.policyMaxSizeKb.evidence(wanted + " (KB; overrides the local size)"),
                                 facts.localMaxSizeBytes.evidence(wanted + " (bytes)")};
  evidence.push_back({"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\EventLog\\EventForwarding\\SubscriptionManager",
                      facts.forwardingConfigured ? (*facts.forwardingConfigured ? "present" : "absent")
                                                 : "unreadable (" + facts.forwardingConfigured.error() + ")",
                      "present (forwarding), or a large enough log"});
  if (facts.forwardingConfigured && *facts.forwardingConfigured)
    return Outcome::pass("Security events are forwarded to a collector (Windows Event Forwarding)", evidence);
  std::optional<std::uint64_t> bytes;
  if (auto kb = facts.policyMaxSizeKb.number()) bytes = *kb * 1024;
  else if (facts.policyMaxSizeKb.readable() && !facts.policyMaxSizeKb.present()) bytes = facts.localMaxSizeBytes.number();
  if (!bytes || !facts.forwardingConfigured)
    return Outcome::error("Cannot read the Security event log's size", evidence);
  const auto mib = std::to_string(*bytes / (1024 * 1024)) + " MiB";
  if (*bytes < kMinSecurityLogBytes)
    return Outcome::fail("The Security event log holds only " + mib + " and is not forwarded", evidence);
  return Outcome::pass("The Security event log holds " + mib, evidence);
}

Outcome evaluateTimeService(const TimeServiceFacts& facts) {
  std::vector<Evidence> evidence;
  if (!facts.service) {
    evidence.push_back({"Service Control Manager: W32Time", "unreadable (" + facts.service.error() + ")", "running"});
  } else {
    evidence.push_back({"Service Control Manager: W32Time",
                        !*facts.service ? "not installed"
                                        : std::string((*facts.service)->running ? "running" : "stopped") +
                                              " (start " + (*facts.service)->startType + ")",
                        "running"});
  }
  evidence.push_back(facts.type.evidence("NTP, NT5DS or AllSync"));
  evidence.push_back(facts.ntpServer.evidence("a time source (for NTP)"));
  if (!facts.service) return Outcome::error("Cannot query the Windows Time service", evidence);
  if (!*facts.service) return Outcome::fail("The Windows Time service is not installed", evidence);
  if (!(*facts.service)->running) return Outcome::fail("The Windows Time service is not running", evidence);
  const auto type = facts.type.text();
  if (!type) return Outcome::error("Cannot read which source Windows Time synchronises from", evidence);
  if (*type == "NoSync") return Outcome::fail("Windows Time runs but is set not to synchronise (NoSync)", evidence);
  if (*type == "NTP" || *type == "AllSync") {
    const auto server = facts.ntpServer.text();
    if (!server || text::trim(*server).empty())
      return Outcome::fail("Windows Time synchronises by NTP but names no server", evidence);
    return Outcome::pass("Windows Time runs and synchronises from " + *server, evidence);
  }
  if (*type == "NT5DS") return Outcome::pass("Windows Time runs and synchronises from the domain hierarchy", evidence);
  return Outcome::fail("Windows Time has an unknown source type " + *type, evidence);
}

namespace {

Outcome runAuditPolicy(const CheckContext& ctx) {
  std::vector<AuditFacts> facts;
  for (auto sub : {AuditSubcategory::Logon, AuditSubcategory::UserAccountManagement, AuditSubcategory::AuditPolicyChange})
    facts.push_back({sub, ctx.windows.auditPolicy(sub)});
  return evaluateAuditPolicy(facts);
}

Outcome runSecurityLog(const CheckContext& ctx) {
  return evaluateSecurityLog(
      {readRegistry(ctx.windows, kHklm, "SOFTWARE\\Policies\\Microsoft\\Windows\\EventLog\\Security", "MaxSize"),
       readRegistry(ctx.windows, kHklm, "SYSTEM\\CurrentControlSet\\Services\\EventLog\\Security", "MaxSize"),
       ctx.windows.registryKeyExists(
           kHklm, "SOFTWARE\\Policies\\Microsoft\\Windows\\EventLog\\EventForwarding\\SubscriptionManager")});
}

Outcome runTimeService(const CheckContext& ctx) {
  constexpr const char* kParameters = "SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters";
  return evaluateTimeService({ctx.windows.service("W32Time"), readRegistry(ctx.windows, kHklm, kParameters, "Type"),
                              readRegistry(ctx.windows, kHklm, kParameters, "NtpServer")});
}

constexpr CheckSpec kAuditPolicy{
    "win.audit_policy", "Logons, account and policy changes are audited", Severity::High,
    "Logging (A.8.15): successful and failed logons, changes to accounts and to the audit policy itself are the "
    "events an investigation starts from. Read with AuditQuerySystemPolicy, the effective advanced audit policy.",
    "Enable Success and Failure for Logon, User Account Management and Audit Policy Change "
    "(`auditpol /set /subcategory:\"Logon\" /success:enable /failure:enable`, or by GPO)."};
constexpr CheckSpec kSecurityLog{
    "win.eventlog.security", "Security event log is large enough or forwarded", Severity::Medium,
    "Logging (A.8.15): a 20 MB Security log (Windows' default) overwrites a busy host's events within hours; "
    "192 MiB or forwarding to a collector keeps them for review.",
    "Set the Security log's maximum size to 196608 KB or more (GPO: Event Log Service > Security > Specify the "
    "maximum log file size), or configure Windows Event Forwarding."};
constexpr CheckSpec kTimeService{
    "win.time_sync", "Windows Time runs with a time source", Severity::Medium,
    "Clock synchronisation (A.8.17) keeps log timestamps comparable across hosts.",
    "Start the Windows Time service with automatic start and set a source "
    "(`w32tm /config /manualpeerlist:time.example /syncfromflags:manual /update`)."};

ANNEXA_REGISTER_CHECK(kAuditPolicy, runAuditPolicy);
ANNEXA_REGISTER_CHECK(kSecurityLog, runSecurityLog);
ANNEXA_REGISTER_CHECK(kTimeService, runTimeService);

}  // namespace
}  // namespace annexa::agent::windows_checks
