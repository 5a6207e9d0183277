#include "agent/checks/logging.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "agent/facts/host_facts.hpp"
#include "agent/facts/schedule.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {

// ---- logging.auditd_active ---------------------------------------------------------------------------------------

Outcome evaluateAuditdActive(const AuditdFacts& facts) {
  const std::string expected = facts.live ? "auditd installed and running" : "auditd installed and enabled";
  Evidence installed{facts.installedBy.empty() ? "/usr/sbin/auditd, package database" : facts.installedBy,
                     facts.installedBy.empty() ? "not installed" : "installed", expected};
  if (facts.installedBy.empty() && facts.daemon.state == DaemonState::Absent)
    return Outcome::fail("auditd is not installed: there is no kernel audit trail", {installed});
  if (facts.daemon.state != DaemonState::Absent) {
    Evidence state = facts.daemon.evidence;
    state.expected = expected;
    if (isInService(facts.daemon, facts.live))
      return Outcome::pass(facts.live ? "auditd is running" : "auditd is enabled (offline root: configuration only)",
                           {installed, state});
    return Outcome::fail("auditd is installed and enabled but not running", {installed, state});
  }
  if (!facts.processError.empty()) return Outcome::error("Cannot list processes: " + facts.processError, {installed});
  Evidence state{"auditd.service", facts.live ? "not running, not enabled" : "not enabled", expected};
  return Outcome::fail(facts.live ? "auditd is installed but not running" : "auditd is installed but not enabled",
                       {installed, state});
}

namespace {

Outcome runAuditdActive(const CheckContext& ctx) {
  AuditdFacts facts;
  facts.live = ctx.system.isLive();
  facts.processError = processListingError(ctx);
  facts.installedBy = firstExisting(ctx.system, {"/sbin/auditd", "/usr/sbin/auditd"});
  if (facts.installedBy.empty())
    if (const auto& packages = ctx.facts.packages();
        packages && (packages->installed("auditd") || packages->installed("audit")))
      facts.installedBy = "package " + std::string(packages->installed("auditd") ? "auditd" : "audit");
  facts.daemon = observeDaemon(ctx, {"auditd", {"auditd"}, {"auditd.service"}});
  return evaluateAuditdActive(facts);
}

constexpr CheckSpec kAuditdActive{
    "logging.auditd_active",
    "The Linux audit daemon runs",
    Severity::Medium,
    "Logging (A.8.15) of security-relevant events — changes to accounts, privileges, system time and logins — on "
    "Linux relies on the kernel audit subsystem, whose records are only kept when auditd runs and writes them to "
    "disk.",
    "Install and enable the audit daemon: apt install auditd (dnf install audit), then systemctl enable --now auditd.",
};

ANNEXA_REGISTER_CHECK(kAuditdActive, runAuditdActive);

}  // namespace

// ---- logging.audit_rules -----------------------------------------------------------------------------------------

std::vector<AuditRule> parseAuditRules(std::string_view content, std::string_view source) {
  std::vector<AuditRule> rules;
  for (const auto raw : text::lines(content)) {
    const auto line = text::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const auto words = text::splitWords(line);
    AuditRule rule;
    rule.source = std::string(source);
    rule.line = std::string(line);
    bool removal = false;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      const auto& option = words[i];
      const auto& value = words[i + 1];
      if (option == "-W" || option == "-d") removal = true;
      else if (option == "-w") rule.paths.push_back(value);
      else if (option == "-p") rule.permissions = value;
      else if (option == "-a" || option == "-A") rule.never = text::contains(value, "never");
      else if (option == "-S")
        for (auto& call : text::split(value, ',')) rule.syscalls.push_back(std::move(call));
      else if (option == "-F" && (text::startsWith(value, "path=") || text::startsWith(value, "dir=")))
        rule.paths.push_back(value.substr(value.find('=') + 1));
      else if (option == "-F" && text::startsWith(value, "perm=")) rule.permissions = value.substr(5);
    }
    if (!removal && (!rule.paths.empty() || !rule.syscalls.empty())) rules.push_back(std::move(rule));
  }
  return rules;
}

