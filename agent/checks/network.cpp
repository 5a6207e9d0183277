#include "agent/checks/network.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "agent/checks/check_helpers.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

// ---- nft syntax ----------------------------------------------------------------------------------------------------

struct NftToken {
  std::string text;
  bool quoted = false;
  bool is(std::string_view word) const { return !quoted && text == word; }
};

// Words, quoted strings and the structural tokens "{", "}", ";" (a line end also ends a statement).
std::vector<NftToken> tokenizeNft(std::string_view text) {
  std::vector<NftToken> out;
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) out.push_back({std::move(word), false});
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
      flush();
      ++i;
    } else if (c == '#') {
      flush();
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"') {
      flush();
      auto end = text.find('"', i + 1);
      if (end == std::string_view::npos) end = text.size();
      out.push_back({std::string(text.substr(i + 1, end - i - 1)), true});
      i = end;
    } else if (c == '{' || c == '}' || c == ';' || c == '\n') {
      flush();
      out.push_back({c == '\n' ? ";" : std::string(1, c), false});
    } else if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

struct NftChain {
  std::string family, table, name;
  bool filterOnInputHook = false;
  std::string policy = "accept";  // nft's default for base chains
  std::vector<std::vector<NftToken>> rules;
};

bool isFamily(std::string_view word) {
  return word == "ip" || word == "ip6" || word == "inet" || word == "arp" || word == "bridge" || word == "netdev";
}

// Reads the table and chain blocks of a ruleset, plus top-level "add/insert rule" commands.
class NftParser {
 public:
  std::vector<NftChain> parse(std::string_view text) {
    for (auto& token : tokenizeNft(text)) consume(std::move(token));
    endStatement();
    return std::move(chains_);
  }

 private:
  enum class Block { Table, Chain, Other };
  struct Frame {
    Block kind = Block::Other;
    std::size_t chain = 0;
    std::string family, table;
  };

  void consume(NftToken token) {
    if (setDepth_ > 0) {  // inside an anonymous set or map of a rule: "{ 22, 80 }"
      if (token.is("{")) ++setDepth_;
      if (token.is("}")) --setDepth_;
      if (!token.is(";")) words_.push_back(std::move(token));
    } else if (token.is(";")) {
      endStatement();
    } else if (token.is("{")) {
      if (isRuleStatement()) {
        ++setDepth_;
        words_.push_back(std::move(token));
      } else {
        openBlock();
      }
    } else if (token.is("}")) {
      endStatement();
      if (!stack_.empty()) stack_.pop_back();
    } else {
      words_.push_back(std::move(token));
    }
  }

  bool inChain() const { return !stack_.empty() && stack_.back().kind == Block::Chain; }
  bool isTopLevelRuleCommand() const {
    return words_.size() > 1 && (words_[0].is("add") || words_[0].is("insert")) && words_[1].is("rule");
  }
  bool isRuleStatement() const { return !words_.empty() && (inChain() || isTopLevelRuleCommand()); }

  std::size_t chainIndex(const std::string& family, const std::string& table, const std::string& name) {
    for (std::size_t i = 0; i < chains_.size(); ++i)
      if (chains_[i].family == family && chains_[i].table == table && chains_[i].name == name) return i;
    NftChain chain;
    chain.family = family;
    chain.table = table;
    chain.name = name;
    chains_.push_back(std::move(chain));
    return chains_.size() - 1;
  }

  // "[add] table [FAMILY] NAME" or "[add] chain [FAMILY] TABLE NAME" (family/table implied inside a table block).
  void openBlock() {
    std::vector<std::string> header;
    for (const auto& w : words_) header.push_back(w.text);
    words_.clear();
    if (!header.empty() && (header[0] == "add" || header[0] == "create")) header.erase(header.begin());
    Frame frame;
    if (header.size() >= 2 && header[0] == "table") {
      frame.kind = Block::Table;
      frame.family = header.size() >= 3 ? header[1] : "ip";
      frame.table = header.back();
    } else if (header.size() >= 2 && header[0] == "chain") {
      frame.kind = Block::Chain;
      if (!stack_.empty() && stack_.back().kind == Block::Table) {
        frame.family = stack_.back().family;
        frame.table = stack_.back().table;
      } else {
        const bool explicitFamily = header.size() >= 4 && isFamily(header[1]);
        frame.family = explicitFamily ? header[1] : "ip";
        frame.table = header.size() >= 3 ? header[header.size() - 2] : "";
      }
      frame.chain = chainIndex(frame.family, frame.table, header.back());
    }
    stack_.push_back(std::move(frame));
  }

