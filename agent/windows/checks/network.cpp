#include "agent/windows/checks/network.hpp"

#include "common/text.hpp"

namespace annexa::agent::windows_checks {
namespace {

std::vector<Evidence> evidenceOf(std::initializer_list<std::pair<const RegistryFact*, const char*>> facts) {
  std::vector<Evidence> out;
  for (const auto& [fact, expected] : facts) out.push_back(fact->evidence(expected));
  return out;
}

bool anyUnreadable(std::initializer_list<const RegistryFact*> facts) {
  for (const auto* fact : facts)
    if (!fact->readable()) return true;
  return false;
}

}  // namespace

Outcome evaluateFirewall(const std::vector<FirewallProfileFacts>& profiles) {
  std::vector<Evidence> evidence;
  std::vector<std::string> off, allowing, unknown;
  for (const auto& p : profiles) {
    for (const auto& e : evidenceOf({{&p.policyEnabled, "1 or absent (policy overrides the local setting)"},
                                     {&p.localEnabled, "1"},
                                     {&p.policyInbound, "1 or absent"},
                                     {&p.localInbound, "1 or absent (Windows' default: block)"}}))
      evidence.push_back(e);
    const auto& enabled = effective(p.policyEnabled, p.localEnabled);
    const auto& inbound = effective(p.policyInbound, p.localInbound);
    if (!enabled.readable() || !inbound.readable() || !enabled.number()) {
      unknown.push_back(p.name);
      continue;
    }
    if (*enabled.number() != 1) off.push_back(p.name);
    else if (inbound.present() && inbound.number() != 1u) allowing.push_back(p.name);
  }
  if (!off.empty()) return Outcome::fail("Windows Firewall is off for the " + text::join(off, ", ") + " profile(s)", evidence);
  if (!allowing.empty())
    return Outcome::fail("Inbound connections are allowed by default for the " + text::join(allowing, ", ") +
                             " profile(s)",
                         evidence);
  if (!unknown.empty())
    return Outcome::error("Cannot tell whether Windows Firewall is on for the " + text::join(unknown, ", ") +
                              " profile(s)",
                          evidence);
  return Outcome::pass("Windows Firewall is on with inbound blocked by default for every profile", evidence);
}

Outcome evaluateSmb1(const Smb1Facts& facts) {
  auto evidence = evidenceOf({{&facts.serverSmb1, "0 (or the SMBv1 server driver not installed)"},
                              {&facts.clientDriverStart, "4 (disabled) or absent (not installed)"}});
  evidence.push_back({"HKLM\\SYSTEM\\CurrentControlSet\\Services\\srv",
                      facts.serverDriverInstalled ? (*facts.serverDriverInstalled ? "present" : "absent")
                                                  : "unreadable (" + facts.serverDriverInstalled.error() + ")",
                      "absent, or SMB1 = 0"});
  if (anyUnreadable({&facts.serverSmb1, &facts.clientDriverStart}) || !facts.serverDriverInstalled)
    return Outcome::error("Cannot read the SMBv1 configuration", evidence);
  const bool serverOff = facts.serverSmb1.number() == 0u || !*facts.serverDriverInstalled;
  const bool clientOff = !facts.clientDriverStart.present() || facts.clientDriverStart.number() == 4u;
  if (!serverOff && !clientOff) return Outcome::fail("SMBv1 is enabled for the server and the client", evidence);
  if (!serverOff) return Outcome::fail("The SMBv1 server is enabled", evidence);
  if (!clientOff) return Outcome::fail("The SMBv1 client driver is enabled", evidence);
  return Outcome::pass("SMBv1 is disabled", evidence);
}

Outcome evaluateRdp(const RdpFacts& facts) {
  auto evidence = evidenceOf({{&facts.policyDeny, "1 or absent (policy overrides)"},
                              {&facts.localDeny, "1 (Remote Desktop off), or NLA required"},
                              {&facts.policyNla, "1 or absent"},
                              {&facts.localNla, "1 (Network Level Authentication)"}});
  const auto& deny = effective(facts.policyDeny, facts.localDeny);
  const auto& nla = effective(facts.policyNla, facts.localNla);
  if (!deny.readable() || !nla.readable()) return Outcome::error("Cannot read the Remote Desktop settings", evidence);
  // Windows' default when fDenyTSConnections is absent is "deny".
  if (!deny.present() || deny.number() == 1u) return Outcome::pass("Remote Desktop is off", evidence);
  if (nla.number() == 1u) return Outcome::pass("Remote Desktop is on and requires Network Level Authentication", evidence);
  return Outcome::fail("Remote Desktop accepts connections without Network Level Authentication", evidence);
}

Outcome evaluateLegacyTls(const std::vector<TlsProtocolFacts>& protocols) {
  std::vector<Evidence> evidence;
  std::vector<std::string> enabled;
  bool unreadable = false;
  for (const auto& p : protocols) {
    for (const auto& e : evidenceOf({{&p.serverEnabled, "0"},
                                     {&p.serverDisabledByDefault, "1"},
                                     {&p.clientEnabled, "0"},
                                     {&p.clientDisabledByDefault, "1"}}))
      evidence.push_back(e);
    if (anyUnreadable({&p.serverEnabled, &p.serverDisabledByDefault, &p.clientEnabled, &p.clientDisabledByDefault})) {
      unreadable = true;
      continue;
    }
    // An absent Enabled value means the operating system's default, which enables TLS 1.0/1.1 on Windows 10 and 11.
    for (const auto* side : {&p.serverEnabled, &p.clientEnabled})
      if (side->number() != 0u) {
        enabled.push_back(p.protocol + (side == &p.serverEnabled ? " server" : " client"));
      }
  }
  if (unreadable) return Outcome::error("Cannot read the SCHANNEL protocol settings", evidence);
  if (!enabled.empty())
    return Outcome::fail("Legacy TLS is not disabled in SCHANNEL: " + text::join(enabled, ", "), evidence);
  return Outcome::pass("TLS 1.0 and 1.1 are disabled in SCHANNEL for servers and clients", evidence);
}

namespace {

Outcome runFirewall(const CheckContext& ctx) {
  constexpr const char* kLocal = "SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\";
  constexpr const char* kPolicy = "SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\";
  struct Profile {
    const char* name;
    const char* localKey;
    const char* policyKey;
  };
  std::vector<FirewallProfileFacts> facts;
  for (const auto& p : {Profile{"Domain", "DomainProfile", "DomainProfile"},
                        Profile{"Private", "StandardProfile", "PrivateProfile"},
                        Profile{"Public", "PublicProfile", "PublicProfile"}}) {
    const auto local = std::string(kLocal) + p.localKey, policy = std::string(kPolicy) + p.policyKey;
    facts.push_back({p.name, readRegistry(ctx.windows, kHklm, policy, "EnableFirewall"),
                     readRegistry(ctx.windows, kHklm, local, "EnableFirewall"),
                     readRegistry(ctx.windows, kHklm, policy, "DefaultInboundAction"),
                     readRegistry(ctx.windows, kHklm, local, "DefaultInboundAction")});
  }
  return evaluateFirewall(facts);
}

Outcome runSmb1(const CheckContext& ctx) {
  return evaluateSmb1({readRegistry(ctx.windows, kHklm, "SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters",
                                    "SMB1"),
                       ctx.windows.registryKeyExists(kHklm, "SYSTEM\\CurrentControlSet\\Services\\srv"),
                       readRegistry(ctx.windows, kHklm, "SYSTEM\\CurrentControlSet\\Services\\mrxsmb10", "Start")});
}

Outcome runRdp(const CheckContext& ctx) {
  constexpr const char* kPolicy = "SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services";
  constexpr const char* kServer = "SYSTEM\\CurrentControlSet\\Control\\Terminal Server";
  constexpr const char* kRdpTcp = "SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp";
  const auto& w = ctx.windows;
  return evaluateRdp({readRegistry(w, kHklm, kPolicy, "fDenyTSConnections"),
                      readRegistry(w, kHklm, kServer, "fDenyTSConnections"),
                      readRegistry(w, kHklm, kPolicy, "UserAuthentication"),
                      readRegistry(w, kHklm, kRdpTcp, "UserAuthentication")});
}

Outcome runLegacyTls(const CheckContext& ctx) {
  constexpr const char* kProtocols = "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\";
  std::vector<TlsProtocolFacts> facts;
  for (const char* protocol : {"TLS 1.0", "TLS 1.1"}) {
    const auto server = std::string(kProtocols) + protocol + "\\Server";
    const auto client = std::string(kProtocols) + protocol + "\\Client";
    facts.push_back({protocol, readRegistry(ctx.windows, kHklm, server, "Enabled"),
                     readRegistry(ctx.windows, kHklm, server, "DisabledByDefault"),
                     readRegistry(ctx.windows, kHklm, client, "Enabled"),
                     readRegistry(ctx.windows, kHklm, client, "DisabledByDefault")});
  }
  return evaluateLegacyTls(facts);
}

constexpr CheckSpec kFirewall{
    "win.firewall.profiles", "Windows Firewall on for every profile, inbound blocked", Severity::High,
    "Network security (A.8.20): a host filter that drops unsolicited inbound traffic on every network (domain, "
    "private, public) limits what an attacker on the same network can reach. Group Policy values override the "
    "local ones, as Windows applies them.",
    "Turn Windows Firewall on for the Domain, Private and Public profiles with \"Inbound connections: Block\" "
    "(wf.msc, or `Set-NetFirewallProfile -All -Enabled True -DefaultInboundAction Block`)."};
constexpr CheckSpec kSmb1{
    "win.smb1_disabled", "SMBv1 is disabled", Severity::High,
    "SMBv1 lacks the integrity protections of SMB 2/3 and carried the EternalBlue worms (A.8.20 network security).",
    "Remove the SMB 1.0/CIFS feature (`Disable-WindowsOptionalFeature -Online -FeatureName SMB1Protocol`) or set "
    "LanmanServer\\Parameters\\SMB1 = 0 and the mrxsmb10 driver's Start = 4."};
constexpr CheckSpec kRdp{
    "win.rdp", "Remote Desktop off or protected by NLA", Severity::High,
    "Secure authentication (A.8.5): Network Level Authentication authenticates the user before a session (and its "
    "attack surface) is created on the host.",
    "Turn Remote Desktop off, or require \"Network Level Authentication\" (System Properties > Remote)."};
constexpr CheckSpec kLegacyTls{
    "win.tls.legacy_disabled", "TLS 1.0 and 1.1 disabled in SCHANNEL", Severity::Medium,
    "Use of cryptography (A.8.24): TLS 1.0 and 1.1 rely on deprecated constructions (RFC 8996); Windows keeps them "
    "enabled unless SCHANNEL's protocol keys say otherwise.",
    "Under HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols, set Enabled = 0 and "
    "DisabledByDefault = 1 for the Server and Client keys of TLS 1.0 and TLS 1.1, then restart."};

ANNEXA_REGISTER_CHECK(kFirewall, runFirewall);
ANNEXA_REGISTER_CHECK(kSmb1, runSmb1);
ANNEXA_REGISTER_CHECK(kRdp, runRdp);
ANNEXA_REGISTER_CHECK(kLegacyTls, runLegacyTls);

}  // namespace
}  // namespace annexa::agent::windows_checks
