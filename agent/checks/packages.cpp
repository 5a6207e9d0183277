#include "agent/checks/packages.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

constexpr std::size_t kMaxConfigBytes = 4 * 1024 * 1024;
constexpr std::size_t kLogTailBytes = 256 * 1024;  // the newest entries are at the end; logs rotate monthly
constexpr std::int64_t kSecondsPerDay = 86400;

std::string formatUtc(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buffer;
}

// The last `maxBytes` of a file, starting at a line boundary.
Result<std::string> readTail(const SystemView& system, std::string_view path, std::size_t maxBytes) {
  return system.readTail(path, maxBytes);
}

PackageFamily packageFamily(const SystemView& system) {
  if (system.exists("/var/lib/dpkg/status")) return PackageFamily::Apt;
  if (system.exists("/var/lib/rpm") || system.exists("/usr/lib/sysimage/rpm")) return PackageFamily::Dnf;
  return PackageFamily::Unknown;
}

// apt.conf.d/* in name order, then apt.conf: what apt itself reads (later settings win).
AptConfig readAptConfig(const SystemView& system, std::vector<std::string>& problems,
                        std::vector<std::string>* filesRead = nullptr) {
  AptConfig config;
  std::vector<std::string> files;
  if (auto names = system.listDirectory("/etc/apt/apt.conf.d")) {
    for (const auto& name : *names)
      if (aptReadsFile(name)) files.push_back(joinPath("/etc/apt/apt.conf.d", name));
  } else if (system.exists("/etc/apt/apt.conf.d")) {
    problems.push_back(names.error());
  }
  if (system.exists("/etc/apt/apt.conf")) files.emplace_back("/etc/apt/apt.conf");
  for (const auto& file : files) {
    if (system.isDirectory(file)) continue;
    auto content = system.readFile(file, kMaxConfigBytes);
    if (!content) {
      problems.push_back(content.error());
      continue;
    }
    parseAptConf(*content, file, config);
    if (filesRead) filesRead->push_back(file);
  }
  return config;
}

}  // namespace

// ---- apt and dnf configuration syntax ------------------------------------------------------------------------------

void parseAptConf(std::string_view content, std::string_view file, AptConfig& into) {
  std::vector<std::string> scope;
  std::optional<std::string> key;  // the statement's key, until its value, block or ';'
  const auto skipTo = [&](std::size_t& i, std::string_view end) {
    const auto at = content.find(end, i);
    i = at == std::string_view::npos ? content.size() : at + end.size();
  };
  std::size_t i = 0;
  while (i < content.size()) {
    const char c = content[i];
    const char next = i + 1 < content.size() ? content[i + 1] : '\0';
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if ((c == '/' && next == '/') || c == '#') {  // comments, #include and #clear
      skipTo(i, "\n");
    } else if (c == '/' && next == '*') {
      skipTo(i, "*/");
    } else if (c == '"') {
      const auto end = content.find('"', i + 1);
      const auto value = content.substr(i + 1, (end == std::string_view::npos ? content.size() : end) - i - 1);
      i = end == std::string_view::npos ? content.size() : end + 1;
      if (!key) continue;  // a list item ("origin=Debian";) inside a block
      std::vector<std::string> parts = scope;
      parts.push_back(*key);
      into[text::toLower(text::join(parts, "::"))] = {std::string(value), std::string(file)};
      key.reset();
    } else if (c == '{') {
      scope.push_back(key.value_or(""));
      key.reset();
      ++i;
    } else if (c == '}' || c == ';') {
      if (c == '}' && !scope.empty()) scope.pop_back();
      key.reset();
      ++i;
    } else {
      const auto start = i;
      while (i < content.size() && !std::isspace(static_cast<unsigned char>(content[i])) &&
             std::string_view("{};\"").find(content[i]) == std::string_view::npos)
        ++i;
      key = std::string(content.substr(start, i - start));
    }
  }
}

bool aptTrue(std::string_view value) {
  const auto v = text::toLower(text::trim(value));
  return v == "yes" || v == "true" || v == "with" || v == "on" || v == "enable" || v == "1";
}

bool aptReadsFile(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  // apt's default Dir::Ignore-Files-Silently patterns.
  return !text::endsWith(name, ".disabled") && !text::endsWith(name, ".bak") && !text::contains(name, ".dpkg-") &&
         !text::contains(name, ".ucf-") && !text::endsWith(name, ".swp");
}

DnfIniFile parseDnfIni(std::string_view content) {
  DnfIniFile ini;
  std::string section;
  for (const auto raw : text::lines(content)) {
    if (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) continue;  // continuation of a value list
    const auto line = text::trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = std::string(text::trim(line.substr(1, line.size() - 2)));
      ini[section];
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    ini[section][text::toLower(text::trim(line.substr(0, eq)))] = std::string(text::trim(line.substr(eq + 1)));
  }
  return ini;
}

std::optional<bool> dnfBool(std::string_view value) {
  const auto v = text::toLower(text::trim(value));
  if (v == "1" || v == "yes" || v == "true" || v == "on") return true;
  if (v == "0" || v == "no" || v == "false" || v == "off") return false;
  return std::nullopt;
}

// ---- packages.insecure_installed -----------------------------------------------------------------------------------

const std::vector<std::string_view>& insecurePackageNames() {
  static const std::vector<std::string_view> names = {"telnetd",
                                                      "inetutils-telnetd",
                                                      "telnet-server",
                                                      "rsh-server",
                                                      "rsh-redone-server",
                                                      "nis",
                                                      "ypserv",
                                                      "tftpd",
                                                      "tftpd-hpa",
                                                      "atftpd",
                                                      "tftp-server",
                                                      "talkd",
                                                      "inetutils-talkd",
                                                      "talk-server",
                                                      "xinetd"};
  return names;
}

