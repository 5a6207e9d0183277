// Firewall rulesets (agent/checks/network.hpp): `nft list ruleset` / nftables.conf and iptables-save output.
#include "agent/checks/network.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexa::agent::checks;
  const auto text = annexa::fuzz::asText(data, size);
  FirewallFacts facts;
  facts.persistent.push_back(parseNftRuleset(text, "/etc/nftables.conf"));
  facts.persistent.push_back(parseIptablesSave(text, "/etc/iptables/rules.v4"));
  (void)evaluateFirewall(facts);
  return 0;
}