namespace {

// A watch on a directory covers everything below it; it must record writes or attribute changes.
bool watchesWrites(const AuditRule& rule, std::string_view target) {
  if (rule.never) return false;
  if (!rule.permissions.empty() && !text::contains(rule.permissions, "w") && !text::contains(rule.permissions, "a"))
    return false;
  return std::any_of(rule.paths.begin(), rule.paths.end(), [&](const std::string& path) {
    std::string_view p = path;
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    return target == p || (text::startsWith(target, p) && target.size() > p.size() && target[p.size()] == '/');
  });
}

const AuditRule* ruleWatching(const AuditRulesFacts& facts, std::string_view target) {
  for (const auto& rule : facts.rules)
    if (watchesWrites(rule, target)) return &rule;
  return nullptr;
}

const AuditRule* ruleAuditingTimeChanges(const AuditRulesFacts& facts) {
  for (const auto& rule : facts.rules) {
    if (rule.never) continue;
    for (const auto& call : rule.syscalls)
      if (call == "adjtimex" || call == "settimeofday" || call == "clock_settime" || call == "all") return &rule;
  }
  return ruleWatching(facts, "/etc/localtime");
}

struct AuditCategory {
  std::string_view name;
  std::vector<std::string_view> targets;
  bool needsAll;  // every target watched (else any one)
};

const std::vector<AuditCategory>& auditCategories() {
  static const std::vector<AuditCategory> categories = {
      {"identity", {"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow"}, true},
      {"sudoers", {"/etc/sudoers", "/etc/sudoers.d"}, true},
      {"logins",
       {"/var/log/lastlog", "/var/log/faillog", "/var/run/faillock", "/run/faillock", "/var/log/wtmp", "/var/log/btmp"},
       false},
  };
  return categories;
}

}  // namespace

Outcome evaluateAuditRules(const AuditRulesFacts& facts) {
  const std::string sources =
      facts.sources.empty() ? "/etc/audit/audit.rules, /etc/audit/rules.d/*.rules" : text::join(facts.sources, ", ");
  if (!facts.error.empty()) return Outcome::error("Cannot read the audit rules: " + facts.error);
  if (facts.rules.empty())
    return Outcome::fail("No audit rules are configured", {{sources, "no watch or syscall rules",
                                                            "rules for identity, sudoers, time and login events"}});
  std::vector<Evidence> evidence;
  std::vector<std::string> missing;
  for (const auto& category : auditCategories()) {
    std::vector<std::string> unwatched;
    const AuditRule* found = nullptr;
    for (const auto target : category.targets) {
      if (const auto* rule = ruleWatching(facts, target)) found = found ? found : rule;
      else unwatched.emplace_back(target);
    }
    const bool covered = category.needsAll ? unwatched.empty() : found != nullptr;
    std::vector<std::string> all(category.targets.begin(), category.targets.end());
    const std::string expected = std::string(category.name) + ": watch (-p wa) on " +
                                 (category.needsAll ? text::join(all, ", ") : "one of " + text::join(all, ", "));
    if (covered) {
      evidence.push_back({found->source, found->line, expected});
    } else {
      const auto gap = category.needsAll ? text::join(unwatched, ", ") : "none watched";
      evidence.push_back({sources, std::string(category.name) + ": not watched (" + gap + ")", expected});
      missing.push_back(std::string(category.name) + " (" + gap + ")");
    }
  }
  const std::string timeExpected = "time: adjtimex/settimeofday/clock_settime syscalls or a watch on /etc/localtime";
  if (const auto* rule = ruleAuditingTimeChanges(facts)) {
    evidence.push_back({rule->source, rule->line, timeExpected});
  } else {
    evidence.push_back({sources, "time: not audited", timeExpected});
    missing.emplace_back("time changes");
  }
  if (!missing.empty()) return Outcome::fail("Audit rules miss: " + text::join(missing, "; "), evidence);
  return Outcome::pass("Audit rules record identity, sudoers, time and login changes", evidence);
}

namespace {

void readAuditRuleFile(const SystemView& system, AuditRulesFacts& facts, const std::string& path) {
  auto content = system.readFile(path, 1024 * 1024);
  if (!content) {
    facts.error = content.error();
    return;
  }
  facts.sources.push_back(path);
  auto rules = parseAuditRules(*content, path);
  facts.rules.insert(facts.rules.end(), rules.begin(), rules.end());
}

AuditRulesFacts probeAuditRules(const CheckContext& ctx) {
  AuditRulesFacts facts;
  const auto& system = ctx.system;
  // /etc/audit is 0750: an unprivileged run must say it cannot look, not that there are no rules.
  if (system.exists("/etc/audit"))
    if (auto listing = system.listDirectory("/etc/audit"); !listing) {
      facts.error = listing.error();
      return facts;
    }
  if (system.isRegularFile("/etc/audit/audit.rules")) readAuditRuleFile(system, facts, "/etc/audit/audit.rules");
  if (system.exists("/etc/audit/rules.d")) {
    if (auto listing = system.listDirectory("/etc/audit/rules.d"); !listing) facts.error = listing.error();
    for (const auto& path : system.glob("/etc/audit/rules.d/*.rules")) readAuditRuleFile(system, facts, path);
  }
  if (!facts.sources.empty() || !facts.error.empty() || !system.isLive() || ::geteuid() != 0) return facts;
  // No rule files: ask the kernel what is loaded (needs root and the audit tools).
  auto loaded = system.runCommand({"auditctl", "-l"});
  if (!loaded) return facts;  // auditctl not installed: no audit framework, no rules
  if (loaded->exitCode != 0) {
    facts.error = "auditctl -l exited " + std::to_string(loaded->exitCode);
    return facts;
  }
  facts.sources.emplace_back("auditctl -l");
  facts.rules = parseAuditRules(loaded->output, "auditctl -l");
  return facts;
}

Outcome runAuditRules(const CheckContext& ctx) { return evaluateAuditRules(probeAuditRules(ctx)); }

constexpr CheckSpec kAuditRules{
    "logging.audit_rules",
    "Audit rules record identity, privilege, time and login changes",
    Severity::Medium,
    "Event logs (A.8.15) must capture user activities and security events, and monitoring (A.8.16) needs them to "
    "detect anomalies: audit rules on the account and group databases, sudoers, the system clock and the login "
    "records make changes to identities, privileges, time and logins attributable.",
    "Add rules to /etc/audit/rules.d/50-annexa.rules, e.g. `-w /etc/passwd -p wa -k identity` (also /etc/shadow, "
    "/etc/group, /etc/gshadow), `-w /etc/sudoers -p wa -k scope`, `-w /etc/sudoers.d -p wa -k scope`, "
    "`-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -k time-change`, "
    "`-w /var/log/lastlog -p wa -k logins`, `-w /var/run/faillock -p wa -k logins`; then run augenrules --load.",
};

ANNEXA_REGISTER_CHECK(kAuditRules, runAuditRules);

}  // namespace

