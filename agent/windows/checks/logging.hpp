// Windows logging: the advanced audit policy, the Security event log, the Windows Time service.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/check.hpp"
#include "agent/windows/registry_facts.hpp"

namespace annexa::agent::windows_checks {

struct AuditFacts {
  AuditSubcategory subcategory;
  Result<AuditSetting> setting = AuditSetting{};
};
Outcome evaluateAuditPolicy(const std::vector<AuditFacts>& facts);

struct SecurityLogFacts {
  RegistryFact policyMaxSizeKb;  // Policies\...\EventLog\Security\MaxSize (KB)
  RegistryFact localMaxSizeBytes;  // Services\EventLog\Security\MaxSize (bytes)
  Result<bool> forwardingConfigured = false;  // ...\EventLog\EventForwarding\SubscriptionManager exists
};
inline constexpr std::uint64_t kMinSecurityLogBytes = 196608ull * 1024;  // 192 MiB (CIS benchmark)
Outcome evaluateSecurityLog(const SecurityLogFacts& facts);

struct TimeServiceFacts {
  Result<std::optional<ServiceStatus>> service = std::optional<ServiceStatus>{};
  RegistryFact type;       // W32Time\Parameters\Type: NTP, NT5DS, AllSync, NoSync
  RegistryFact ntpServer;  // W32Time\Parameters\NtpServer
};
Outcome evaluateTimeService(const TimeServiceFacts& facts);

}  // namespace annexa::agent::windows_checks