  void endStatement() {
    if (words_.empty()) return;
    if (inChain()) {
      addChainStatement(chains_[stack_.back().chain], std::move(words_));
    } else if (isTopLevelRuleCommand()) {
      // add|insert rule [FAMILY] TABLE CHAIN STATEMENT…
      const bool insert = words_[0].is("insert");
      std::size_t at = 2;
      const std::string family = at < words_.size() && isFamily(words_[at].text) ? words_[at++].text : "ip";
      if (at + 2 <= words_.size()) {
        auto& chain = chains_[chainIndex(family, words_[at].text, words_[at + 1].text)];
        std::vector<NftToken> rule(words_.begin() + static_cast<std::ptrdiff_t>(at + 2), words_.end());
        chain.rules.insert(insert ? chain.rules.begin() : chain.rules.end(), std::move(rule));
      }
    }
    words_.clear();
  }

  static void addChainStatement(NftChain& chain, std::vector<NftToken> statement) {
    const auto wordAfter = [&](std::string_view keyword) -> std::string {
      for (std::size_t i = 0; i + 1 < statement.size(); ++i)
        if (statement[i].is(keyword)) return statement[i + 1].text;
      return {};
    };
    if (!wordAfter("hook").empty()) {
      chain.filterOnInputHook = wordAfter("hook") == "input" && wordAfter("type") == "filter";
      if (const auto policy = wordAfter("policy"); !policy.empty()) chain.policy = policy;
    } else if (statement[0].is("policy") && statement.size() > 1) {
      chain.policy = statement[1].text;
    } else if (!statement[0].is("comment")) {
      chain.rules.push_back(std::move(statement));
    }
  }

  std::vector<NftChain> chains_;
  std::vector<Frame> stack_;
  std::vector<NftToken> words_;
  int setDepth_ = 0;
};

// The verdict of a rule that matches every packet ("counter drop", "reject with icmpx admin-prohibited"); empty for
// rules with a match expression, since those start with a selector ("tcp dport", "ct state", "iifname").
std::string unconditionalVerdict(const std::vector<NftToken>& rule) {
  static constexpr std::string_view kStatements[] = {"counter", "log", "comment", "accept", "drop", "reject"};
  if (rule.empty() || rule[0].quoted ||
      std::find(std::begin(kStatements), std::end(kStatements), rule[0].text) == std::end(kStatements))
    return {};
  for (const auto& word : rule)
    if (word.is("limit") || word.is("quota")) return {};
  for (const auto& word : rule)
    if (word.is("accept") || word.is("drop") || word.is("reject")) return word.text;
  return {};
}

std::string ruleText(const std::vector<NftToken>& rule) {
  std::vector<std::string> words;
  for (const auto& w : rule) words.push_back(w.quoted ? "\"" + w.text + "\"" : w.text);
  return text::join(words, " ");
}

// Whether a chain ends up dropping unmatched packets, and how that was decided.
std::pair<bool, std::string> chainFilters(const NftChain& chain) {
  for (const auto& rule : chain.rules) {
    const auto verdict = unconditionalVerdict(rule);
    if (verdict.empty()) continue;
    return {verdict != "accept", "catch-all rule \"" + ruleText(rule) + "\""};
  }
  return {chain.policy == "drop", "policy " + chain.policy};
}

// ---- iptables-save syntax ------------------------------------------------------------------------------------------

// "-A INPUT [-m comment --comment X] -j TARGET …": the target when nothing else is matched, else empty.
std::string unconditionalTarget(std::vector<std::string> args) {
  if (args.size() >= 2 && args[0] == "-m" && args[1] == "comment") {
    std::size_t i = 2;
    if (i < args.size() && args[i] == "--comment") {
      ++i;
      if (i < args.size() && text::startsWith(args[i], "\"") && !(args[i].size() > 1 && text::endsWith(args[i], "\"")))
        while (i < args.size() && !text::endsWith(args[i], "\"")) ++i;
      ++i;
    }
    args.erase(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(std::min(i, args.size())));
  }
  if (args.size() >= 2 && (args[0] == "-j" || args[0] == "--jump")) return args[1];
  return {};
}

// ---- persistent configuration --------------------------------------------------------------------------------------

bool commandInstalled(const SystemView& system, std::string_view name) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin"})
    if (system.isRegularFile(joinPath(dir, name))) return true;
  return false;
}

FirewallSource unreadable(std::string source, const std::string& reason) {
  return {std::move(source), InputFiltering::Unreadable, "cannot read: " + reason};
}

// A filtering configuration only protects the host when the unit that loads it at boot is enabled.
void requireLoader(FirewallSource& source, bool enabled, std::string_view unit) {
  if (source.filtering != InputFiltering::Filtered || enabled) return;
  source.filtering = InputFiltering::Open;
  source.observed += "; " + std::string(unit) + " is not enabled, so it is not loaded at boot";
}