// ---- logging.journald_persistent ---------------------------------------------------------------------------------

namespace {

// Live: journald must run and its files must be in /var/log/journal; the configuration only explains why.
Outcome evaluateLiveJournal(const JournaldFacts& facts) {
  const std::string expected = "systemd-journald running and writing journal files to /var/log/journal";
  const auto it = facts.settings.find("Storage");
  std::vector<Evidence> evidence;
  Evidence state = facts.daemon.evidence;
  if (facts.daemon.state == DaemonState::Absent) state = {"/proc, /run/systemd/units", "systemd-journald not running", ""};
  state.expected = expected;
  evidence.push_back(state);
  evidence.push_back({"/var/log/journal",
                      facts.journalError.empty()
                          ? std::to_string(facts.persistentFiles) + " journal file(s) on disk, " +
                                std::to_string(facts.volatileFiles) + " in /run/log/journal (volatile)"
                          : "cannot list: " + facts.journalError,
                      expected});
  evidence.push_back({it == facts.settings.end() ? "/etc/systemd/journald.conf" : it->second.source,
                      it == facts.settings.end() ? "Storage not set (default auto)" : "Storage=" + it->second.value,
                      "Storage=persistent, or auto with /var/log/journal"});
  if (facts.daemon.state != DaemonState::Running) {
    if (!facts.processError.empty())
      return Outcome::error("Cannot tell whether systemd-journald runs: " + facts.processError, evidence);
    return Outcome::fail("systemd-journald is not running: no journal is being written, whatever the configuration",
                         evidence);
  }
  if (!facts.journalError.empty())
    return Outcome::error("Cannot list /var/log/journal: " + facts.journalError, evidence);
  if (facts.persistentFiles == 0)
    return Outcome::fail("systemd-journald runs but writes nothing to /var/log/journal: the journal is volatile "
                         "and lost at reboot",
                         evidence);
  return Outcome::pass("systemd-journald runs and keeps the journal on disk (" +
                           std::to_string(facts.persistentFiles) + " files in /var/log/journal)",
                       evidence);
}

// *.journal files one level below a journal directory (the machine-id directories); nullopt-like error text when the
// directory exists but cannot be listed.
std::size_t countJournalFiles(const SystemView& system, const std::string& directory, std::string& error) {
  auto where = system.probe(directory);
  if (!where) {
    error = where.error();
    return 0;
  }
  if (!*where) return 0;
  auto machines = system.listDirectory(directory);
  if (!machines) {
    error = machines.error();
    return 0;
  }
  std::size_t count = 0;
  for (const auto& machine : *machines) {
    const auto path = joinPath(directory, machine);
    if (!system.isDirectory(path)) continue;
    auto files = system.listDirectory(path);
    if (!files) {
      error = files.error();
      return count;
    }
    for (const auto& file : *files)
      if (text::endsWith(file, ".journal") || text::endsWith(file, ".journal~")) ++count;
  }
  return count;
}

JournaldFacts probeJournald(const SystemView& system) {
  JournaldFacts facts;
  facts.installed =
      !firstExisting(system, {"/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"}).empty();
  facts.persistentDirectory = system.isDirectory("/var/log/journal");
  if (!facts.installed) return facts;
  // systemd.conf.d(5): the main file, then drop-ins ordered by file name (a name in /etc hides the same in /usr/lib).
  std::vector<std::string> files;
  if (const auto main = firstExisting(system, {"/etc/systemd/journald.conf", "/usr/lib/systemd/journald.conf"});
      !main.empty())
    files.push_back(main);
  std::map<std::string, std::string> dropIns;
  for (const char* dir : {"/usr/lib/systemd/journald.conf.d", "/usr/local/lib/systemd/journald.conf.d",
                          "/run/systemd/journald.conf.d", "/etc/systemd/journald.conf.d"})
    for (const auto& path : system.glob(std::string(dir) + "/*.conf")) dropIns[std::string(baseName(path))] = path;
  for (const auto& [name, path] : dropIns) files.push_back(path);
  for (const auto& path : files) {
    auto content = system.readFile(path, 256 * 1024);
    if (!content) {
      facts.unreadable.push_back(content.error());
      continue;
    }
    for (auto& entry : parseSystemdIni(*content))
      if (entry.section == "Journal") facts.settings[entry.key] = {std::move(entry.value), path};
  }
  return facts;
}

}  // namespace

