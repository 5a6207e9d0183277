#include "agent/facts/schedule.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <map>

#include "common/text.hpp"

namespace annexa::agent {
namespace {

// Highest precedence first, as systemd looks units up.
constexpr const char* kUnitDirectories[] = {"/etc/systemd/system", "/run/systemd/system",
                                            "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
                                            "/lib/systemd/system"};
constexpr const char* kRunPartsPeriods[] = {"hourly", "daily", "weekly", "monthly"};
// Any of these runs crontabs (cron, cronie, anacron for the periodic directories, fcron, systemd-cron).
constexpr const char* kCronImplementations[] = {"/usr/sbin/cron",
                                                "/usr/sbin/crond",
                                                "/usr/sbin/anacron",
                                                "/usr/sbin/fcron",
                                                "/lib/systemd/system-generators/systemd-crontab-generator",
                                                "/usr/lib/systemd/system-generators/systemd-crontab-generator"};
constexpr std::size_t kMaxEntriesPerDirectory = 256;
constexpr std::size_t kMaxCrontabBytes = 256 * 1024;
constexpr std::size_t kMaxScriptBytes = 64 * 1024;

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Blanks and shell punctuation end a command word; a table because this runs on every byte of every script.
constexpr auto kCommandSeparators = [] {
  std::array<bool, 256> table{};
  for (const char c : std::string_view(" \t\r\n;|&()<>\"'`=,")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool isCommandSeparator(char c) { return kCommandSeparators[static_cast<unsigned char>(c)]; }

// The first of `programs` that `text` runs as a command word (split on blanks and shell punctuation, compared by
// basename so /usr/bin/restic counts), or nullptr. One pass, no allocation: this runs over every scheduled script.
const std::string_view* runsProgram(std::string_view text, const std::vector<std::string_view>& programs) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && !isCommandSeparator(text[i])) continue;
    if (i > start) {
      const auto word = baseName(text.substr(start, i - start));
      for (const auto& program : programs)
        if (word == program) return &program;
    }
    start = i + 1;
  }
  return nullptr;
}

// "restic-backup.timer" names restic; "borgmatic.timer" does not name borg.
bool nameMentions(std::string_view name, std::string_view program) {
  for (auto pos = name.find(program); pos != std::string_view::npos; pos = name.find(program, pos + 1)) {
    const bool startOk = pos == 0 || !isWordChar(name[pos - 1]);
    const auto end = pos + program.size();
    if (startOk && (end == name.size() || !isWordChar(name[end]))) return true;
  }
  return false;
}

bool isDebian(const SystemView& system) { return system.exists("/etc/debian_version"); }

// The program a command line starts (skipping systemd's ExecStart prefixes and an explicit shell).
std::string firstProgram(std::string_view command) {
  auto words = text::splitWords(command);
  if (words.empty()) return {};
  std::string first = words[0];
  first.erase(0, first.find_first_not_of("@-:+!"));
  const auto base = baseName(first);
  if ((base == "sh" || base == "bash" || base == "dash") && words.size() > 1 && words[1].front() == '/')
    return words[1];
  return first;
}

// The text of a small script the job runs, so a wrapper like /usr/local/sbin/nightly-backup is looked into.
void attachScript(const SystemView& system, ScheduledJob& job, const std::string& path) {
  if (path.empty() || path.front() != '/') return;
  const auto info = system.stat(path);
  if (!info || info->type != FileType::Regular || info->size > static_cast<std::int64_t>(kMaxScriptBytes)) return;
  auto content = system.readFile(path, kMaxScriptBytes);
  if (!content || content->find('\0') != std::string::npos) return;  // a binary, not a script
  job.scriptPath = path;
  job.scriptText = std::move(*content);
}

// The remainder of `line` after `count` blank-separated fields.
std::string_view afterFields(std::string_view line, std::size_t count, std::vector<std::string>& fields) {
  std::size_t i = 0;
  for (std::size_t n = 0; n < count; ++n) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i == start) return {};
    fields.emplace_back(line.substr(start, i - start));
  }
  return text::trim(line.substr(i));
}

bool isEnvironmentAssignment(std::string_view line) {
  const auto eq = line.find('=');
  if (eq == std::string_view::npos) return false;
  const auto name = text::trim(line.substr(0, eq));
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return isWordChar(c) || c == '_'; });
}