// nftables.conf with its "include" lines replaced by the files they name (one level; nft's include path is /etc).
std::string nftConfigWithIncludes(const SystemView& system, const std::string& content) {
  std::string all;
  for (const auto raw : text::lines(content)) {
    const auto words = text::splitWords(text::stripComment(raw));
    if (words.size() != 2 || words[0] != "include") {
      all.append(raw).push_back('\n');
      continue;
    }
    std::string path = words[1];
    if (path.size() >= 2 && path.front() == '"' && path.back() == '"') path = path.substr(1, path.size() - 2);
    if (!path.empty() && path.front() != '/') path = "/etc/" + path;
    const auto matches =
        path.find_first_of("*?[") == std::string::npos ? std::vector<std::string>{path} : system.glob(path);
    for (const auto& file : matches)
      if (auto included = system.readFile(file, 1024 * 1024)) all += *included + "\n";
  }
  return all;
}

void probeNftablesConfig(const CheckContext& ctx, std::vector<FirewallSource>& out) {
  for (const char* path : {"/etc/nftables.conf", "/etc/sysconfig/nftables.conf"}) {
    if (!ctx.system.exists(path)) continue;
    auto content = ctx.system.readFile(path, 1024 * 1024);
    if (!content) {
      out.push_back(unreadable(path, content.error()));
      continue;
    }
    auto source = parseNftRuleset(nftConfigWithIncludes(ctx.system, *content), path);
    requireLoader(source, ctx.facts.unitEnabled("nftables.service") || ctx.facts.unitActive("nftables.service"),
                  "nftables.service");
    out.push_back(std::move(source));
  }
}

void probeUfw(const CheckContext& ctx, std::vector<FirewallSource>& out) {
  if (!ctx.system.exists("/etc/ufw/ufw.conf")) return;
  auto conf = ctx.system.readFile("/etc/ufw/ufw.conf", 64 * 1024);
  if (!conf) return out.push_back(unreadable("/etc/ufw/ufw.conf", conf.error()));
  std::optional<std::string> defaults;
  if (ctx.system.exists("/etc/default/ufw")) {
    auto content = ctx.system.readFile("/etc/default/ufw", 64 * 1024);
    if (!content) return out.push_back(unreadable("/etc/default/ufw", content.error()));
    defaults = std::move(*content);
  }
  out.push_back(evaluateUfwConfig(*conf, defaults));
}

void probeFirewalld(const CheckContext& ctx, std::vector<FirewallSource>& out) {
  if (!ctx.facts.unitExists("firewalld.service") && !ctx.system.exists("/etc/firewalld")) return;
  const std::string confPath = "/etc/firewalld/firewalld.conf";
  std::string zone = "public";  // firewalld's built-in default zone
  if (ctx.system.exists(confPath)) {
    auto conf = ctx.system.readFile(confPath, 64 * 1024);
    if (!conf) return out.push_back(unreadable(confPath, conf.error()));
    if (auto configured = shellAssignment(*conf, "DefaultZone"); configured && !configured->empty()) zone = *configured;
  }
  FirewallSource source{confPath, InputFiltering::Filtered, "firewalld default zone \"" + zone + "\""};
  const std::string zoneFile = "/etc/firewalld/zones/" + zone + ".xml";
  const auto zoneXml = ctx.system.readFile(zoneFile, 256 * 1024);
  if (zone == "trusted" || (zoneXml && text::contains(*zoneXml, "target=\"ACCEPT\""))) {
    source.filtering = InputFiltering::Open;
    source.observed += zone == "trusted" ? " accepts all traffic" : " has target ACCEPT in " + zoneFile;
  }
  requireLoader(source, ctx.facts.unitEnabled("firewalld.service") || ctx.facts.unitActive("firewalld.service"),
                "firewalld.service");
  out.push_back(std::move(source));
}

void probeIptablesRules(const CheckContext& ctx, std::vector<FirewallSource>& out) {
  const std::pair<const char*, const char*> kFiles[] = {{"/etc/iptables/rules.v4", "netfilter-persistent.service"},
                                                        {"/etc/sysconfig/iptables", "iptables.service"}};
  for (const auto& [path, unit] : kFiles) {
    if (!ctx.system.exists(path)) continue;
    auto content = ctx.system.readFile(path, 4 * 1024 * 1024);
    if (!content) {
      out.push_back(unreadable(path, content.error()));
      continue;
    }
    auto source = parseIptablesSave(*content, path);
    requireLoader(source, ctx.facts.unitEnabled(unit) || ctx.facts.unitActive(unit), unit);
    out.push_back(std::move(source));
  }
}