Outcome evaluateJournaldPersistent(const JournaldFacts& facts) {
  if (!facts.installed && (!facts.live || facts.daemon.state == DaemonState::Absent))
    return Outcome::notApplicable("systemd-journald is not installed on this host");
  if (!facts.unreadable.empty())
    return Outcome::error("Cannot read the journald configuration: " + text::join(facts.unreadable, "; "));
  if (facts.live) return evaluateLiveJournal(facts);
  const std::string expected = "Storage=persistent, or Storage=auto with /var/log/journal present";
  const auto it = facts.settings.find("Storage");
  const std::string storage = it == facts.settings.end() ? "auto" : text::toLower(it->second.value);
  const std::string directory = facts.persistentDirectory ? "/var/log/journal exists" : "/var/log/journal missing";
  Evidence evidence{it == facts.settings.end() ? "/etc/systemd/journald.conf" : it->second.source,
                    (it == facts.settings.end() ? "Storage not set (default auto)" : "Storage=" + it->second.value) +
                        "; " + directory,
                    expected};
  const Evidence basis{"offline root", "configuration only: a journald that is not running cannot be observed",
                       "the running journald writing to /var/log/journal (live hosts)"};
  if (storage == "persistent" || (storage == "auto" && facts.persistentDirectory))
    return Outcome::pass("The journal is configured to be kept on disk across reboots (offline root: configuration "
                         "only)",
                         {evidence, basis});
  if (storage == "auto")
    return Outcome::fail("The journal is volatile: Storage=auto but /var/log/journal does not exist", {evidence});
  return Outcome::fail("The journal is not kept on disk (Storage=" + storage + ")", {evidence});
}

namespace {

Outcome runJournaldPersistent(const CheckContext& ctx) {
  auto facts = probeJournald(ctx.system);
  if (ctx.system.isLive()) {
    facts.live = true;
    facts.processError = processListingError(ctx);
    facts.daemon = observeDaemon(ctx, {"systemd-journald", {"systemd-journal", "systemd-journald"},
                                       {"systemd-journald.service"}});
    facts.persistentFiles = countJournalFiles(ctx.system, "/var/log/journal", facts.journalError);
    std::string ignored;
    facts.volatileFiles = countJournalFiles(ctx.system, "/run/log/journal", ignored);
  }
  return evaluateJournaldPersistent(facts);
}

constexpr CheckSpec kJournaldPersistent{
    "logging.journald_persistent",
    "The systemd journal is stored persistently",
    Severity::Medium,
    "Event logs must be produced and kept (A.8.15): a volatile journal lives in /run and is lost at every reboot or "
    "crash, together with the events that would explain it.",
    "Set Storage=persistent in /etc/systemd/journald.conf.d/50-persistent.conf (or create /var/log/journal with "
    "Storage=auto) and run systemctl restart systemd-journald.",
};

ANNEXA_REGISTER_CHECK(kJournaldPersistent, runJournaldPersistent);

}  // namespace

// ---- logging.remote_forwarding -----------------------------------------------------------------------------------

namespace {

bool isLoopback(std::string_view host) {
  host = text::trim(host);
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.find(']') - 1);
  return host.empty() || text::iequals(host, "localhost") || host == "::1" || text::startsWith(host, "127.");
}

// The host of a legacy rsyslog action: "@@(o,z9)logs.example.com:514;RSYSLOG_ForwardFormat" → logs.example.com.
std::string legacyTarget(std::string_view action) {
  action.remove_prefix(std::min(action.find_first_not_of('@'), action.size()));
  if (!action.empty() && action.front() == '(') action.remove_prefix(std::min(action.find(')') + 1, action.size()));
  if (!action.empty() && action.front() == '[') return std::string(action.substr(0, action.find(']') + 1));
  return std::string(action.substr(0, action.find_first_of(":;")));
}

std::string withoutComments(std::string_view config) {
  std::string out;
  for (const auto line : text::lines(config)) {
    out += text::stripComment(line);
    out += '\n';
  }
  return out;
}

std::string collapseBlanks(std::string_view s) { return text::join(text::splitWords(s), " "); }

