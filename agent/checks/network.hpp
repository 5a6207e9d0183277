// Network protection checks: host firewall, IP forwarding, network-stack sysctl hardening, legacy cleartext services.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/host_facts.hpp"

namespace annexa::agent::checks {

// ---- firewall.enabled ----------------------------------------------------------------------------------------------

enum class InputFiltering { Filtered, Open, Unreadable };

// What one ruleset (live) or one firewall configuration (persistent) says about inbound IPv4 traffic.
struct FirewallSource {
  std::string source;  // the command or file
  InputFiltering filtering = InputFiltering::Unreadable;
  std::string observed;
};

struct FirewallFacts {
  bool liveSystem = false;
  std::vector<FirewallSource> live;        // rulesets read from the running kernel
  std::string liveUnavailable;             // why no live ruleset was read (empty when one was, or offline)
  bool liveToolsMissing = false;           // neither nft nor iptables-save is installed
  std::vector<FirewallSource> persistent;  // boot-time firewall configurations found
};

// nft syntax (`nft list ruleset` output or an nftables.conf): inbound is filtered when an ip/inet filter chain on
// the input hook ends in drop/reject (first unconditional verdict, else the chain policy).
FirewallSource parseNftRuleset(std::string_view ruleset, std::string source);
// iptables-save syntax (its output or /etc/iptables/rules.v4): the filter table's INPUT chain.
FirewallSource parseIptablesSave(std::string_view rules, std::string source);
// /etc/ufw/ufw.conf ENABLED= and /etc/default/ufw DEFAULT_INPUT_POLICY= (nullopt: file absent, ufw's default DROP).
FirewallSource evaluateUfwConfig(std::string_view ufwConf, const std::optional<std::string>& defaultUfw);
// KEY=value from shell-style files (last assignment wins, quotes removed); nullopt when not set.
std::optional<std::string> shellAssignment(std::string_view content, std::string_view key);

Outcome evaluateFirewall(const FirewallFacts& facts);

// ---- network.ip_forwarding -----------------------------------------------------------------------------------------

// `ipv6Forwarding` is nullopt when the kernel has IPv6 disabled (no /proc/sys/net/ipv6 on a live system).
Outcome evaluateIpForwarding(const SysctlValue& ipv4Forward, const std::optional<SysctlValue>& ipv6Forwarding,
                             bool liveSystem, bool isRouter);

// ---- network.sysctl_hardening --------------------------------------------------------------------------------------

struct NetworkSysctlRule {
  std::string_view key;
  std::vector<std::string_view> allowed;
  std::string_view kernelDefault;  // used for offline images when no configuration sets the key
  bool ipv6 = false;
};

const std::vector<NetworkSysctlRule>& networkSysctlRules();

// `values` holds a SysctlValue for every rule key; IPv6 rules are skipped when `ipv6Present` is false.
Outcome evaluateNetworkSysctls(const std::map<std::string, SysctlValue, std::less<>>& values, bool liveSystem,
                               bool ipv6Present);

// ---- network.insecure_services -------------------------------------------------------------------------------------

struct SocketListener {
  std::string protocol;  // "tcp", "tcp6", "udp", "udp6"
  std::string address;   // "0.0.0.0", "::1"
  int port = 0;
  bool operator==(const SocketListener&) const = default;
};

// Listening TCP sockets (state 0A) or bound, unconnected UDP sockets (state 07) of one /proc/net table.
// `protocol` names the table ("tcp", "tcp6", "udp", "udp6").
Result<std::vector<SocketListener>> parseProcNetTable(std::string_view content, std::string_view protocol);
// "tcp 0.0.0.0:22", "tcp6 [::]:22".
std::string formatListener(const SocketListener& listener);

struct ListenerFacts {
  std::vector<SocketListener> listeners;
  std::vector<std::string> tablesRead;  // /proc/net paths parsed
  std::vector<std::string> problems;    // "PATH: reason" for tables that could not be read or parsed
  bool offlineWithoutSockets = false;   // offline image without /proc/net: nothing runs there
};

Outcome evaluateInsecureServices(const ListenerFacts& facts);

}  // namespace annexa::agent::checks