// The running kernel's ruleset: nft first, iptables-save for hosts still on the legacy backend.
void probeLiveRuleset(const SystemView& system, FirewallFacts& facts) {
  const bool haveNft = commandInstalled(system, "nft");
  const bool haveIptables = commandInstalled(system, "iptables-save");
  facts.liveToolsMissing = !haveNft && !haveIptables;
  if (facts.liveToolsMissing) {
    facts.liveUnavailable = "neither nft nor iptables-save is installed";
    return;
  }
  if (::geteuid() != 0) {
    facts.liveUnavailable = "not running as root (reading the kernel ruleset needs CAP_NET_ADMIN)";
    return;
  }
  const auto readLive = [&](std::vector<std::string> argv, auto parser) {
    const std::string label = text::join(argv, " ");
    auto output = system.runCommand(argv);
    if (!output || output->exitCode != 0) {
      facts.liveUnavailable = label + ": " + (output ? "exited " + std::to_string(output->exitCode) : output.error());
      return;
    }
    facts.live.push_back(parser(output->output, label));
  };
  if (haveNft) readLive({"nft", "list", "ruleset"}, parseNftRuleset);
  const bool nftFilters = !facts.live.empty() && facts.live.back().filtering == InputFiltering::Filtered;
  if (haveIptables && !nftFilters) readLive({"iptables-save", "-t", "filter"}, parseIptablesSave);
}

constexpr CheckSpec kFirewall{
    "firewall.enabled",
    "A host firewall filters inbound traffic",
    Severity::High,
    "A packet filter that drops inbound connections unless explicitly allowed limits which services of the host are "
    "reachable from the network, which is the technical security of networks and network services (A.8.20).",
    "Enable a default-deny inbound firewall: e.g. `ufw default deny incoming && ufw enable`, or an nftables input "
    "chain with `policy drop;` in /etc/nftables.conf plus `systemctl enable --now nftables`, or on RHEL "
    "`systemctl enable --now firewalld` with a default zone other than trusted.",
};

Outcome runFirewall(const CheckContext& ctx) {
  FirewallFacts facts;
  facts.liveSystem = ctx.system.isLive();
  if (facts.liveSystem) probeLiveRuleset(ctx.system, facts);
  probeNftablesConfig(ctx, facts.persistent);
  probeUfw(ctx, facts.persistent);
  probeFirewalld(ctx, facts.persistent);
  probeIptablesRules(ctx, facts.persistent);
  return evaluateFirewall(facts);
}

ANNEXA_REGISTER_CHECK(kFirewall, runFirewall);

}  // namespace

FirewallSource parseNftRuleset(std::string_view ruleset, std::string source) {
  std::vector<std::string> inputChains;
  bool ipv4Filtered = false;
  for (const auto& chain : NftParser().parse(ruleset)) {
    if (!chain.filterOnInputHook || (chain.family != "ip" && chain.family != "ip6" && chain.family != "inet")) continue;
    const auto [filters, how] = chainFilters(chain);
    if (filters && chain.family != "ip6") ipv4Filtered = true;
    inputChains.push_back(chain.family + " " + chain.table + " " + chain.name + ": " + how);
  }
  std::string observed = inputChains.empty() ? "no filter chain on the input hook" : text::join(inputChains, "; ");
  return {std::move(source), ipv4Filtered ? InputFiltering::Filtered : InputFiltering::Open,
          text::truncate(observed, 400)};
}

FirewallSource parseIptablesSave(std::string_view rules, std::string source) {
  bool inFilter = false;
  bool sawFilter = false;
  std::string policy;
  std::string catchAllTarget;
  std::string catchAllRule;
  for (const auto raw : text::lines(rules)) {
    const auto line = text::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '*') {
      inFilter = line.substr(1) == "filter";
      sawFilter = sawFilter || inFilter;
    } else if (line == "COMMIT") {
      inFilter = false;
    } else if (inFilter && text::startsWith(line, ":INPUT ")) {
      const auto words = text::splitWords(line);
      policy = words.size() > 1 ? words[1] : "";
    } else if (inFilter && catchAllTarget.empty() && text::startsWith(line, "-A INPUT ")) {
      const auto words = text::splitWords(line);
      const auto target = unconditionalTarget({words.begin() + 2, words.end()});
      if (target == "ACCEPT" || target == "DROP" || target == "REJECT") {
        catchAllTarget = target;
        catchAllRule = std::string(line);
      }
    }
  }
  if (!sawFilter) return {std::move(source), InputFiltering::Open, "no filter table (no iptables rules loaded)"};
  if (!catchAllTarget.empty())
    return {std::move(source), catchAllTarget == "ACCEPT" ? InputFiltering::Open : InputFiltering::Filtered,
            "filter INPUT catch-all rule \"" + catchAllRule + "\""};
  return {std::move(source), policy == "DROP" ? InputFiltering::Filtered : InputFiltering::Open,
          ":INPUT " + (policy.empty() ? std::string("(chain not declared)") : policy)};
}