bool isDriverCall(std::string_view block, std::size_t pos, std::string_view driver) {
  if (pos > 0 && (std::isalnum(static_cast<unsigned char>(block[pos - 1])) || block[pos - 1] == '_')) return false;
  auto rest = block.substr(pos + driver.size());
  rest = text::trim(rest);
  return !rest.empty() && rest.front() == '(';
}

// The first argument of a syslog-ng driver call: network("logs.example.com" …) or network(logs …).
std::string firstArgument(std::string_view call) {
  call = text::trim(call.substr(call.find('(') + 1));
  if (!call.empty() && (call.front() == '"' || call.front() == '\'')) {
    const char quote = call.front();
    return std::string(call.substr(1, call.find(quote, 1) - 1));
  }
  return std::string(call.substr(0, call.find_first_of(" \t\n)")));
}

}  // namespace

std::vector<std::string> findRsyslogForwarding(std::string_view config) {
  std::vector<std::string> found;
  const auto clean = withoutComments(config);
  for (const auto line : text::lines(clean)) {
    const auto words = text::splitWords(line);
    if (words.size() < 2 || line.front() == '$') continue;
    const auto& action = words.back();
    if (action.front() == '@' && !isLoopback(legacyTarget(action))) found.emplace_back(text::trim(line));
  }
  static const std::regex kForwardAction(R"re(type\s*=\s*["'](omfwd|omrelp)["'])re", std::regex::icase);
  static const std::regex kTarget(R"re(target\s*=\s*["']([^"']*)["'])re", std::regex::icase);
  for (auto it = std::sregex_iterator(clean.begin(), clean.end(), kForwardAction); it != std::sregex_iterator(); ++it) {
    const auto at = static_cast<std::size_t>(it->position());
    const auto start = clean.rfind("action", at);
    const auto end = clean.find(')', at);
    const auto block =
        clean.substr(start == std::string::npos ? at : start,
                     (end == std::string::npos ? clean.size() : end + 1) - (start == std::string::npos ? at : start));
    std::smatch target;
    if (std::regex_search(block, target, kTarget) && !isLoopback(target[1].str()))
      found.push_back(text::truncate(collapseBlanks(block), 200));
  }
  return found;
}

std::vector<std::string> findSyslogNgForwarding(std::string_view config) {
  std::vector<std::string> found;
  const auto clean = withoutComments(config);
  for (auto pos = clean.find("destination"); pos != std::string::npos; pos = clean.find("destination", pos + 1)) {
    const auto open = clean.find('{', pos);
    const auto semicolon = clean.find(';', pos);
    if (open == std::string::npos || (semicolon != std::string::npos && semicolon < open)) continue;  // a reference
    int depth = 0;
    std::size_t close = open;
    for (; close < clean.size(); ++close) {
      if (clean[close] == '{') ++depth;
      else if (clean[close] == '}' && --depth == 0) break;
    }
    const std::string_view block(clean.data() + open, std::min(close, clean.size()) - open);
    for (const std::string_view driver : {"network", "tcp6", "udp6", "tcp", "udp", "syslog"}) {
      const auto call = block.find(driver);
      if (call == std::string_view::npos || !isDriverCall(block, call, driver)) continue;
      if (!isLoopback(firstArgument(block.substr(call))))
        found.push_back(text::truncate(collapseBlanks(clean.substr(pos, close + 1 - pos)), 200));
      break;
    }
    pos = close;
  }
  return found;
}

Outcome evaluateRemoteForwarding(const ForwardingFacts& facts) {
  std::vector<Evidence> evidence;
  std::vector<std::string> working;
  const std::string expected = "a running log forwarder with an off-host destination";
  for (const auto& path : facts.paths) {
    const bool inService = isInService(path.daemon, facts.live);
    const bool configured = !path.needsDirectives || !path.directives.empty();
    const std::string state = path.daemon.state == DaemonState::Absent ? (facts.live ? "not running" : "not enabled")
                                                                       : path.daemon.evidence.observed;
    const std::string what = path.directives.empty()
                                 ? (path.needsDirectives ? "no off-host destination configured" : "log shipper")
                                 : text::join(path.directives, " | ");
    evidence.push_back({path.source.empty() ? path.daemon.evidence.source : path.source,
                        path.via + ": " + what + "; " + state, expected});
    if (inService && configured) working.push_back(path.via);
  }
  if (!working.empty())
    return Outcome::pass("Logs are forwarded off the host by " + text::join(working, ", "), evidence);
  if (!facts.processError.empty()) return Outcome::error("Cannot list processes: " + facts.processError, evidence);
  if (!facts.unreadable.empty())
    return Outcome::error("Cannot read the log forwarding configuration: " + text::join(facts.unreadable, "; "),
                          evidence);
  if (facts.paths.empty())
    evidence.push_back({"rsyslog, syslog-ng, systemd-journal-upload, log shippers", "none installed", expected});
  return Outcome::fail("Logs are not forwarded off the host", evidence);
}

