#include "agent/checks/accounts.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <tuple>

#include "agent/facts/host_facts.hpp"
#include "agent/facts/login_defs.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

constexpr std::size_t kMaxConfigBytes = 4 * 1024 * 1024;
constexpr int kMaxIncludeDepth = 8;  // sudo allows 128; real policies nest one or two levels
constexpr std::array kNoLoginShells = {"/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false"};
// Historic accounts whose "shell" is the one command they exist to run.
constexpr std::array kCommandAccounts = {"sync", "shutdown", "halt"};
constexpr std::array kSudoBinaries = {"/usr/bin/sudo", "/bin/sudo", "/usr/sbin/sudo", "/usr/local/bin/sudo"};

bool isIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string describeAccount(const PasswdEntry& e) {
  return e.name + " (uid " + std::to_string(e.uid) + ", home " + e.home + ", shell " +
         (e.shell.empty() ? "empty = /bin/sh" : e.shell) + ")";
}

bool hasNoLoginShell(const PasswdEntry& e) {
  if (std::find(kNoLoginShells.begin(), kNoLoginShells.end(), e.shell) != kNoLoginShells.end()) return true;
  return std::find(kCommandAccounts.begin(), kCommandAccounts.end(), e.name) != kCommandAccounts.end() &&
         baseName(e.shell) == e.name;
}

// sudoers: '#' starts a comment unless it is an #include directive or a numeric uid ("#1000").
std::string stripSudoersComment(std::string_view line) {
  line = text::trim(line);
  if (text::startsWith(line, "#include")) return std::string(line);
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\') {
      ++i;
    } else if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"') {
      quote = c;
    } else if (c == '#' && !(i + 1 < line.size() && std::isdigit(static_cast<unsigned char>(line[i + 1])))) {
      return std::string(text::trim(line.substr(0, i)));
    }
  }
  return std::string(line);
}

// Splits "a, b=\"x,y\", !c" on commas outside quotes.
std::vector<std::string> splitParameters(std::string_view list) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    if (c == '\\' && i + 1 < list.size()) {
      out.back() += list.substr(i, 2);
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
      out.back() += c;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string unquote(std::string_view value) {
  value = text::trim(value);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  return std::string(value);
}

struct IncludeDirective {
  bool directory = false;
  std::string path;
};

std::optional<IncludeDirective> includeDirective(std::string_view text) {
  const auto words = text::splitWords(text);
  if (words.size() < 2) return std::nullopt;
  if (words[0] == "@include" || words[0] == "#include") return IncludeDirective{false, unquote(words[1])};
  if (words[0] == "@includedir" || words[0] == "#includedir") return IncludeDirective{true, unquote(words[1])};
  return std::nullopt;
}

// sudo resolves relative include paths against the directory of the including file.
std::string resolveInclude(const std::string& includingFile, const std::string& target) {
  if (text::startsWith(target, "/")) return target;
  const auto slash = includingFile.rfind('/');
  return joinPath(slash == 0 ? "/" : includingFile.substr(0, slash), target);
}

// sudo's includedir skips editor backups and package-manager leftovers.
bool includedFromDirectory(std::string_view name) {
  return name.find('.') == std::string_view::npos && !text::endsWith(name, "~");
}

VoidResult readSudoersFile(const SystemView& system, const std::string& path, int depth, SudoersFacts& facts) {
  if (depth > kMaxIncludeDepth) return makeError(path + ": sudoers includes nest deeper than 8 levels");
  if (std::find(facts.files.begin(), facts.files.end(), path) != facts.files.end()) return success();
  auto content = system.readFile(path, kMaxConfigBytes);
  if (!content) return makeError("cannot read " + content.error());
  facts.files.push_back(path);
  for (auto& line : parseSudoersLines(*content, path)) {
    const auto include = includeDirective(line.text);
    if (!include) {
      facts.lines.push_back(std::move(line));
      continue;
    }
    const std::string target = resolveInclude(path, include->path);
    if (!include->directory) {
      if (auto r = readSudoersFile(system, target, depth + 1, facts); !r) return r;
      continue;
    }
    if (!system.exists(target)) continue;  // sudo ignores a missing include directory
    auto names = system.listDirectory(target);
    if (!names) return makeError("cannot list " + names.error());
    for (const auto& name : *names) {
      const auto file = joinPath(target, name);
      if (!includedFromDirectory(name) || !system.isRegularFile(file)) continue;
      if (auto r = readSudoersFile(system, file, depth + 1, facts); !r) return r;
    }
  }
  return success();
}

Outcome notInstalled(const std::string& expected) {
  return Outcome::notApplicable("sudo is not installed (no sudo binary, no /etc/sudoers)",
                                {{"/usr/bin/sudo, /etc/sudoers", "absent", expected}});
}

// "… NOPASSWD: …" as a tag (not part of an alias name).
bool hasNopasswdTag(std::string_view text) {
  for (auto pos = text.find("NOPASSWD"); pos != std::string_view::npos; pos = text.find("NOPASSWD", pos + 1)) {
    if (pos > 0 && isIdentifierChar(text[pos - 1])) continue;
    const auto after = text::trim(text.substr(pos + 8));
    if (!after.empty() && after.front() == ':') return true;
  }
  return false;
}

}  // namespace