// ---- cron --------------------------------------------------------------------------------------------------------

void addCrontab(const SystemView& system, Schedule& out, const std::string& path, bool hasUserField,
                const std::string& inactiveReason) {
  auto content = system.readFile(path, kMaxCrontabBytes);
  if (!content) {
    out.unreadable.push_back(content.error());
    return;
  }
  for (auto& entry : parseCrontab(*content, hasUserField)) {
    ScheduledJob job;
    job.kind = ScheduledJob::Kind::Cron;
    job.name = path;
    job.source = path;
    job.schedule = entry.schedule;
    job.command = entry.command;
    job.line = entry.line;
    job.inactiveReason = inactiveReason;
    attachScript(system, job, firstProgram(job.command));
    out.jobs.push_back(std::move(job));
  }
}

// Entries of a directory that exists; an unreadable one is recorded, a missing one is simply empty.
std::vector<std::string> listIfPresent(const SystemView& system, Schedule& out, const std::string& directory) {
  if (!system.exists(directory)) return {};
  auto names = system.listDirectory(directory);
  if (!names) {
    out.unreadable.push_back(names.error());
    return {};
  }
  if (names->size() > kMaxEntriesPerDirectory) names->resize(kMaxEntriesPerDirectory);
  return std::move(*names);
}

void collectCron(const SystemView& system, Schedule& out) {
  for (const char* path : kCronImplementations)
    if (system.exists(path)) out.cronInstalled = true;
  const std::string noCron = out.cronInstalled ? "" : "no cron daemon is installed";
  const bool debian = isDebian(system);

  if (system.exists("/etc/crontab")) addCrontab(system, out, "/etc/crontab", true, noCron);
  for (const auto& name : listIfPresent(system, out, "/etc/cron.d")) {
    const auto path = joinPath("/etc/cron.d", name);
    if (!system.isRegularFile(path)) continue;
    const auto ignored = cronNameIgnoredReason(name, debian);
    addCrontab(system, out, path, true, ignored ? *ignored : noCron);
  }
  // Per-user crontabs: Debian keeps them in crontabs/, the RHEL family directly in /var/spool/cron.
  for (const char* directory : {"/var/spool/cron/crontabs", "/var/spool/cron"})
    for (const auto& name : listIfPresent(system, out, directory)) {
      const auto path = joinPath(directory, name);
      if (system.isRegularFile(path)) addCrontab(system, out, path, false, noCron);
    }

  for (const char* period : kRunPartsPeriods) {
    const std::string directory = std::string("/etc/cron.") + period;
    for (const auto& name : listIfPresent(system, out, directory)) {
      const auto path = joinPath(directory, name);
      const auto info = system.stat(path);
      if (!info || info->type != FileType::Regular) continue;
      ScheduledJob job;
      job.kind = ScheduledJob::Kind::Cron;
      job.name = path;
      job.source = directory;
      job.schedule = period;
      job.command = path;
      job.line = path + " (run-parts " + period + ")";
      if (const auto ignored = cronNameIgnoredReason(name, debian)) job.inactiveReason = *ignored;
      else if ((info->mode & 0111) == 0) job.inactiveReason = "not executable, run-parts skips it";
      else job.inactiveReason = noCron;
      attachScript(system, job, path);
      out.jobs.push_back(std::move(job));
    }
  }
}

// ---- systemd timers ----------------------------------------------------------------------------------------------

// "foo@bar.timer" is defined by the template "foo@.timer".
std::string templateName(std::string_view unit) {
  const auto at = unit.find('@');
  const auto dot = unit.rfind('.');
  if (at == std::string_view::npos || dot == std::string_view::npos || dot < at) return std::string(unit);
  return std::string(unit.substr(0, at + 1)) + std::string(unit.substr(dot));
}

struct UnitFile {
  std::string path;  // empty when not found
  std::vector<IniEntry> entries;
};