Outcome evaluateInsecurePackages(const Result<PackageDatabase>& packages) {
  if (!packages)
    return Outcome::error("Cannot read the package database: " + packages.error(),
                          {{"package database", packages.error(), "readable"}});
  std::vector<Evidence> evidence;
  std::vector<std::string> found;
  for (const auto name : insecurePackageNames()) {
    const auto it = packages->versions.find(name);
    if (it == packages->versions.end()) continue;
    found.emplace_back(name);
    evidence.push_back({packages->source, std::string(name) + " " + it->second + " installed", "not installed"});
  }
  if (!found.empty())
    return Outcome::fail("Insecure legacy server packages are installed: " + text::join(found, ", "), evidence);
  return Outcome::pass(
      "None of the " + std::to_string(insecurePackageNames().size()) + " insecure legacy server packages is installed",
      {{packages->source,
        "none of telnetd, rsh, nis/ypserv, tftpd, talkd, xinetd installed (" +
            std::to_string(packages->versions.size()) + " packages checked)",
        "not installed"}});
}

// ---- packages.repo_integrity ---------------------------------------------------------------------------------------

namespace {
constexpr std::string_view kUnsafeSourceOptions[] = {"trusted", "allow-insecure", "allow-downgrade-to-insecure",
                                                     "allow-weak"};
constexpr std::string_view kRepoExpected = "repositories verified by their signing keys";
}  // namespace

std::vector<Evidence> insecureOneLineSources(std::string_view content, std::string_view file) {
  std::vector<Evidence> out;
  for (const auto raw : text::lines(content)) {
    const auto line = text::stripComment(raw);
    if (!text::startsWith(line, "deb")) continue;
    const auto open = line.find('[');
    const auto close = line.find(']');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) continue;
    for (const auto& option : text::splitWords(line.substr(open + 1, close - open - 1))) {
      const auto eq = option.find('=');
      if (eq == std::string::npos) continue;
      const auto name = text::toLower(option.substr(0, eq));
      const bool unsafe = std::find(std::begin(kUnsafeSourceOptions), std::end(kUnsafeSourceOptions), name) !=
                          std::end(kUnsafeSourceOptions);
      if (unsafe && aptTrue(option.substr(eq + 1)))
        out.push_back({std::string(file), std::string(line), std::string(kRepoExpected)});
    }
  }
  return out;
}

std::vector<Evidence> insecureDeb822Sources(std::string_view content, std::string_view file) {
  std::vector<Evidence> out;
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> stanza;  // lower-cased field → line, value
  const auto value = [&](std::string_view field) {
    const auto it = stanza.find(field);
    return it == stanza.end() ? std::string() : it->second.second;
  };
  const auto flush = [&] {
    if (stanza.find("enabled") == stanza.end() || aptTrue(value("enabled")))
      for (const auto option : kUnsafeSourceOptions)
        if (const auto it = stanza.find(option); it != stanza.end() && aptTrue(it->second.second))
          out.push_back(
              {std::string(file), it->second.first + " (URIs: " + value("uris") + ")", std::string(kRepoExpected)});
    stanza.clear();
  };
  for (const auto raw : text::lines(content)) {
    if (!raw.empty() && raw.front() == '#') continue;
    if (text::trim(raw).empty()) {
      flush();
      continue;
    }
    if (raw.front() == ' ' || raw.front() == '\t') continue;  // continuation line
    const auto colon = raw.find(':');
    if (colon != std::string_view::npos)
      stanza[text::toLower(text::trim(raw.substr(0, colon)))] = {std::string(text::trim(raw)),
                                                                 std::string(text::trim(raw.substr(colon + 1)))};
  }
  flush();
  return out;
}

std::vector<Evidence> insecureAptSettings(const AptConfig& config) {
  constexpr std::string_view kUnsafeSettings[] = {
      "APT::Get::AllowUnauthenticated", "Acquire::AllowInsecureRepositories",
      "Acquire::AllowDowngradeToInsecureRepositories", "Acquire::AllowWeakRepositories"};
  std::vector<Evidence> out;
  for (const auto setting : kUnsafeSettings)
    if (const auto it = config.find(text::toLower(setting)); it != config.end() && aptTrue(it->second.value))
      out.push_back({it->second.file, std::string(setting) + " \"" + it->second.value + "\"",
                     std::string(setting) + " unset or \"false\""});
  return out;
}