// ---- the local user database -------------------------------------------------------------------------------------

namespace {

bool isCSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// STRING_FIELD of glibc's files-parse.c: up to the next ':' (or the end), which is consumed.
std::string stringField(std::string_view& line) {
  const auto colon = line.find(':');
  std::string field(line.substr(0, colon));
  line = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  return field;
}

// INT_FIELD (and INT_FIELD_MAYBE_NULL when `maybeNull`): strtoul(line, &end, 10), then ':' or the end of the line.
// nullopt: glibc rejects the line. `written` is false when a MAYBE_NULL field had no digits (glibc uses 0).
std::optional<long long> intField(std::string_view& line, bool maybeNull, bool& written) {
  written = true;
  if (maybeNull && line.empty()) return std::nullopt;
  const std::string copy(line);
  char* end = nullptr;
  errno = 0;
  const unsigned long value = std::strtoul(copy.c_str(), &end, 10);
  const auto consumed = static_cast<std::size_t>(end - copy.c_str());
  // glibc 2.36 rejects a value beyond 32 bits ("4294967296", and "-1", which strtoul turns into ULONG_MAX).
  if (consumed > 0 && (errno == ERANGE || value > 0xFFFFFFFFUL)) return std::nullopt;
  long long result = static_cast<long long>(value);
  if (consumed == 0) {
    if (!maybeNull) return std::nullopt;
    written = false;
    result = 0;
  }
  if (consumed < copy.size() && copy[consumed] != ':') return std::nullopt;
  line = consumed < copy.size() ? line.substr(consumed + 1) : std::string_view();
  return result;
}

}  // namespace