std::optional<std::string> shellAssignment(std::string_view content, std::string_view key) {
  std::optional<std::string> value;
  for (const auto raw : text::lines(content)) {
    const auto line = text::stripComment(raw);
    if (!text::startsWith(line, key) || line.substr(key.size(), 1) != "=") continue;
    auto v = text::trim(line.substr(key.size() + 1));
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
      v = v.substr(1, v.size() - 2);
    value = std::string(v);
  }
  return value;
}

FirewallSource evaluateUfwConfig(std::string_view ufwConf, const std::optional<std::string>& defaultUfw) {
  FirewallSource source{"/etc/ufw/ufw.conf", InputFiltering::Open, ""};
  const auto enabled = shellAssignment(ufwConf, "ENABLED");
  if (!enabled || !text::iequals(*enabled, "yes")) {
    source.observed = enabled ? "ENABLED=" + *enabled : "ENABLED not set (ufw disabled)";
    return source;
  }
  source.source += ", /etc/default/ufw";
  const auto policy = defaultUfw ? shellAssignment(*defaultUfw, "DEFAULT_INPUT_POLICY") : std::nullopt;
  const std::string effective = policy ? text::toLower(*policy) : "drop";
  source.observed = "ENABLED=yes, DEFAULT_INPUT_POLICY=" + (policy ? *policy : std::string("not set (default DROP)"));
  if (effective == "drop" || effective == "reject") source.filtering = InputFiltering::Filtered;
  return source;
}

Outcome evaluateFirewall(const FirewallFacts& facts) {
  const auto toEvidence = [](const FirewallSource& s, std::string_view kind) {
    return Evidence{s.source + " (" + std::string(kind) + ")", s.observed,
                    "inbound traffic dropped or rejected by default"};
  };
  std::vector<Evidence> evidence;
  for (const auto& s : facts.live) evidence.push_back(toEvidence(s, "live"));
  if (facts.live.empty() && facts.liveSystem)
    evidence.push_back({"live ruleset", "not read: " + facts.liveUnavailable, "input policy drop or reject"});
  for (const auto& s : facts.persistent) evidence.push_back(toEvidence(s, "persistent"));
  const auto find = [](const std::vector<FirewallSource>& sources, InputFiltering state) {
    return std::find_if(sources.begin(), sources.end(), [&](const auto& s) { return s.filtering == state; });
  };

  if (!facts.live.empty()) {
    if (auto it = find(facts.live, InputFiltering::Filtered); it != facts.live.end())
      return Outcome::pass("The live ruleset (" + it->source + ") drops inbound traffic by default", evidence);
    return Outcome::fail("The live ruleset accepts inbound traffic by default: no input chain drops or rejects",
                         evidence);
  }
  const std::string basis =
      facts.liveSystem ? "live ruleset not readable: " + facts.liveUnavailable : std::string("offline image");
  if (auto it = find(facts.persistent, InputFiltering::Filtered); it != facts.persistent.end())
    return Outcome::pass(
        "The persistent configuration " + it->source + " drops inbound traffic by default (" + basis + ")", evidence);
  if (auto it = find(facts.persistent, InputFiltering::Unreadable); it != facts.persistent.end())
    return Outcome::error("Cannot read firewall configuration " + it->source + " (" + basis + ")", evidence);
  if (!facts.persistent.empty())
    return Outcome::fail("No firewall configuration drops inbound traffic by default (" + basis + ")", evidence);
  if (facts.liveSystem && !facts.liveToolsMissing)
    return Outcome::error(
        "Cannot tell whether a firewall is active: " + basis + ", and no persistent firewall configuration was found",
        evidence);
  evidence.push_back({"/etc/nftables.conf, /etc/ufw/ufw.conf, /etc/firewalld, /etc/iptables/rules.v4", "none present",
                      "a firewall configuration that drops inbound traffic"});
  return Outcome::fail("No firewall is installed or configured (" + basis + ")", evidence);
}

// ---- network.ip_forwarding -----------------------------------------------------------------------------------------