// The unit file (first found by precedence, or its template) followed by its drop-ins (by file name; /etc wins).
UnitFile readUnit(const SystemView& system, std::string_view unit) {
  UnitFile out;
  for (const auto& candidate : {std::string(unit), templateName(unit)}) {
    for (const char* dir : kUnitDirectories) {
      const auto path = joinPath(dir, candidate);
      if (!system.isRegularFile(path)) continue;
      auto content = system.readFile(path, kMaxCrontabBytes);
      if (!content) continue;
      out.path = path;
      out.entries = parseSystemdIni(*content);
      break;
    }
    if (!out.path.empty()) break;
  }
  if (out.path.empty()) return out;
  std::map<std::string, std::string> dropIns;
  for (auto dir = std::rbegin(kUnitDirectories); dir != std::rend(kUnitDirectories); ++dir)
    for (const auto& path : system.glob(joinPath(*dir, std::string(unit) + ".d") + "/*.conf"))
      dropIns[std::string(baseName(path))] = path;
  for (const auto& [name, path] : dropIns)
    if (auto content = system.readFile(path, kMaxCrontabBytes)) {
      auto entries = parseSystemdIni(*content);
      out.entries.insert(out.entries.end(), entries.begin(), entries.end());
    }
  return out;
}

bool isMasked(const SystemView& system, std::string_view unit) {
  for (const char* dir : {"/etc/systemd/system", "/run/systemd/system"})
    if (auto target = system.readLink(joinPath(dir, unit)); target && *target == "/dev/null") return true;
  return false;
}

// The unit directories that exist, each real directory once (/lib is /usr/lib on merged-/usr systems).
std::vector<std::string> distinctUnitDirectories(const SystemView& system) {
  std::vector<std::string> out;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
  for (const char* dir : kUnitDirectories) {
    const auto info = system.stat(dir);
    if (!info || info->type != FileType::Directory) continue;
    const std::pair<std::uint64_t, std::uint64_t> identity{info->device, info->inode};
    if (std::find(seen.begin(), seen.end(), identity) != seen.end()) continue;
    seen.push_back(identity);
    out.emplace_back(dir);
  }
  return out;
}

std::vector<std::string> enabledTimers(const SystemView& system) {
  std::vector<std::string> timers;
  for (const auto& dir : distinctUnitDirectories(system)) {
    auto entries = system.listDirectory(dir);
    if (!entries) continue;
    for (const auto& entry : *entries) {
      if (!text::endsWith(entry, ".wants") && !text::endsWith(entry, ".requires")) continue;
      auto linked = system.listDirectory(joinPath(dir, entry));
      if (!linked) continue;
      for (const auto& unit : *linked)
        if (text::endsWith(unit, ".timer") && std::find(timers.begin(), timers.end(), unit) == timers.end())
          timers.push_back(unit);
    }
  }
  std::sort(timers.begin(), timers.end());
  return timers;
}

ScheduledJob describeTimer(const SystemView& system, const std::string& timer) {
  ScheduledJob job;
  job.kind = ScheduledJob::Kind::SystemdTimer;
  job.name = timer;
  if (isMasked(system, timer)) {
    job.source = "/etc/systemd/system/" + timer;
    job.line = timer + " (masked)";
    job.inactiveReason = "timer is masked";
    return job;
  }
  const auto timerUnit = readUnit(system, timer);
  job.source = timerUnit.path;
  if (timerUnit.path.empty()) {
    job.line = timer;
    job.inactiveReason = "enabled but its unit file is missing";
    return job;
  }
  std::string service = timer.substr(0, timer.size() - 6) + ".service";
  std::vector<std::string> triggers;
  for (const auto& e : timerUnit.entries) {
    if (e.section != "Timer") continue;
    if (e.key == "Unit") service = e.value;
    else if (text::startsWith(e.key, "On") && !e.value.empty()) triggers.push_back(e.key + "=" + e.value);
  }
  job.schedule = text::join(triggers, "; ");
  const auto serviceUnit = readUnit(system, service);
  std::vector<std::string> execStart;
  for (const auto& e : serviceUnit.entries)
    if (e.section == "Service" && e.key == "ExecStart") {
      if (e.value.empty()) execStart.clear();  // an empty assignment resets the list (drop-in override)
      else execStart.push_back(e.value);
    }
  job.command = text::join(execStart, "\n");
  job.line = timer + " (" + job.schedule + ") → " + service + ": ExecStart=" + text::join(execStart, " ; ");
  if (serviceUnit.path.empty()) job.inactiveReason = "triggers " + service + ", which does not exist";
  else if (triggers.empty()) job.inactiveReason = "timer has no On…= trigger";
  if (!execStart.empty()) attachScript(system, job, firstProgram(execStart.front()));
  if (auto stamp = system.stat("/var/lib/systemd/timers/stamp-" + timer)) job.lastTriggered = stamp->mtime;
  return job;
}

}  // namespace