std::vector<PasswdEntry> parsePasswd(std::string_view content) {
  std::vector<PasswdEntry> out;
  int lineNumber = 0;
  std::size_t start = 0;
  while (start < content.size()) {
    ++lineNumber;
    auto end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(start, end - start);
    start = end + 1;
    if (const auto nul = line.find('\0'); nul != std::string_view::npos) line = line.substr(0, nul);
    while (!line.empty() && isCSpace(line.front())) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    PasswdEntry entry;
    entry.lineNumber = lineNumber;
    entry.name = stringField(line);
    entry.nisCompat = !entry.name.empty() && (entry.name.front() == '+' || entry.name.front() == '-');
    if (line.empty() && entry.nisCompat) {  // a bare "+": glibc returns it with every other field empty
      entry.uidWritten = false;
      out.push_back(std::move(entry));
      continue;
    }
    (void)stringField(line);                          // the password field
    bool uidWritten = true;
    bool gidWritten = true;
    const auto uid = intField(line, entry.nisCompat, uidWritten);
    if (!uid) continue;
    const auto gid = intField(line, entry.nisCompat, gidWritten);
    if (!gid) continue;
    entry.uid = *uid;
    entry.gid = *gid;
    entry.uidWritten = uidWritten;
    (void)stringField(line);  // GECOS
    entry.home = stringField(line);
    entry.shell = std::string(line);
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<PasswdEntry>> readPasswd(const SystemView& system) {
  auto content = system.readFile("/etc/passwd", kMaxConfigBytes);
  if (!content) return makeError("cannot read " + content.error());
  auto entries = parsePasswd(*content);
  if (entries.empty()) return makeError("/etc/passwd lists no valid account");
  return entries;
}

LoginDefs parseLoginDefs(std::string_view content) {
  LoginDefs defs;
  // useradd: (uid_t) getdef_ulong("UID_MIN", 1000UL), with shadow-utils' line and number rules.
  if (const auto value = agent::parseLoginDefs(content).get("UID_MIN")) {
    if (const auto number = shadowGetULong(value->value)) {
      defs.uidMin = static_cast<long long>(static_cast<std::uint32_t>(*number));
      defs.uidMinSource = "/etc/login.defs: UID_MIN " + value->value;
    } else {
      defs.uidMinSource = "/etc/login.defs: UID_MIN \"" + value->value +
                          "\" cannot be parsed by shadow-utils (default 1000 applies)";
    }
  }
  return defs;
}

Result<LoginDefs> readLoginDefs(const SystemView& system) {
  auto where = system.probe("/etc/login.defs");
  if (!where) return makeError("cannot read " + where.error());
  if (!*where) return LoginDefs{};
  auto content = system.readFile("/etc/login.defs", kMaxConfigBytes);
  if (!content) return makeError("cannot read " + content.error());
  return parseLoginDefs(*content);
}

// ---- accounts.uid0_only_root -------------------------------------------------------------------------------------

Outcome evaluateUid0OnlyRoot(const Result<std::vector<PasswdEntry>>& passwd) {
  if (!passwd) return Outcome::error(passwd.error());
  const std::string expected = "only root has uid 0";
  std::vector<Evidence> extra;
  for (const auto& e : *passwd) {
    if (e.uid != 0 || e.name == "root") continue;
    if (e.nisCompat && !e.uidWritten) continue;  // "+@group::::::" takes its uid from NIS under nsswitch compat
    extra.push_back({"/etc/passwd:" + std::to_string(e.lineNumber),
                     describeAccount(e) + (e.nisCompat ? " (a NIS compat line; glibc's files service reads it as an "
                                                         "account of that name)"
                                                       : ""),
                     expected});
  }
  if (!extra.empty())
    return Outcome::fail(std::to_string(extra.size()) + " account(s) besides root have uid 0 (full root power)",
                         extra);
  return Outcome::pass("Only root has uid 0", {{"/etc/passwd", "uid 0: root only", expected}});
}

// ---- accounts.system_shells --------------------------------------------------------------------------------------

Outcome evaluateSystemShells(const Result<std::vector<PasswdEntry>>& passwd, const Result<LoginDefs>& loginDefs) {
  if (!passwd) return Outcome::error(passwd.error());
  if (!loginDefs) return Outcome::error(loginDefs.error());
  const std::string expected = "a nologin or false shell (/usr/sbin/nologin, /sbin/nologin, /bin/false)";
  const Evidence uidMin{"/etc/login.defs", loginDefs->uidMinSource + " (system accounts: uid below " +
                                               std::to_string(loginDefs->uidMin) + ", except root)",
                      "UID_MIN from /etc/login.defs (default 1000)"};
  std::vector<Evidence> interactive;
  std::size_t systemAccounts = 0;
  for (const auto& e : *passwd) {
    if (e.nisCompat || e.name == "root" || e.uid >= loginDefs->uidMin) continue;
    ++systemAccounts;
    if (!hasNoLoginShell(e))
      interactive.push_back({"/etc/passwd:" + std::to_string(e.lineNumber), describeAccount(e), expected});
  }
  if (!interactive.empty()) {
    interactive.push_back(uidMin);
    return Outcome::fail(std::to_string(interactive.size() - 1) + " system account(s) have a login shell",
                         interactive);
  }
  return Outcome::pass("All " + std::to_string(systemAccounts) + " system accounts have a non-login shell",
                       {{"/etc/passwd", std::to_string(systemAccounts) + " system accounts, none with a login shell",
                         expected},
                        uidMin});
}

// ---- sudoers -----------------------------------------------------------------------------------------------------

std::vector<SudoersLine> parseSudoersLines(std::string_view content, const std::string& file) {
  std::vector<SudoersLine> out;
  std::string pending;
  int start = 0;
  int number = 0;
  const auto flush = [&] {
    auto stripped = stripSudoersComment(pending);
    if (!stripped.empty()) out.push_back({file, start, std::move(stripped)});
    pending.clear();
  };
  for (const auto line : text::lines(content)) {
    ++number;
    if (pending.empty()) start = number;
    if (text::endsWith(line, "\\")) {
      pending.append(line.substr(0, line.size() - 1)).append(" ");
      continue;
    }
    pending.append(line);
    flush();
  }
  if (!pending.empty()) flush();
  return out;
}

Result<SudoersFacts> readSudoers(const SystemView& system) {
  SudoersFacts facts;
  const bool hasBinary =
      std::any_of(kSudoBinaries.begin(), kSudoBinaries.end(), [&](const char* p) { return system.exists(p); });
  facts.installed = hasBinary || system.exists("/etc/sudoers");
  if (!facts.installed) return facts;
  if (!system.exists("/etc/sudoers")) return makeError("sudo is installed but /etc/sudoers is missing");
  if (auto r = readSudoersFile(system, "/etc/sudoers", 0, facts); !r) return makeError(r.error());
  return facts;
}

std::vector<SudoDefault> parseDefaults(const SudoersLine& line) {
  std::vector<SudoDefault> out;
  std::string_view rest(line.text);
  if (!text::startsWith(rest, "Defaults")) return out;
  rest.remove_prefix(8);
  std::string scope;
  if (!rest.empty() && std::string_view(":@!>").find(rest.front()) != std::string_view::npos) {
    const auto blank = rest.find_first_of(" \t");
    scope = std::string(rest.substr(0, blank));
    rest = blank == std::string_view::npos ? std::string_view() : rest.substr(blank);
  } else if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') {
    return out;  // "Defaultsfoo": not a Defaults line
  }
  for (const auto& raw : splitParameters(rest)) {
    std::string_view parameter = text::trim(raw);
    SudoDefault d{scope, {}, false, std::nullopt, &line};
    while (!parameter.empty() && parameter.front() == '!') {
      d.negated = !d.negated;
      parameter = text::trim(parameter.substr(1));
    }
    const auto eq = parameter.find('=');
    std::string_view name = text::trim(parameter.substr(0, eq));
    if (eq != std::string_view::npos) {
      if (!name.empty() && (name.back() == '+' || name.back() == '-')) name = text::trim(name.substr(0, name.size() - 1));
      d.value = unquote(parameter.substr(eq + 1));
    }
    d.name = std::string(name);
    if (!d.name.empty()) out.push_back(std::move(d));
  }
  return out;
}

std::optional<bool> usePtyDefault(std::string_view version) {
  if (const auto colon = version.find(':'); colon != std::string_view::npos) version.remove_prefix(colon + 1);
  long long parts[3] = {0, 0, 0};
  for (auto& part : parts) {
    std::size_t digits = 0;
    while (digits < version.size() && std::isdigit(static_cast<unsigned char>(version[digits]))) ++digits;
    if (digits == 0 || !text::parseInt(version.substr(0, digits), part)) return std::nullopt;
    version.remove_prefix(digits);
    if (!version.empty() && version.front() == '.') version.remove_prefix(1);
  }
  return std::make_tuple(parts[0], parts[1], parts[2]) >= std::make_tuple(1LL, 9LL, 14LL);
}

// ---- sudo.nopasswd -----------------------------------------------------------------------------------------------

Outcome evaluateSudoNopasswd(const Result<SudoersFacts>& facts) {
  if (!facts) return Outcome::error(facts.error());
  const std::string expected = "every sudo rule asks for the user's password";
  if (!facts->installed) return notInstalled(expected);
  std::vector<Evidence> findings;
  for (const auto& line : facts->lines) {
    bool found = hasNopasswdTag(line.text);
    for (const auto& d : parseDefaults(line)) found = found || (d.name == "authenticate" && d.negated);
    if (found) findings.push_back({line.where(), text::truncate(line.text, 200), expected});
  }
  if (!findings.empty())
    return Outcome::fail(std::to_string(findings.size()) +
                             " sudoers rule(s) let users act as another user without their password",
                         findings);
  return Outcome::pass("No sudo rule waives the password",
                       {{text::join(facts->files, ", "),
                         "no NOPASSWD tag or !authenticate in " + std::to_string(facts->files.size()) + " file(s)",
                         expected}});
}

// ---- sudo.use_pty_and_log ----------------------------------------------------------------------------------------

namespace {

struct SudoLogging {
  bool usePty = false;
  std::string usePtyObserved;
  std::string usePtySource = "/etc/sudoers";
  bool syslog = true;  // sudo logs to syslog (authpriv) unless !syslog
  std::string syslogObserved = "syslog not disabled (sudo's default: facility authpriv)";
  std::string syslogSource = "/etc/sudoers";
  std::optional<std::string> logfile;  // off by default
  std::string logfileObserved;
  std::string logfileSource;
  bool logAllowed = true;
  std::vector<Evidence> weakenings;  // scoped or global Defaults that switch these off
};

SudoLogging effectiveLogging(const SudoersFacts& facts) {
  SudoLogging s;
  const auto ptyDefault = usePtyDefault(facts.version);
  s.usePty = ptyDefault.value_or(false);
  s.usePtyObserved = "use_pty not set (" +
                     (ptyDefault ? std::string(*ptyDefault ? "on" : "off") + " by default in sudo " + facts.version
                                 : std::string("sudo version unknown; off by default before 1.9.14")) +
                     ")";
  std::vector<SudoDefault> scoped;
  for (const auto& line : facts.lines) {
    for (auto& d : parseDefaults(line)) {
      if (!d.scope.empty()) {
        scoped.push_back(std::move(d));
        continue;
      }
      const std::string observed = text::truncate(d.line->text, 200);
      if (d.name == "use_pty") {
        s.usePty = !d.negated;
        s.usePtyObserved = observed;
        s.usePtySource = d.line->where();
      } else if (d.name == "syslog") {
        s.syslog = !d.negated;
        s.syslogObserved = observed;
        s.syslogSource = d.line->where();
      } else if (d.name == "logfile") {
        s.logfile = d.negated ? std::nullopt : d.value;
        s.logfileObserved = observed;
        s.logfileSource = d.line->where();
      } else if (d.name == "log_allowed" && d.negated) {
        s.logAllowed = false;
        s.weakenings.push_back({d.line->where(), observed, "allowed commands are logged"});
      }
    }
  }
  // Exceptions for some users, hosts or commands weaken the policy for those.
  for (const auto& d : scoped) {
    const bool weakens = d.negated && (d.name == "use_pty" || d.name == "log_allowed" ||
                                       (d.name == "syslog" && !s.logfile) || (d.name == "logfile" && !s.syslog));
    if (weakens)
      s.weakenings.push_back({d.line->where(), text::truncate(d.line->text, 200), "no exception to use_pty/logging"});
  }
  return s;
}

}  // namespace

Outcome evaluateSudoPtyAndLog(const Result<SudoersFacts>& facts) {
  if (!facts) return Outcome::error(facts.error());
  if (!facts->installed) return notInstalled("Defaults use_pty; logging not disabled");
  const auto s = effectiveLogging(*facts);
  const bool logging = s.syslog || s.logfile;
  std::vector<Evidence> evidence{{s.usePtySource, s.usePtyObserved, "Defaults use_pty"}};
  if (s.logfile) evidence.push_back({s.logfileSource, s.logfileObserved, "syslog not disabled, or Defaults logfile=…"});
  else evidence.push_back({s.syslogSource, s.syslogObserved, "syslog not disabled, or Defaults logfile=…"});
  evidence.insert(evidence.end(), s.weakenings.begin(), s.weakenings.end());

  std::vector<std::string> problems;
  if (!s.usePty) problems.emplace_back("commands do not run in a separate pseudo-terminal (use_pty off)");
  if (!logging) problems.emplace_back("sudo logs neither to syslog nor to a log file");
  if (!s.weakenings.empty()) problems.emplace_back("Defaults exceptions switch use_pty or logging off");
  if (!problems.empty()) return Outcome::fail("sudo: " + text::join(problems, "; "), evidence);
  return Outcome::pass(std::string("sudo runs commands in a pseudo-terminal and logs them to ") +
                           (s.logfile ? *s.logfile : "syslog"),
                       evidence);
}

namespace {

// ---- registration ------------------------------------------------------------------------------------------------

constexpr CheckSpec kUid0OnlyRoot{
    "accounts.uid0_only_root",
    "Only root has user id 0",
    Severity::Critical,
    "Every account with uid 0 holds unrestricted privileged access; allowing only the one known root account keeps "
    "privileged access rights restricted and attributable (A.8.2).",
    "Give each extra uid-0 account its own unprivileged uid (usermod -u) or remove it (userdel), and grant the "
    "administrative rights it needs through sudo instead.",
};

constexpr CheckSpec kSystemShells{
    "accounts.system_shells",
    "System accounts cannot log in interactively",
    Severity::Medium,
    "Service and system accounts exist to own files and run daemons, not for people: a nologin shell prevents their "
    "use as shared, unattributable identities (A.5.18) and as an unmanaged path to the privileges they hold (A.8.2).",
    "Set a non-login shell on each listed account: usermod -s /usr/sbin/nologin NAME (RHEL: /sbin/nologin).",
};

constexpr CheckSpec kSudoNopasswd{
    "sudo.nopasswd",
    "sudo asks for the user's password",
    Severity::High,
    "Re-authenticating before privileged use means a hijacked session or an unattended terminal does not give "
    "root away; NOPASSWD (or Defaults !authenticate) removes that control over privileged access rights (A.8.2).",
    "Remove the NOPASSWD: tag (and any Defaults !authenticate) from /etc/sudoers and /etc/sudoers.d/* with visudo; "
    "for automation, grant a narrowly scoped command to a dedicated service account and document the exception.",
};

constexpr CheckSpec kSudoPtyAndLog{
    "sudo.use_pty_and_log",
    "sudo runs commands in a pseudo-terminal and logs them",
    Severity::Medium,
    "Logging every sudo invocation (syslog or a sudo log file) records privileged activity as evidence (A.8.15); "
    "use_pty stops a command run as root from injecting keystrokes into the user's terminal after it ends, so the "
    "log reflects what actually ran.",
    "Add `Defaults use_pty` to /etc/sudoers (visudo), remove any `Defaults !syslog`/`!log_allowed` and scoped "
    "exceptions, and optionally add `Defaults logfile=/var/log/sudo.log`.",
};

Outcome runUid0OnlyRoot(const CheckContext& ctx) { return evaluateUid0OnlyRoot(readPasswd(ctx.system)); }

Outcome runSystemShells(const CheckContext& ctx) {
  return evaluateSystemShells(readPasswd(ctx.system), readLoginDefs(ctx.system));
}

std::string installedSudoVersion(HostFacts& facts) {
  const auto& packages = facts.packages();
  if (!packages) return {};
  for (const char* name : {"sudo", "sudo-ldap"})
    if (const auto it = packages->versions.find(name); it != packages->versions.end()) return it->second;
  return {};
}

Outcome runSudoNopasswd(const CheckContext& ctx) { return evaluateSudoNopasswd(readSudoers(ctx.system)); }

Outcome runSudoPtyAndLog(const CheckContext& ctx) {
  auto facts = readSudoers(ctx.system);
  if (facts && facts->installed) facts->version = installedSudoVersion(ctx.facts);
  return evaluateSudoPtyAndLog(facts);
}

ANNEXA_REGISTER_CHECK(kUid0OnlyRoot, runUid0OnlyRoot);
ANNEXA_REGISTER_CHECK(kSystemShells, runSystemShells);
ANNEXA_REGISTER_CHECK(kSudoNopasswd, runSudoNopasswd);
ANNEXA_REGISTER_CHECK(kSudoPtyAndLog, runSudoPtyAndLog);

}  // namespace
}  // namespace annexa::agent::checks
