// Windows network checks: firewall profiles, SMBv1, Remote Desktop, legacy TLS in SCHANNEL.
#pragma once

#include <string>
#include <vector>

#include "agent/check.hpp"
#include "agent/windows/registry_facts.hpp"

namespace annexa::agent::windows_checks {

struct FirewallProfileFacts {
  std::string name;  // "Domain", "Private", "Public"
  RegistryFact policyEnabled, localEnabled;
  RegistryFact policyInbound, localInbound;  // DefaultInboundAction: 1 block, 0 allow
};
Outcome evaluateFirewall(const std::vector<FirewallProfileFacts>& profiles);

struct Smb1Facts {
  RegistryFact serverSmb1;       // LanmanServer\Parameters\SMB1
  Result<bool> serverDriverInstalled = false;  // Services\srv: the SMBv1 server driver
  RegistryFact clientDriverStart;  // Services\mrxsmb10\Start (4: disabled; absent: not installed)
};
Outcome evaluateSmb1(const Smb1Facts& facts);

struct RdpFacts {
  RegistryFact policyDeny, localDeny;  // fDenyTSConnections
  RegistryFact policyNla, localNla;    // UserAuthentication
};
Outcome evaluateRdp(const RdpFacts& facts);

struct TlsProtocolFacts {
  std::string protocol;  // "TLS 1.0"
  RegistryFact serverEnabled, serverDisabledByDefault, clientEnabled, clientDisabledByDefault;
};
Outcome evaluateLegacyTls(const std::vector<TlsProtocolFacts>& protocols);

}  // namespace annexa::agent::windows_checks