namespace {

constexpr DaemonSpec kLogShippers[] = {
    {"fluent-bit", {"fluent-bit", "td-agent-bit"}, {"fluent-bit.service", "td-agent-bit.service"}},
    {"fluentd", {"fluentd", "td-agent"}, {"fluentd.service", "td-agent.service"}},
    {"vector", {"vector"}, {"vector.service"}},
    {"filebeat", {"filebeat"}, {"filebeat.service"}},
    {"elastic-agent", {"elastic-agent"}, {"elastic-agent.service"}},
    {"wazuh-agent", {"wazuh-agentd", "ossec-agentd"}, {"wazuh-agent.service"}},
    {"splunkforwarder", {"splunkd"}, {"SplunkForwarder.service", "splunkforwarder.service", "splunkd.service"}},
    {"otelcol", {"otelcol", "otelcol-contrib"}, {"otelcol.service", "otelcol-contrib.service"}},
};

// Reads a main file plus drop-in files and collects what `find` reports in each.
void collectDirectives(const SystemView& system, ForwardingFacts& facts, ForwardingPath& path,
                       const std::vector<std::string>& files, std::vector<std::string> (*find)(std::string_view)) {
  for (const auto& file : files) {
    auto content = system.readFile(file, 1024 * 1024);
    if (!content) {
      facts.unreadable.push_back(content.error());
      continue;
    }
    for (auto& directive : find(*content)) path.directives.push_back(file + ": " + directive);
  }
}

std::vector<std::string> withDropIns(const SystemView& system, const char* main, const char* pattern) {
  std::vector<std::string> files;
  if (system.exists(main)) files.emplace_back(main);
  const auto dropIns = system.glob(pattern);
  files.insert(files.end(), dropIns.begin(), dropIns.end());
  return files;
}

std::vector<std::string> journalUploadUrl(std::string_view config) {
  std::vector<std::string> urls;
  for (const auto& entry : parseSystemdIni(config))
    if (entry.section == "Upload" && entry.key == "URL" && !entry.value.empty()) urls.push_back("URL=" + entry.value);
  return urls;
}

void addSyslogDaemon(const CheckContext& ctx, ForwardingFacts& facts, const DaemonSpec& spec, const char* binary,
                     const std::vector<std::string>& files, std::vector<std::string> (*find)(std::string_view)) {
  ForwardingPath path{std::string(spec.name), observeDaemon(ctx, spec), {}, text::join(files, ", "), true};
  if (!ctx.system.exists(binary) && path.daemon.state == DaemonState::Absent) return;
  collectDirectives(ctx.system, facts, path, files, find);
  facts.paths.push_back(std::move(path));
}

Outcome runRemoteForwarding(const CheckContext& ctx) {
  ForwardingFacts facts;
  facts.live = ctx.system.isLive();
  facts.processError = processListingError(ctx);
  const auto& system = ctx.system;
  addSyslogDaemon(ctx, facts, {"rsyslog", {"rsyslogd"}, {"rsyslog.service"}}, "/usr/sbin/rsyslogd",
                  withDropIns(system, "/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf"), findRsyslogForwarding);
  addSyslogDaemon(ctx, facts, {"syslog-ng", {"syslog-ng"}, {"syslog-ng.service"}}, "/usr/sbin/syslog-ng",
                  withDropIns(system, "/etc/syslog-ng/syslog-ng.conf", "/etc/syslog-ng/conf.d/*.conf"),
                  findSyslogNgForwarding);
  const auto uploader =
      firstExisting(system, {"/lib/systemd/systemd-journal-upload", "/usr/lib/systemd/systemd-journal-upload"});
  addSyslogDaemon(ctx, facts,
                  {"systemd-journal-upload", {"systemd-journal-upload"}, {"systemd-journal-upload.service"}},
                  uploader.empty() ? "/usr/lib/systemd/systemd-journal-upload" : uploader.c_str(),
                  withDropIns(system, "/etc/systemd/journal-upload.conf", "/etc/systemd/journal-upload.conf.d/*.conf"),
                  journalUploadUrl);
  for (const auto& shipper : kLogShippers)
    if (auto sighting = observeDaemon(ctx, shipper); sighting.state != DaemonState::Absent)
      facts.paths.push_back({std::string(shipper.name), std::move(sighting), {}, "", false});
  return evaluateRemoteForwarding(facts);
}

constexpr CheckSpec kRemoteForwarding{
    "logging.remote_forwarding",
    "Logs are forwarded off the host",
    Severity::Medium,
    "Logs must be protected against tampering and loss (A.8.15) and be available to central monitoring (A.8.16): "
    "a copy sent to a log server or SIEM survives an intruder who clears local logs and lets events be correlated "
    "across hosts.",
    "Forward logs to the central collector: e.g. /etc/rsyslog.d/90-forward.conf with "
    "`*.* action(type=\"omfwd\" target=\"logs.example.com\" port=\"6514\" protocol=\"tcp\")`, "
    "systemd-journal-upload with URL= in /etc/systemd/journal-upload.conf, or the organisation's log shipper.",
};

ANNEXA_REGISTER_CHECK(kRemoteForwarding, runRemoteForwarding);

}  // namespace