std::vector<Evidence> uncheckedDnfRepos(const DnfIniFile& repos, std::string_view file,
                                        std::optional<bool> mainGpgcheck) {
  std::vector<Evidence> out;
  for (const auto& [name, values] : repos) {
    if (name == "main" || name.empty()) continue;
    const auto value = [&settings = values](std::string_view key) -> std::optional<std::string> {
      const auto it = settings.find(key);
      return it == settings.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    if (const auto enabled = value("enabled"); enabled && dnfBool(*enabled) == false) continue;
    const auto gpgcheck = value("gpgcheck");
    const bool checked = gpgcheck ? dnfBool(*gpgcheck).value_or(false) : mainGpgcheck.value_or(false);
    if (checked) continue;
    const std::string observed = gpgcheck       ? "gpgcheck=" + *gpgcheck
                                 : mainGpgcheck ? "gpgcheck not set ([main] gpgcheck=0)"
                                                : "gpgcheck not set (dnf default: off)";
    out.push_back({std::string(file), "[" + name + "] " + observed, "gpgcheck=1"});
  }
  return out;
}

Outcome evaluateRepoIntegrity(const RepoIntegrityFacts& facts) {
  if (!facts.insecure.empty())
    return Outcome::fail(
        std::to_string(facts.insecure.size()) + " package source setting(s) accept packages without a valid signature",
        facts.insecure);
  if (!facts.unreadable.empty()) {
    std::vector<Evidence> evidence;
    for (const auto& problem : facts.unreadable) evidence.push_back({"package sources", problem, "readable"});
    return Outcome::error("Cannot read package source configuration: " + text::join(facts.unreadable, "; "), evidence);
  }
  if (facts.filesRead.empty())
    return Outcome::notApplicable(
        "No apt or dnf/yum repository configuration found",
        {{"/etc/apt, /etc/yum.repos.d, /etc/dnf/dnf.conf", "absent", std::string(kRepoExpected)}});
  return Outcome::pass(
      "All package sources require signed repositories and packages",
      {{text::truncate(text::join(facts.filesRead, ", "), 400),
        "no trusted=yes, allow-insecure, AllowUnauthenticated or gpgcheck=0", std::string(kRepoExpected)}});
}

namespace {

RepoIntegrityFacts probeRepoIntegrity(const SystemView& system) {
  RepoIntegrityFacts facts;
  const auto read = [&](const std::string& path) -> std::optional<std::string> {
    auto content = system.readFile(path, kMaxConfigBytes);
    if (!content) {
      facts.unreadable.push_back(content.error());
      return std::nullopt;
    }
    facts.filesRead.push_back(path);
    return std::move(*content);
  };
  const auto add = [&](std::vector<Evidence> found) {
    facts.insecure.insert(facts.insecure.end(), found.begin(), found.end());
  };
  if (system.exists("/etc/apt/sources.list"))
    if (auto content = read("/etc/apt/sources.list")) add(insecureOneLineSources(*content, "/etc/apt/sources.list"));
  if (auto names = system.listDirectory("/etc/apt/sources.list.d")) {
    for (const auto& name : *names) {
      const bool oneLine = text::endsWith(name, ".list");
      if ((!oneLine && !text::endsWith(name, ".sources")) || !aptReadsFile(name)) continue;
      const auto path = joinPath("/etc/apt/sources.list.d", name);
      if (auto content = read(path))
        add(oneLine ? insecureOneLineSources(*content, path) : insecureDeb822Sources(*content, path));
    }
  } else if (system.exists("/etc/apt/sources.list.d")) {
    facts.unreadable.push_back(names.error());
  }
  if (system.exists("/etc/apt")) add(insecureAptSettings(readAptConfig(system, facts.unreadable, &facts.filesRead)));

  // dnf reads /etc/dnf/dnf.conf; yum (and RHEL 7) /etc/yum.conf.
  std::optional<bool> mainGpgcheck;
  for (const char* mainConf : {"/etc/dnf/dnf.conf", "/etc/yum.conf"}) {
    if (!system.exists(mainConf)) continue;
    if (auto content = read(mainConf)) {
      const auto ini = parseDnfIni(*content);
      if (const auto main = ini.find("main"); main != ini.end())
        if (const auto it = main->second.find("gpgcheck"); it != main->second.end()) mainGpgcheck = dnfBool(it->second);
      add(uncheckedDnfRepos(ini, mainConf, mainGpgcheck));
    }
    break;
  }
  for (const auto& path : system.glob("/etc/yum.repos.d/*.repo"))
    if (auto content = read(path)) add(uncheckedDnfRepos(parseDnfIni(*content), path, mainGpgcheck));
  return facts;
}

}  // namespace

// ---- updates.automatic ---------------------------------------------------------------------------------------------

namespace {

// APT::Periodic intervals: "0" (the default) is off; a number of days, a duration ("6h") or "always" is on.
bool periodicOn(const std::optional<AptConfigValue>& setting) {
  if (!setting) return false;
  const auto value = text::trim(setting->value);
  long long days = 0;
  if (text::parseInt(value, days)) return days > 0;
  return !value.empty();
}

Evidence periodicEvidence(std::string_view key, const std::optional<AptConfigValue>& setting,
                          std::string_view fallback) {
  const std::string name = "APT::Periodic::" + std::string(key);
  if (!setting)
    return {"/etc/apt/apt.conf.d", name + " not set (default " + std::string(fallback) + ")", name + " \"1\""};
  return {setting->file, name + " \"" + setting->value + "\"", name + " \"1\""};
}

}  // namespace

Outcome evaluateAutomaticUpdates(const AutomaticUpdateFacts& facts) {
  if (facts.family == PackageFamily::Unknown)
    return Outcome::error("No dpkg or rpm package database found, so automatic updates cannot be assessed",
                          {{"/var/lib/dpkg/status, /var/lib/rpm", "absent", "apt or dnf package manager"}});
  if (!facts.problem.empty())
    return Outcome::error("Cannot read the automatic update configuration: " + facts.problem,
                          {{"automatic update configuration", facts.problem, "readable"}});
  std::vector<Evidence> evidence;
  std::vector<std::string> missing;
  if (facts.family == PackageFamily::Apt) {
    evidence.push_back(
        {facts.packageSource,
         facts.unattendedUpgradesInstalled ? "unattended-upgrades installed" : "unattended-upgrades not installed",
         "unattended-upgrades installed"});
    if (!facts.unattendedUpgradesInstalled) missing.emplace_back("unattended-upgrades is not installed");
    if (facts.periodicEnable && facts.periodicEnable->value == "0") {
      evidence.push_back(periodicEvidence("Enable", facts.periodicEnable, "1"));
      missing.emplace_back("APT::Periodic::Enable is \"0\"");
    }
    evidence.push_back(periodicEvidence("Update-Package-Lists", facts.updatePackageLists, "0"));
    if (!periodicOn(facts.updatePackageLists)) missing.emplace_back("package lists are not refreshed periodically");
    evidence.push_back(periodicEvidence("Unattended-Upgrade", facts.unattendedUpgrade, "0"));
    if (!periodicOn(facts.unattendedUpgrade)) missing.emplace_back("unattended upgrades are not enabled");
    for (const auto& timer : facts.maskedTimers) {
      evidence.push_back({"/etc/systemd/system/" + timer, "masked (→ /dev/null)", "not masked"});
      missing.push_back(timer + " is masked");
    }
    if (missing.empty()) return Outcome::pass("unattended-upgrades installs updates automatically", evidence);
    return Outcome::fail("Automatic updates are not in effect: " + text::join(missing, "; "), evidence);
  }

  evidence.push_back({"systemd units",
                      std::string("dnf-automatic-install.timer ") +
                          (facts.installTimerEnabled ? "enabled" : "not enabled") + ", dnf-automatic.timer " +
                          (facts.automaticTimerEnabled ? "enabled" : "not enabled"),
                      "dnf-automatic-install.timer, or dnf-automatic.timer with apply_updates = yes, enabled"});
  const bool applies = facts.applyUpdates && dnfBool(*facts.applyUpdates).value_or(false);
  evidence.push_back(
      {"/etc/dnf/automatic.conf",
       facts.applyUpdates ? "apply_updates = " + *facts.applyUpdates : "apply_updates not set (default no)",
       "apply_updates = yes"});
  if (facts.installTimerEnabled)
    return Outcome::pass("dnf-automatic-install.timer installs updates automatically", evidence);
  if (facts.automaticTimerEnabled && applies)
    return Outcome::pass("dnf-automatic.timer installs updates automatically (apply_updates = yes)", evidence);
  if (facts.automaticTimerEnabled)
    return Outcome::fail("dnf-automatic.timer is enabled but only downloads or notifies (apply_updates is not yes)",
                         evidence);
  return Outcome::fail(facts.dnfAutomaticInstalled ? "dnf-automatic is installed but no timer is enabled"
                                                   : "dnf-automatic is not installed",
                       evidence);
}

namespace {

AutomaticUpdateFacts probeAutomaticUpdates(const CheckContext& ctx) {
  AutomaticUpdateFacts facts;
  facts.family = packageFamily(ctx.system);
  if (facts.family == PackageFamily::Apt) {
    const auto& packages = ctx.facts.packages();
    if (!packages) {
      facts.problem = packages.error();
      return facts;
    }
    facts.packageSource = packages->source;
    facts.unattendedUpgradesInstalled = packages->installed("unattended-upgrades");
    std::vector<std::string> problems;
    const auto config = readAptConfig(ctx.system, problems);
    facts.problem = text::join(problems, "; ");
    const auto get = [&](std::string_view key) -> std::optional<AptConfigValue> {
      const auto it = config.find(text::toLower("apt::periodic::" + std::string(key)));
      return it == config.end() ? std::nullopt : std::optional<AptConfigValue>(it->second);
    };
    facts.periodicEnable = get("Enable");
    facts.updatePackageLists = get("Update-Package-Lists");
    facts.unattendedUpgrade = get("Unattended-Upgrade");
    for (const char* timer : {"apt-daily.timer", "apt-daily-upgrade.timer"})
      for (const char* dir : {"/etc/systemd/system", "/run/systemd/system"})
        if (auto target = ctx.system.readLink(joinPath(dir, timer)); target && *target == "/dev/null") {
          facts.maskedTimers.emplace_back(timer);
          break;
        }
  } else if (facts.family == PackageFamily::Dnf) {
    facts.installTimerEnabled = ctx.facts.unitEnabled("dnf-automatic-install.timer");
    facts.automaticTimerEnabled =
        ctx.facts.unitEnabled("dnf-automatic.timer") || ctx.facts.unitEnabled("dnf5-automatic.timer");
    facts.dnfAutomaticInstalled = ctx.facts.unitExists("dnf-automatic.timer") ||
                                  ctx.facts.unitExists("dnf5-automatic.timer") ||
                                  ctx.system.exists("/etc/dnf/automatic.conf");
    if (ctx.system.exists("/etc/dnf/automatic.conf")) {
      auto content = ctx.system.readFile("/etc/dnf/automatic.conf", kMaxConfigBytes);
      if (!content) {
        facts.problem = content.error();
        return facts;
      }
      const auto ini = parseDnfIni(*content);
      if (const auto commands = ini.find("commands"); commands != ini.end())
        if (const auto it = commands->second.find("apply_updates"); it != commands->second.end())
          facts.applyUpdates = it->second;
    }
  }
  return facts;
}

}  // namespace

// ---- updates.recent ------------------------------------------------------------------------------------------------

std::optional<std::int64_t> parseAptLogTime(std::string_view textTime) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const std::string copy(textTime);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &year, &month, &day, &hour, &minute, &second) != 6)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(::timegm(&tm));
}