std::vector<CronEntry> parseCrontab(std::string_view content, bool hasUserField) {
  std::vector<CronEntry> out;
  for (const auto raw : text::lines(content)) {
    const auto line = text::trim(raw);
    if (line.empty() || line.front() == '#' || isEnvironmentAssignment(line)) continue;
    std::vector<std::string> fields;
    const std::size_t timeFields = line.front() == '@' ? 1 : 5;
    const auto command = afterFields(line, timeFields + (hasUserField ? 1 : 0), fields);
    if (command.empty()) continue;  // malformed: cron rejects it too
    CronEntry entry;
    entry.schedule = text::join(std::vector<std::string>(fields.begin(), fields.begin() + timeFields), " ");
    if (hasUserField) entry.user = fields.back();
    entry.command = std::string(command);
    entry.line = std::string(line);
    out.push_back(std::move(entry));
  }
  return out;
}

std::optional<std::string> cronNameIgnoredReason(std::string_view name, bool debianNaming) {
  if (name.empty() || name.front() == '.') return "hidden file, ignored";
  for (const char* suffix : {"~", ".rpmsave", ".rpmorig", ".rpmnew", ".swp", ".dpkg-old", ".dpkg-dist", ".dpkg-new"})
    if (text::endsWith(name, suffix)) return "editor or package backup copy, ignored";
  if (debianNaming &&
      !std::all_of(name.begin(), name.end(), [](char c) { return isWordChar(c) || c == '_' || c == '-'; }))
    return "name is not [A-Za-z0-9_-]+, so Debian's cron/run-parts ignores it";
  return std::nullopt;
}

std::vector<IniEntry> parseSystemdIni(std::string_view content) {
  std::vector<IniEntry> out;
  std::string section;
  std::string pending;  // a line continued with a trailing backslash
  for (const auto raw : text::lines(content)) {
    auto line = text::trim(raw);
    if (pending.empty() && (line.empty() || line.front() == '#' || line.front() == ';')) continue;
    if (!line.empty() && line.back() == '\\') {
      pending += std::string(text::trim(line.substr(0, line.size() - 1))) + " ";
      continue;
    }
    std::string full = pending + std::string(line);
    pending.clear();
    const auto trimmed = text::trim(full);
    if (trimmed.size() >= 2 && trimmed.front() == '[' && trimmed.back() == ']') {
      section = std::string(trimmed.substr(1, trimmed.size() - 2));
      continue;
    }
    const auto eq = trimmed.find('=');
    if (eq == std::string_view::npos) continue;
    out.push_back(
        {section, std::string(text::trim(trimmed.substr(0, eq))), std::string(text::trim(trimmed.substr(eq + 1)))});
  }
  return out;
}

std::optional<JobMention> jobMentions(const ScheduledJob& job, const std::vector<std::string_view>& programs) {
  if (const auto* program = runsProgram(job.command, programs)) return JobMention{std::string(*program), job.line};
  std::string_view script = job.scriptText;
  while (!script.empty()) {
    const auto newline = script.find('\n');
    const auto line = text::trim(script.substr(0, newline));
    script = newline == std::string_view::npos ? std::string_view() : script.substr(newline + 1);
    if (line.empty() || line.front() == '#') continue;
    if (const auto* program = runsProgram(line, programs))
      return JobMention{std::string(*program), job.line + " → " + job.scriptPath + ": " + text::truncate(line, 160)};
  }
  // A job's own name describes it ("restic-backup.timer", /etc/cron.d/timeshift-hourly); a user crontab's is a user.
  if (text::startsWith(job.source, "/var/spool/")) return std::nullopt;
  for (const auto& program : programs)
    if (nameMentions(baseName(job.name), program)) return JobMention{std::string(program), job.line};
  return std::nullopt;
}

Schedule collectSchedule(const SystemView& system) {
  Schedule out;
  for (const auto& timer : enabledTimers(system)) out.jobs.push_back(describeTimer(system, timer));
  collectCron(system, out);
  return out;
}

}  // namespace annexa::agent