Outcome evaluateIpForwarding(const SysctlValue& ipv4Forward, const std::optional<SysctlValue>& ipv6Forwarding,
                             bool liveSystem, bool isRouter) {
  const std::string expected = isRouter ? "any (network.router is set: this host routes)" : "0";
  std::vector<Evidence> evidence;
  std::vector<std::string> forwarding;
  std::vector<std::string> unknown;
  const auto consider = [&](const SysctlValue& value, std::string_view key) {
    auto observed = effectiveSysctl(value, key, liveSystem, "0");  // the kernel does not forward by default
    observed.evidence.expected = expected;
    evidence.push_back(observed.evidence);
    if (!observed.value)
      unknown.emplace_back(key);
    else if (*observed.value != "0")
      forwarding.emplace_back(key);
  };
  consider(ipv4Forward, "net.ipv4.ip_forward");
  if (ipv6Forwarding)
    consider(*ipv6Forwarding, "net.ipv6.conf.all.forwarding");
  else
    evidence.push_back({"/proc/sys/net/ipv6", "absent (IPv6 disabled in the kernel)", expected});

  if (isRouter)
    return Outcome::pass("The host is configured as a router (network.router), so IP forwarding is expected" +
                             std::string(forwarding.empty() ? " (it is currently off)" : ""),
                         evidence);
  if (!forwarding.empty())
    return Outcome::fail("IP forwarding is on (" + text::join(forwarding, ", ") + ") on a host that is not a router",
                         evidence);
  if (!unknown.empty()) return Outcome::error("Cannot determine " + text::join(unknown, ", "), evidence);
  return Outcome::pass("IP forwarding is off", evidence);
}

// ---- network.sysctl_hardening --------------------------------------------------------------------------------------

const std::vector<NetworkSysctlRule>& networkSysctlRules() {
  // Kernel defaults from net/ipv4/devinet.c, net/ipv6/addrconf.c and tcp_syncookies (used for offline images).
  static const std::vector<NetworkSysctlRule> rules = {
      {"net.ipv4.conf.all.rp_filter", {"1", "2"}, "0"},
      {"net.ipv4.conf.default.rp_filter", {"1", "2"}, "0"},
      {"net.ipv4.conf.all.accept_redirects", {"0"}, "1"},
      {"net.ipv4.conf.default.accept_redirects", {"0"}, "1"},
      {"net.ipv6.conf.all.accept_redirects", {"0"}, "1", true},
      {"net.ipv6.conf.default.accept_redirects", {"0"}, "1", true},
      {"net.ipv4.conf.all.send_redirects", {"0"}, "1"},
      {"net.ipv4.conf.default.send_redirects", {"0"}, "1"},
      {"net.ipv4.tcp_syncookies", {"1"}, "1"},
      {"net.ipv4.conf.all.accept_source_route", {"0"}, "0"},
      {"net.ipv4.conf.default.accept_source_route", {"0"}, "1"},
      {"net.ipv6.conf.all.accept_source_route", {"0"}, "0", true},
  };
  return rules;
}

Outcome evaluateNetworkSysctls(const std::map<std::string, SysctlValue, std::less<>>& values, bool liveSystem,
                               bool ipv6Present) {
  std::vector<Evidence> deviations;
  std::vector<Evidence> unknown;
  std::vector<std::string> seen;
  std::vector<std::string> deviatingKeys;
  for (const auto& rule : networkSysctlRules()) {
    if (rule.ipv6 && !ipv6Present) continue;
    const auto it = values.find(rule.key);
    const SysctlValue value = it == values.end() ? SysctlValue{} : it->second;
    auto observed = effectiveSysctl(value, rule.key, liveSystem, rule.kernelDefault);
    std::vector<std::string> allowed(rule.allowed.begin(), rule.allowed.end());
    observed.evidence.expected = std::string(rule.key) + " = " + text::join(allowed, " or ");
    if (!observed.value) {
      unknown.push_back(observed.evidence);
    } else if (std::find(rule.allowed.begin(), rule.allowed.end(), *observed.value) == rule.allowed.end()) {
      deviations.push_back(observed.evidence);
      deviatingKeys.emplace_back(rule.key);
    } else {
      seen.push_back(std::string(rule.key) + "=" + *observed.value);
    }
  }
  if (!deviations.empty()) {
    const auto count = std::to_string(deviations.size());
    deviations.insert(deviations.end(), unknown.begin(), unknown.end());
    return Outcome::fail(count + " network stack parameter(s) are not hardened: " + text::join(deviatingKeys, ", "),
                         deviations);
  }
  if (!unknown.empty())
    return Outcome::error("Cannot determine " + std::to_string(unknown.size()) + " network stack parameter(s)",
                          unknown);
  const std::string scope = ipv6Present ? "" : " (IPv6 disabled in the kernel: IPv6 keys skipped)";
  return Outcome::pass("All network stack parameters are hardened" + scope,
                       {{liveSystem ? "/proc/sys/net" : "sysctl configuration", text::join(seen, ", "),
                         "rp_filter 1|2, no ICMP redirects accepted or sent, SYN cookies on, no source routing"}});
}

// ---- network.insecure_services -------------------------------------------------------------------------------------