// Log times are the host's local time; reading them as UTC is off by hours at most, irrelevant for a days threshold.
std::optional<UpdateStamp> lastAptHistoryUpgrade(std::string_view historyLog) {
  std::optional<UpdateStamp> last;
  bool entryUpgrades = false;
  for (const auto line : text::lines(historyLog)) {
    if (text::startsWith(line, "Start-Date:"))
      entryUpgrades = false;
    else if (text::startsWith(line, "Upgrade:"))
      entryUpgrades = true;
    else if (text::startsWith(line, "End-Date:") && entryUpgrades)
      if (const auto time = parseAptLogTime(text::trim(line.substr(9))))
        last = UpdateStamp{*time, "/var/log/apt/history.log", "last upgrade " + std::string(text::trim(line))};
  }
  return last;
}

std::optional<UpdateStamp> lastDpkgLogUpgrade(std::string_view dpkgLog) {
  std::optional<UpdateStamp> last;
  for (const auto line : text::lines(dpkgLog)) {
    if (!text::contains(line, " upgrade ")) continue;
    const auto words = text::splitWords(line);
    if (words.size() < 4 || words[2] != "upgrade") continue;
    if (const auto time = parseAptLogTime(words[0] + " " + words[1]))
      last = UpdateStamp{*time, "/var/log/dpkg.log", "last upgrade line: " + text::truncate(line, 120)};
  }
  return last;
}