// ---- logging.rotation --------------------------------------------------------------------------------------------

Outcome evaluateRotation(const RotationFacts& facts) {
  std::vector<Evidence> evidence;
  const std::string logrotateExpected = "logrotate configured and run by logrotate.timer or /etc/cron.daily/logrotate";
  if (!facts.logrotate.empty()) {
    evidence.push_back({"/etc/logrotate.conf", facts.logrotateConfig ? "present" : "missing", logrotateExpected});
    evidence.push_back({"schedule", facts.scheduledBy.value_or("logrotate is not scheduled"), logrotateExpected});
    for (const auto& inactive : facts.inactiveSchedules) evidence.push_back({"schedule", inactive, logrotateExpected});
    if (facts.logrotateConfig && facts.scheduledBy)
      return Outcome::pass("logrotate rotates logs on a schedule", evidence);
  } else {
    evidence.push_back({"/usr/sbin/logrotate", "not installed", logrotateExpected});
  }

  // Without syslog files, the journal is the only log store and its own size/retention limits are the rotation.
  const auto& journal = facts.journald;
  if (facts.syslogDaemon.empty() && journal.installed) {
    const std::string expected = "SystemMaxUse=, SystemKeepFree= or MaxRetentionSec= set";
    std::vector<std::string> limits;
    for (const char* key : {"SystemMaxUse", "SystemKeepFree", "MaxRetentionSec"})
      if (const auto it = journal.settings.find(key); it != journal.settings.end() && !it->second.value.empty())
        limits.push_back(it->second.source + ": " + key + "=" + it->second.value);
    evidence.push_back(
        {"journald.conf", limits.empty() ? "no size or retention limit set" : text::join(limits, "; "), expected});
    if (!limits.empty()) return Outcome::pass("The journal, the only log store, has size/retention limits", evidence);
    if (!journal.unreadable.empty())
      return Outcome::error("Cannot read the journald configuration: " + text::join(journal.unreadable, "; "),
                            evidence);
  } else if (!facts.syslogDaemon.empty()) {
    evidence.push_back({facts.syslogDaemon, "writes log files under /var/log", logrotateExpected});
  }
  if (!facts.logrotate.empty() && facts.logrotateConfig && !facts.scheduleUnreadable.empty())
    return Outcome::error(
        "logrotate is configured but its schedule cannot be read: " + text::join(facts.scheduleUnreadable, "; "),
        evidence);
  if (facts.logrotate.empty())
    return Outcome::fail("logrotate is not installed and nothing limits log growth", evidence);
  if (!facts.logrotateConfig)
    return Outcome::fail("logrotate is installed but /etc/logrotate.conf is missing", evidence);
  return Outcome::fail("logrotate is configured but nothing runs it", evidence);
}

namespace {

Outcome runRotation(const CheckContext& ctx) {
  RotationFacts facts;
  const auto& system = ctx.system;
  facts.logrotate = firstExisting(system, {"/usr/sbin/logrotate", "/sbin/logrotate"});
  facts.logrotateConfig = system.isRegularFile("/etc/logrotate.conf");
  if (!facts.logrotate.empty()) {
    auto schedule = collectSchedule(system);
    facts.scheduleUnreadable = std::move(schedule.unreadable);
    for (const auto& job : schedule.jobs) {
      const auto mention = jobMentions(job, {"logrotate"});
      if (!mention) continue;
      if (!job.inactiveReason.empty())
        facts.inactiveSchedules.push_back(mention->evidence + " — " + job.inactiveReason);
      else if (!facts.scheduledBy) facts.scheduledBy = mention->evidence;
    }
  }
  facts.syslogDaemon = firstExisting(system, {"/usr/sbin/rsyslogd", "/usr/sbin/syslog-ng", "/sbin/syslogd"});
  facts.journald = probeJournald(system);
  return evaluateRotation(facts);
}

constexpr CheckSpec kRotation{
    "logging.rotation",
    "Logs are rotated",
    Severity::Low,
    "Logs must be kept for their retention period without exhausting the disk (A.8.15, A.8.6 capacity management): "
    "scheduled rotation bounds their size and keeps older generations, and a full /var/log would stop logging "
    "altogether.",
    "Install logrotate (apt install logrotate) and keep logrotate.timer enabled (systemctl enable --now "
    "logrotate.timer) or /etc/cron.daily/logrotate in place; on journal-only hosts set SystemMaxUse= and "
    "MaxRetentionSec= in /etc/systemd/journald.conf.d/.",
};

ANNEXA_REGISTER_CHECK(kRotation, runRotation);

}  // namespace