namespace {

struct InsecureService {
  std::string_view protocol;  // "tcp" or "udp" (matches the v6 table too)
  int port;
  std::string_view name;
};

constexpr InsecureService kLegacyServices[] = {
    {"tcp", 21, "ftp"},     {"tcp", 23, "telnet"}, {"tcp", 79, "finger"}, {"tcp", 512, "rexec"},
    {"tcp", 513, "rlogin"}, {"tcp", 514, "rsh"},   {"udp", 69, "tftp"},
};
constexpr std::string_view kInsecureExpected =
    "no listener on tcp 21 (ftp), 23 (telnet), 79 (finger), 512 (rexec), 513 (rlogin), 514 (rsh), udp 69 (tftp)";
constexpr std::size_t kMaxListedListeners = 60;

bool parseHex(std::string_view hex, std::uint32_t& out) {
  const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), out, 16);
  return ec == std::errc() && end == hex.data() + hex.size();
}

// /proc/net prints each 32-bit word of the (network-order) address as a host-order hex number.
std::optional<std::string> decodeAddress(std::string_view hex, bool ipv6) {
  unsigned char bytes[16];
  const std::size_t words = ipv6 ? 4 : 1;
  if (hex.size() != words * 8) return std::nullopt;
  for (std::size_t i = 0; i < words; ++i) {
    std::uint32_t word = 0;
    if (!parseHex(hex.substr(i * 8, 8), word)) return std::nullopt;
    std::memcpy(bytes + i * 4, &word, 4);
  }
  char buffer[INET6_ADDRSTRLEN];
  if (!::inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes, buffer, sizeof buffer)) return std::nullopt;
  return std::string(buffer);
}

ListenerFacts probeListeners(const SystemView& system) {
  ListenerFacts facts;
  if (!system.isLive() && !system.exists("/proc/net")) {
    facts.offlineWithoutSockets = true;
    return facts;
  }
  for (const char* table : {"tcp", "tcp6", "udp", "udp6"}) {
    const std::string path = "/proc/net/" + std::string(table);
    if (text::endsWith(table, "6") && !system.exists(path)) continue;  // IPv6 disabled
    const auto content = system.readFile(path, 32 * 1024 * 1024);
    if (!content) {
      facts.problems.push_back(content.error());
      continue;
    }
    auto parsed = parseProcNetTable(*content, table);
    if (!parsed) {
      facts.problems.push_back(path + ": " + parsed.error());
      continue;
    }
    facts.tablesRead.push_back(path);
    facts.listeners.insert(facts.listeners.end(), parsed->begin(), parsed->end());
  }
  return facts;
}

constexpr CheckSpec kIpForwarding{
    "network.ip_forwarding",
    "IP forwarding is off unless the host is a router",
    Severity::Medium,
    "A host that forwards packets between its interfaces can bridge network segments and bypass their separation; "
    "keeping forwarding off on non-routers is part of securing the network (A.8.20).",
    "Set net.ipv4.ip_forward = 0 and net.ipv6.conf.all.forwarding = 0 in /etc/sysctl.d/99-hardening.conf and run "
    "`sysctl --system`; if the host routes on purpose, set \"network\": {\"router\": true} in the agent config.",
};

Outcome runIpForwarding(const CheckContext& ctx) {
  std::optional<SysctlValue> ipv6;
  if (!ctx.system.exists("/proc/sys/net") || ctx.system.exists("/proc/sys/net/ipv6"))
    ipv6 = ctx.facts.sysctl("net.ipv6.conf.all.forwarding");
  return evaluateIpForwarding(ctx.facts.sysctl("net.ipv4.ip_forward"), ipv6, ctx.system.isLive(), ctx.config.isRouter);
}

ANNEXA_REGISTER_CHECK(kIpForwarding, runIpForwarding);

constexpr CheckSpec kSysctlHardening{
    "network.sysctl_hardening",
    "Network stack hardening parameters are set",
    Severity::Medium,
    "Reverse-path filtering, ignoring ICMP redirects and source-routed packets, not sending redirects and SYN "
    "cookies protect the host against spoofing, traffic redirection and SYN floods, hardening its network "
    "services (A.8.20).",
    "In /etc/sysctl.d/99-hardening.conf set net.ipv4.conf.{all,default}.rp_filter = 1, "
    "net.ipv4.conf.{all,default}.accept_redirects = 0, net.ipv6.conf.{all,default}.accept_redirects = 0, "
    "net.ipv4.conf.{all,default}.send_redirects = 0, net.ipv4.tcp_syncookies = 1, "
    "net.ipv4.conf.{all,default}.accept_source_route = 0, net.ipv6.conf.all.accept_source_route = 0; then run "
    "`sysctl --system`.",
};