Outcome evaluateUpdatesRecent(const UpdateHistoryFacts& facts, std::int64_t now, long long maxAgeDays) {
  if (facts.family == PackageFamily::Unknown)
    return Outcome::error("No dpkg or rpm package database found, so update recency cannot be assessed",
                          {{"/var/lib/dpkg/status, /var/lib/rpm", "absent", "apt or dnf package manager"}});
  const std::string expected = "within " + std::to_string(maxAgeDays) + " days";
  std::vector<Evidence> evidence;
  std::vector<std::string> stale;
  std::vector<std::string> unknown;
  std::optional<std::string> upgradesStale;
  const auto consider = [&](const std::optional<UpdateStamp>& stamp, std::string_view what, std::string_view where,
                            bool isUpgrade) {
    if (!stamp) {
      evidence.push_back({std::string(where), "no record found", std::string(what) + " " + expected});
      unknown.push_back(std::string(what) + ": no record found");
      return;
    }
    const auto ageDays = (now - stamp->time) / kSecondsPerDay;
    evidence.push_back({stamp->source,
                        stamp->observed + " (" + formatUtc(stamp->time) + ", " +
                            std::to_string(std::max<std::int64_t>(ageDays, 0)) + " days ago)",
                        std::string(what) + " " + expected});
    if (now - stamp->time > maxAgeDays * kSecondsPerDay) {
      const auto text = std::string(what) + " " + std::to_string(ageDays) + " days ago";
      if (isUpgrade) upgradesStale = text;
      else stale.push_back(text);
    }
  };
  const bool apt = facts.family == PackageFamily::Apt;
  consider(facts.listsRefreshed, "package lists refreshed",
           apt ? "/var/lib/apt/periodic, /var/lib/apt/lists" : "/var/cache/dnf, /var/log/dnf.log", false);
  consider(facts.upgradesApplied, "upgrades applied",
           apt ? "/var/log/apt/history.log, /var/log/dpkg.log, /var/lib/dpkg/status" : "/var/lib/dnf/history.sqlite",
           true);
  for (const auto& problem : facts.problems)
    evidence.push_back({"update history", "cannot read: " + problem, "readable"});

  // What the lists offer: pending upgrades, and how long security fixes have at least been waiting.
  std::string pendingSummary;
  std::optional<std::string> securityOverdue;
  std::optional<std::string> pendingUnknown;  // an error unless what was read already fails the check
  if (facts.pending && !facts.pending->error.empty()) {
    pendingUnknown = facts.pending->error;
    evidence.push_back({"/var/lib/apt/lists", "cannot compare with the lists: " + *pendingUnknown, "readable"});
  } else if (facts.pending) {
    const auto& p = *facts.pending;
    pendingSummary = std::to_string(p.pending) + " upgrade(s) pending, " + std::to_string(p.security) + " security";
    std::string observed = pendingSummary + " (installed versions against " + std::to_string(p.indexes) +
                           " Packages index(es))";
    if (!p.examples.empty()) observed += ": " + text::truncate(text::join(p.examples, "; "), 600);
    if (p.security > 0 && p.securityIndexTime) {
      const auto waited = std::max<std::int64_t>(now - *p.securityIndexTime, 0) / kSecondsPerDay;
      observed += "; the security index " + p.securityIndex + " offering them last changed " +
                  formatUtc(*p.securityIndexTime) + ", so they have been available for at least " +
                  std::to_string(waited) + " days (the lists do not record when each was published)";
      if (now - *p.securityIndexTime > maxAgeDays * kSecondsPerDay)
        securityOverdue = std::to_string(p.security) + " security upgrade(s) pending for at least " +
                          std::to_string(waited) + " days";
    }
    evidence.push_back({"/var/lib/dpkg/status, /var/lib/apt/lists/*_Packages", observed,
                        "no security upgrade available for more than " + std::to_string(maxAgeDays) + " days"});
  }
  // Nothing pending: when upgrades were last applied does not matter. Pending (or unknown): it does.
  const bool upgradesMatter = !facts.pending || pendingUnknown || facts.pending->pending > 0;
  if (upgradesStale && upgradesMatter) stale.push_back(*upgradesStale);
  if (securityOverdue) stale.insert(stale.begin(), *securityOverdue);

  const std::string suffix = pendingSummary.empty() ? "" : " (" + pendingSummary + ")";
  if (!stale.empty()) return Outcome::fail("Updates are overdue: " + text::join(stale, "; ") + suffix, evidence);
  if (pendingUnknown) return Outcome::error("Cannot tell which upgrades are pending: " + *pendingUnknown, evidence);
  if (!unknown.empty() && !facts.problems.empty())
    return Outcome::error("Cannot read the update history: " + text::join(facts.problems, "; "), evidence);
  if (!unknown.empty() && (upgradesMatter || unknown.size() > 1 || !facts.listsRefreshed))
    return Outcome::fail("No evidence of recent updates: " + text::join(unknown, "; ") + suffix, evidence);
  return Outcome::pass("Package lists were refreshed " + expected +
                           (facts.pending && facts.pending->pending == 0 ? " and nothing is pending"
                                                                         : " and upgrades applied " + expected) +
                           suffix,
                       evidence);
}

// ---- pending upgrades (apt lists) ---------------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> parsePackagesIndex(std::string_view content) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string name;
  std::string version;
  const auto flush = [&] {
    if (!name.empty() && !version.empty()) out.emplace_back(std::move(name), std::move(version));
    name.clear();
    version.clear();
  };
  for (const auto line : text::lines(content)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (text::startsWith(line, "Package:")) name = std::string(text::trim(line.substr(8)));
    else if (text::startsWith(line, "Version:")) version = std::string(text::trim(line.substr(8)));
  }
  flush();
  return out;
}