// ---- logging.log_permissions -------------------------------------------------------------------------------------

bool isAuthLog(std::string_view path) {
  const auto name = baseName(path);
  for (const char* prefix : {"auth.log", "secure", "btmp", "faillog", "audit.log", "sudo.log"})
    if (text::startsWith(name, prefix)) return true;
  return text::startsWith(path, "/var/log/audit/");
}

Outcome evaluateLogPermissions(const LogPermissionFacts& facts) {
  if (!facts.present) return Outcome::notApplicable("There is no /var/log on this system");
  if (!facts.error.empty()) return Outcome::error("Cannot list /var/log: " + facts.error);
  const std::string expected = "no world-writable log file or directory; auth logs not world-readable";
  std::vector<Evidence> offenders;
  for (const auto& file : facts.files) {
    if (file.info.type == FileType::Symlink || file.info.type == FileType::Other) continue;
    const auto mode = formatMode(file.info.mode);
    if (file.info.mode & 0002) offenders.push_back({file.path, mode + " (world-writable)", expected});
    else if (file.info.type == FileType::Regular && (file.info.mode & 0004) && isAuthLog(file.path))
      offenders.push_back({file.path, mode + " (authentication log readable by everyone)", expected});
  }
  std::vector<Evidence> evidence = offenders;
  if (evidence.size() > 20) evidence.resize(20);
  if (facts.truncated)
    evidence.push_back({"/var/log", "walk stopped after " + std::to_string(facts.files.size()) + " entries", expected});
  if (!offenders.empty())
    return Outcome::fail(std::to_string(offenders.size()) + " log file(s) with unsafe permissions", evidence);
  if (!facts.unreadable.empty())
    return Outcome::error("Cannot list some log directories: " + text::join(facts.unreadable, "; "), evidence);
  evidence.push_back({"/var/log", std::to_string(facts.files.size()) + " entries checked, none unsafe", expected});
  return Outcome::pass("No log file is world-writable and authentication logs are private", evidence);
}

namespace {

constexpr std::size_t kMaxLogEntries = 4000;
constexpr std::size_t kMaxEntriesPerLogDirectory = 500;

// Adds the entries of one directory; returns the subdirectories found.
std::vector<std::string> addLogEntries(const SystemView& system, LogPermissionFacts& facts, const std::string& dir,
                                       const std::vector<std::string>& names) {
  std::vector<std::string> subdirectories;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i >= kMaxEntriesPerLogDirectory || facts.files.size() >= kMaxLogEntries) {
      facts.truncated = true;
      break;
    }
    const auto path = joinPath(dir, names[i]);
    const auto info = system.lstat(path);
    if (!info) continue;  // vanished while we looked
    facts.files.push_back({path, *info});
    if (info->type == FileType::Directory) subdirectories.push_back(path);
  }
  return subdirectories;
}

Outcome runLogPermissions(const CheckContext& ctx) {
  LogPermissionFacts facts;
  const auto& system = ctx.system;
  if (!system.isDirectory("/var/log")) {
    facts.present = system.exists("/var/log");
    if (facts.present) facts.error = "/var/log is not a directory";
    return evaluateLogPermissions(facts);
  }
  auto top = system.listDirectory("/var/log");
  if (!top) {
    facts.error = top.error();
    return evaluateLogPermissions(facts);
  }
  if (const auto self = system.lstat("/var/log")) facts.files.push_back({"/var/log", *self});
  for (const auto& directory : addLogEntries(system, facts, "/var/log", *top)) {
    auto names = system.listDirectory(directory);
    if (names) {
      addLogEntries(system, facts, directory, *names);
      continue;
    }
    // Others cannot enter a directory without o+x, so whatever is inside is out of their reach anyway.
    const auto info = system.lstat(directory);
    if (info && (info->mode & 0001)) facts.unreadable.push_back(names.error());
  }
  return evaluateLogPermissions(facts);
}

constexpr CheckSpec kLogPermissions{
    "logging.log_permissions",
    "Log files are protected from tampering and disclosure",
    Severity::Medium,
    "Logs are only trustworthy evidence when they are protected against tampering and unauthorised access "
    "(A.8.15): a world-writable log can be forged or erased by any local user, and world-readable authentication "
    "logs disclose user names, source addresses and mistyped passwords.",
    "Remove world write access (chmod o-w on the files listed) and make authentication logs private, e.g. "
    "chmod 0640 /var/log/auth.log /var/log/btmp (owner root, group adm or utmp); fix the creating service's "
    "`create` mode in /etc/logrotate.d or its own configuration so rotation does not restore the old mode.",
};

ANNEXA_REGISTER_CHECK(kLogPermissions, runLogPermissions);

}  // namespace
}  // namespace annexa::agent::checks