Outcome runSysctlHardening(const CheckContext& ctx) {
  std::map<std::string, SysctlValue, std::less<>> values;
  for (const auto& rule : networkSysctlRules()) values.emplace(rule.key, ctx.facts.sysctl(rule.key));
  const bool ipv6Present = !ctx.system.exists("/proc/sys/net") || ctx.system.exists("/proc/sys/net/ipv6");
  return evaluateNetworkSysctls(values, ctx.system.isLive(), ipv6Present);
}

ANNEXA_REGISTER_CHECK(kSysctlHardening, runSysctlHardening);

constexpr CheckSpec kInsecureServices{
    "network.insecure_services",
    "No legacy cleartext network service is listening",
    Severity::High,
    "Telnet, FTP, the r-services, TFTP and finger send credentials or data unencrypted or without authentication; "
    "that none listens shows that network services are secured (A.8.20, A.8.21).",
    "Stop, disable and remove the listening service (e.g. `systemctl disable --now inetd xinetd vsftpd`, "
    "`apt purge telnetd tftpd-hpa`); use SSH/SFTP instead.",
};

Outcome runInsecureServices(const CheckContext& ctx) { return evaluateInsecureServices(probeListeners(ctx.system)); }

ANNEXA_REGISTER_CHECK(kInsecureServices, runInsecureServices);

}  // namespace

Result<std::vector<SocketListener>> parseProcNetTable(std::string_view content, std::string_view protocol) {
  const bool ipv6 = text::endsWith(protocol, "6");
  const std::string_view listeningState = text::startsWith(protocol, "tcp") ? "0A" : "07";  // LISTEN / unconnected
  std::vector<SocketListener> out;
  for (const auto line : text::lines(content)) {
    const auto fields = text::splitWords(line);
    if (fields.empty() || fields[0] == "sl") continue;
    if (fields.size() < 4) return makeError("malformed line \"" + text::truncate(line, 80) + "\"");
    if (fields[3] != listeningState) continue;
    const auto colon = fields[1].find(':');
    std::uint32_t port = 0;
    const auto address = colon == std::string::npos ? std::nullopt : decodeAddress(fields[1].substr(0, colon), ipv6);
    if (!address || !parseHex(std::string_view(fields[1]).substr(colon + 1), port))
      return makeError("malformed local address \"" + fields[1] + "\"");
    out.push_back({std::string(protocol), *address, static_cast<int>(port)});
  }
  return out;
}

std::string formatListener(const SocketListener& listener) {
  const bool ipv6 = text::endsWith(listener.protocol, "6");
  return listener.protocol + " " + (ipv6 ? "[" + listener.address + "]" : listener.address) + ":" +
         std::to_string(listener.port);
}

Outcome evaluateInsecureServices(const ListenerFacts& facts) {
  if (facts.offlineWithoutSockets)
    return Outcome::notApplicable("Offline image without /proc/net: no running services to inspect",
                                  {{"/proc/net", "absent (offline image)", std::string(kInsecureExpected)}});
  auto listeners = facts.listeners;
  std::sort(listeners.begin(), listeners.end(), [](const SocketListener& a, const SocketListener& b) {
    return std::tie(a.protocol, a.port, a.address) < std::tie(b.protocol, b.port, b.address);
  });
  listeners.erase(std::unique(listeners.begin(), listeners.end()), listeners.end());

  std::vector<std::string> all;
  std::vector<std::string> insecure;
  std::vector<Evidence> evidence(1);
  for (const auto& l : listeners) {
    if (all.size() < kMaxListedListeners) all.push_back(formatListener(l));
    for (const auto& service : kLegacyServices) {
      if (l.port != service.port || !text::startsWith(l.protocol, service.protocol)) continue;
      insecure.push_back(std::string(service.name) + " on " + formatListener(l));
      evidence.push_back(
          {"/proc/net/" + l.protocol, formatListener(l) + " (" + std::string(service.name) + ")", "not listening"});
    }
  }
  if (listeners.size() > all.size()) all.push_back("… and " + std::to_string(listeners.size() - all.size()) + " more");
  evidence[0] = {text::join(facts.tablesRead, ", "),
                 "listening: " + (all.empty() ? std::string("none") : text::join(all, ", ")),
                 std::string(kInsecureExpected)};
  for (const auto& problem : facts.problems) evidence.push_back({"/proc/net", "cannot read: " + problem, "readable"});

  if (!insecure.empty())
    return Outcome::fail("Legacy cleartext services are listening: " + text::join(insecure, ", "), evidence);
  if (!facts.problems.empty())
    return Outcome::error("Cannot read the socket tables: " + text::join(facts.problems, "; "), evidence);
  const std::string checked = std::to_string(listeners.size()) + (listeners.size() == 1 ? " socket" : " sockets");
  return Outcome::pass("No telnet, ftp, rsh/rlogin/rexec, tftp or finger listener (" + checked + " checked)", evidence);
}

}  // namespace annexa::agent::checks