int compareDebianVersions(std::string_view a, std::string_view b) {
  struct Parsed {
    long long epoch = 0;
    std::string_view version, revision;
  };
  const auto parse = [](std::string_view v) {
    Parsed p;
    v = text::trim(v);
    if (const auto colon = v.find(':'); colon != std::string_view::npos) {
      long long epoch = 0;
      if (text::parseInt(v.substr(0, colon), epoch)) p.epoch = epoch;
      v.remove_prefix(colon + 1);
    }
    if (const auto hyphen = v.rfind('-'); hyphen != std::string_view::npos) {
      p.revision = v.substr(hyphen + 1);
      v = v.substr(0, hyphen);
    }
    p.version = v;
    return p;
  };
  const auto pa = parse(a), pb = parse(b);
  if (pa.epoch != pb.epoch) return pa.epoch > pb.epoch ? 1 : -1;
  if (const int r = compareDpkgVersions(pa.version, pb.version); r != 0) return r;
  return compareDpkgVersions(pa.revision, pb.revision);
}

void tallyIndex(const std::map<std::string, std::string, std::less<>>& installed, std::string_view index,
                std::string_view file, std::int64_t mtime, std::map<std::string, std::pair<std::string, bool>>& best,
                std::map<std::string, std::int64_t>& securitySince) {
  const bool security = text::contains(baseName(file), "security");
  for (auto& [name, version] : parsePackagesIndex(index)) {
    const auto it = installed.find(name);
    if (it == installed.end() || compareDebianVersions(version, it->second) <= 0) continue;
    auto& slot = best[name];
    const int order = slot.first.empty() ? 1 : compareDebianVersions(version, slot.first);
    if (order > 0) slot = {version, security};
    else if (order == 0 && security) slot.second = true;
    if (security) {
      const auto since = securitySince.find(name);
      if (since == securitySince.end() || mtime < since->second) securitySince[name] = mtime;
    }
  }
}

namespace {

PendingUpgrades probePendingUpgrades(const CheckContext& ctx) {
  PendingUpgrades out;
  const auto& packages = ctx.facts.packages();
  if (!packages) {
    out.error = packages.error();
    return out;
  }
  auto files = ctx.system.globChecked("/var/lib/apt/lists/*_Packages");
  if (!files) {
    out.error = files.error();
    return out;
  }
  if (files->empty()) {  // nothing to compare with: "0 pending" would be a pass on facts never read
    out.error = "no uncompressed *_Packages index in /var/lib/apt/lists (compressed indexes are not read)";
    return out;
  }
  std::map<std::string, std::pair<std::string, bool>> best;
  std::map<std::string, std::int64_t> securitySince;
  for (const auto& file : *files) {
    const auto info = ctx.system.stat(file);
    if (!info) {
      out.error = info.error();
      return out;
    }
    // Whole paragraphs at a time: a distribution's index is ~90 MB, the agent stays small.
    const auto read = ctx.system.readInPieces(file, 512 * 1024 * 1024, "\n\n", [&](std::string_view paragraphs) {
      tallyIndex(packages->versions, paragraphs, file, info->mtime, best, securitySince);
    });
    if (!read) {
      out.error = read.error();
      return out;
    }
    ++out.indexes;
  }
  for (const auto& [name, candidate] : best) {
    ++out.pending;
    if (candidate.second) ++out.security;
    if (out.examples.size() < 12)
      out.examples.push_back(name + " " + packages->versions.at(name) + " → " + candidate.first +
                             (candidate.second ? " (security)" : ""));
    if (!candidate.second) continue;
    const auto since = securitySince.at(name);
    if (!out.securityIndexTime || since < *out.securityIndexTime) {
      out.securityIndexTime = since;
      for (const auto& file : *files)
        if (const auto info = ctx.system.stat(file); info && info->mtime == since && text::contains(file, "security"))
          out.securityIndex = std::string(baseName(file));
    }
  }
  return out;
}

void keepNewest(std::optional<UpdateStamp>& best, std::optional<UpdateStamp> candidate) {
  if (candidate && (!best || candidate->time > best->time)) best = std::move(candidate);
}

std::optional<UpdateStamp> modified(const SystemView& system, const std::string& path, std::string_view what) {
  const auto info = system.stat(path);
  if (!info) return std::nullopt;
  return UpdateStamp{info->mtime, path, std::string(what)};
}

void probeAptHistory(const SystemView& system, UpdateHistoryFacts& facts) {
  keepNewest(facts.listsRefreshed,
             modified(system, "/var/lib/apt/periodic/update-success-stamp", "apt update succeeded"));
  keepNewest(facts.listsRefreshed,
             modified(system, "/var/lib/apt/periodic/update-stamp", "apt.systemd.daily update ran"));
  // Index files keep the mirror's Last-Modified time: a lower bound of when they were fetched.
  if (auto names = system.listDirectory("/var/lib/apt/lists")) {
    for (const auto& name : *names)
      if (text::endsWith(name, "InRelease") || text::endsWith(name, "_Release") || text::contains(name, "_Packages"))
        keepNewest(facts.listsRefreshed, modified(system, joinPath("/var/lib/apt/lists", name), "newest index file"));
  } else if (system.exists("/var/lib/apt/lists")) {
    facts.problems.push_back(names.error());
  }

  const auto readLog = [&](const char* path) -> std::optional<std::string> {
    if (!system.exists(path)) return std::nullopt;
    auto content = readTail(system, path, kLogTailBytes);
    if (!content) facts.problems.push_back(content.error());
    return content ? std::optional<std::string>(std::move(*content)) : std::nullopt;
  };
  if (const auto history = readLog("/var/log/apt/history.log"))
    keepNewest(facts.upgradesApplied, lastAptHistoryUpgrade(*history));
  if (const auto dpkgLog = readLog("/var/log/dpkg.log"))
    keepNewest(facts.upgradesApplied, lastDpkgLogUpgrade(*dpkgLog));
  keepNewest(facts.upgradesApplied,
             modified(system, "/var/lib/apt/periodic/upgrade-stamp", "unattended-upgrade last completed"));
  if (!facts.upgradesApplied)  // logs rotated away: the package database's last change is the best remaining sign
    facts.upgradesApplied =
        modified(system, "/var/lib/dpkg/status", "no upgrade in the logs; dpkg status last changed");
}

void probeDnfHistory(const SystemView& system, UpdateHistoryFacts& facts) {
  keepNewest(facts.listsRefreshed, modified(system, "/var/cache/dnf/last_makecache", "dnf makecache ran"));
  for (const auto& solv : system.glob("/var/cache/dnf/*.solv"))
    keepNewest(facts.listsRefreshed, modified(system, solv, "repository metadata cache rebuilt"));
  keepNewest(facts.listsRefreshed, modified(system, "/var/log/dnf.log", "dnf last ran"));
  keepNewest(facts.upgradesApplied, modified(system, "/var/lib/dnf/history.sqlite", "last dnf transaction"));
  keepNewest(facts.upgradesApplied,
             modified(system, "/usr/lib/sysimage/libdnf5/transaction_history.sqlite", "last dnf5 transaction"));
}

}  // namespace

// ---- updates.reboot_required ---------------------------------------------------------------------------------------

int compareDpkgVersions(std::string_view a, std::string_view b) {
  const auto isDigit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const auto order = [&](std::size_t i, std::string_view s) {
    if (i >= s.size()) return 0;
    const char c = s[i];
    if (isDigit(c)) return 0;
    if (std::isalpha(static_cast<unsigned char>(c))) return static_cast<int>(c);
    if (c == '~') return -1;
    return static_cast<int>(static_cast<unsigned char>(c)) + 256;
  };
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !isDigit(a[i])) || (j < b.size() && !isDigit(b[j]))) {
      const int ac = order(i, a), bc = order(j, b);
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    int firstDiff = 0;
    while (i < a.size() && j < b.size() && isDigit(a[i]) && isDigit(b[j])) {
      if (!firstDiff) firstDiff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (i < a.size() && isDigit(a[i])) return 1;
    if (j < b.size() && isDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

std::string kernelFlavour(std::string_view release) {
  std::string suffix;
  if (const auto plus = release.find('+'); plus != std::string_view::npos) {
    suffix = std::string(release.substr(plus));
    release = release.substr(0, plus);
  }
  const auto parts = text::split(release, '-');
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (!parts[i].empty() && std::isalpha(static_cast<unsigned char>(parts[i][0]))) {
      std::vector<std::string> rest(parts.begin() + static_cast<std::ptrdiff_t>(i), parts.end());
      return text::join(rest, "-") + suffix;
    }
  return suffix;
}

Outcome evaluateRebootRequired(const RebootFacts& facts) {
  if (!facts.problem.empty())
    return Outcome::error("Cannot tell whether a reboot is pending: " + facts.problem,
                          {{"/run/reboot-required, /proc/sys/kernel/osrelease", facts.problem, "readable"}});
  std::vector<Evidence> evidence;
  if (facts.rebootFlag) {
    const auto packages = text::splitWords(facts.flagPackages);
    evidence.push_back(
        {*facts.rebootFlag,
         "present" + (packages.empty() ? std::string() : ", for: " + text::truncate(text::join(packages, " "), 200)),
         "absent"});
    return Outcome::fail("A reboot is pending (" + *facts.rebootFlag + " exists)", evidence);
  }
  evidence.push_back({"/run/reboot-required", "absent", "absent"});
  if (!facts.runningKernel) {
    evidence.push_back({"/proc/sys/kernel/osrelease", "absent (offline image): running kernel unknown",
                        "running kernel is the newest installed"});
    return Outcome::notApplicable(
        "An offline image runs nothing, so no reboot can be pending (the newest installed kernel boots); kernels "
        "were not compared",
        evidence);
  }
  const auto flavour = kernelFlavour(*facts.runningKernel);
  std::optional<std::string> newest;
  for (const auto& installed : facts.installedKernels)
    if (kernelFlavour(installed) == flavour && (!newest || compareDpkgVersions(installed, *newest) > 0))
      newest = installed;
  evidence.push_back({facts.runningSource, *facts.runningKernel, "the newest installed kernel"});
  if (!newest) {
    evidence.push_back({facts.installedSource.empty() ? "/boot, /lib/modules" : facts.installedSource,
                        "no installed kernel of this flavour found (e.g. a container)", "installed kernels"});
    return Outcome::pass(
        "No reboot-required flag; no installed kernel image to compare with (kernel comparison "
        "skipped)",
        evidence);
  }
  std::vector<std::string> sameFlavour;
  for (const auto& k : facts.installedKernels)
    if (kernelFlavour(k) == flavour) sameFlavour.push_back(k);
  evidence.push_back({facts.installedSource, "installed: " + text::join(sameFlavour, ", "), *facts.runningKernel});
  if (compareDpkgVersions(*newest, *facts.runningKernel) > 0)
    return Outcome::fail(
        "Kernel " + *newest + " is installed but " + *facts.runningKernel + " is running: a reboot is pending",
        evidence);
  return Outcome::pass("No reboot pending: the running kernel " + *facts.runningKernel + " is the newest installed",
                       evidence);
}

namespace {

RebootFacts probeReboot(const SystemView& system) {
  RebootFacts facts;
  if (!system.isLive() && !system.isDirectory("/etc")) {
    facts.problem = "the root has no /etc directory: it is not an operating system tree";
    return facts;
  }
  for (const char* flag : {"/run/reboot-required", "/var/run/reboot-required"}) {
    const auto where = system.probe(flag);
    if (!where) {
      facts.problem = where.error();
      return facts;
    }
    if (*where) {
      facts.rebootFlag = flag;
      facts.flagPackages = system.readFile(std::string(flag) + ".pkgs", 64 * 1024).valueOr(std::string());
      break;
    }
  }
  struct utsname uts {};
  if (system.isLive() && ::uname(&uts) == 0) {
    facts.runningKernel = uts.release;
    facts.runningSource = "uname -r";
  } else if (const auto where = system.probe("/proc/sys/kernel/osrelease"); !where) {
    facts.problem = where.error();
    return facts;
  } else if (*where) {
    auto release = system.readFile("/proc/sys/kernel/osrelease", 4096);
    if (!release) {
      facts.problem = release.error();
      return facts;
    }
    facts.runningKernel = std::string(text::trim(*release));
    facts.runningSource = "/proc/sys/kernel/osrelease";
  }
  for (const auto& image : system.glob("/boot/vmlinuz-*")) {
    const auto release = baseName(image).substr(8);
    if (!text::startsWith(release, "0-rescue-")) facts.installedKernels.emplace_back(release);
  }
  facts.installedSource = "/boot/vmlinuz-*";
  if (facts.installedKernels.empty()) {  // no /boot in the image: module trees of installed kernel packages
    facts.installedSource = "/lib/modules";
    if (auto releases = system.listDirectory("/lib/modules"))
      for (const auto& release : *releases)
        if (system.exists("/lib/modules/" + release + "/modules.builtin")) facts.installedKernels.push_back(release);
  }
  return facts;
}

constexpr CheckSpec kInsecurePackages{
    "packages.insecure_installed",
    "No insecure legacy network server packages are installed",
    Severity::High,
    "Telnet, rsh, NIS, TFTP, talk and xinetd servers authenticate weakly or send data in clear text; keeping them off "
    "operational systems controls what software is installed (A.8.19) and secures network services (A.8.20).",
    "Remove the packages, e.g. `apt purge telnetd rsh-server nis tftpd-hpa talkd xinetd` or "
    "`dnf remove telnet-server rsh-server ypserv tftp-server talk-server xinetd`.",
};

Outcome runInsecurePackages(const CheckContext& ctx) { return evaluateInsecurePackages(ctx.facts.packages()); }

ANNEXA_REGISTER_CHECK(kInsecurePackages, runInsecurePackages);

constexpr CheckSpec kRepoIntegrity{
    "packages.repo_integrity",
    "Package repositories and packages are signature-checked",
    Severity::High,
    "Installing software only from repositories whose signatures are verified ensures that what is installed on "
    "operational systems comes unaltered from its publisher (A.8.19).",
    "Remove [trusted=yes]/allow-insecure options from /etc/apt/sources.list(.d) (or Trusted: yes from *.sources) and "
    "import the repository key with signed-by=; delete AllowUnauthenticated/AllowInsecureRepositories settings from "
    "/etc/apt/apt.conf.d; set gpgcheck=1 in /etc/dnf/dnf.conf and every /etc/yum.repos.d/*.repo.",
};

Outcome runRepoIntegrity(const CheckContext& ctx) { return evaluateRepoIntegrity(probeRepoIntegrity(ctx.system)); }

ANNEXA_REGISTER_CHECK(kRepoIntegrity, runRepoIntegrity);

constexpr CheckSpec kAutomaticUpdates{
    "updates.automatic",
    "Security updates are installed automatically",
    Severity::Medium,
    "Automatic installation of updates closes known vulnerabilities without waiting for manual action, part of the "
    "management of technical vulnerabilities (A.8.8).",
    "Debian/Ubuntu: `apt install unattended-upgrades` and set APT::Periodic::Update-Package-Lists \"1\"; and "
    "APT::Periodic::Unattended-Upgrade \"1\"; in /etc/apt/apt.conf.d/20auto-upgrades (unmask apt-daily*.timer). "
    "RHEL: `dnf install dnf-automatic`, set apply_updates = yes in /etc/dnf/automatic.conf and "
    "`systemctl enable --now dnf-automatic.timer`.",
};

Outcome runAutomaticUpdates(const CheckContext& ctx) { return evaluateAutomaticUpdates(probeAutomaticUpdates(ctx)); }

ANNEXA_REGISTER_CHECK(kAutomaticUpdates, runAutomaticUpdates);

constexpr CheckSpec kUpdatesRecent{
    "updates.recent",
    "Package lists were refreshed and upgrades applied recently",
    Severity::High,
    "Recently refreshed package metadata and recently applied upgrades show that published fixes for technical "
    "vulnerabilities reach the host within the agreed time (A.8.8).",
    "Run `apt update && apt upgrade` (or `dnf upgrade`) now and schedule it (updates.automatic); the maximum age is "
    "updates.max_age_days in the agent configuration.",
};

Outcome runUpdatesRecent(const CheckContext& ctx) {
  UpdateHistoryFacts facts;
  facts.family = packageFamily(ctx.system);
  if (facts.family == PackageFamily::Apt) {
    probeAptHistory(ctx.system, facts);
    // Without a Packages index (lists never fetched, or cleaned) what is pending is unknown: no pending facts.
    if (auto pending = probePendingUpgrades(ctx); pending.indexes > 0 || !pending.error.empty())
      facts.pending = std::move(pending);
  }
  if (facts.family == PackageFamily::Dnf) probeDnfHistory(ctx.system, facts);
  return evaluateUpdatesRecent(facts, ctx.now, ctx.config.thresholds.updatesMaxAgeDays);
}

ANNEXA_REGISTER_CHECK(kUpdatesRecent, runUpdatesRecent);

constexpr CheckSpec kRebootRequired{
    "updates.reboot_required",
    "No reboot is pending to activate installed updates",
    Severity::Medium,
    "Updates to the kernel and core libraries only take effect after a reboot; a pending reboot means installed fixes "
    "for technical vulnerabilities are not yet active (A.8.8).",
    "Reboot the host in the next maintenance window (e.g. `systemctl reboot`), or configure "
    "Unattended-Upgrade::Automatic-Reboot \"true\" with a suitable Automatic-Reboot-Time.",
};

Outcome runRebootRequired(const CheckContext& ctx) { return evaluateRebootRequired(probeReboot(ctx.system)); }

ANNEXA_REGISTER_CHECK(kRebootRequired, runRebootRequired);

}  // namespace
}  // namespace annexa::agent::checks
