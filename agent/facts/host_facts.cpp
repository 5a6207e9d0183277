#include "agent/facts/host_facts.hpp"

#include <algorithm>
#include <cctype>
#include <fnmatch.h>

#include "common/text.hpp"

namespace annexa::agent {
namespace {

constexpr const char* kUnitDirectories[] = {"/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system",
                                            "/lib/systemd/system"};
// systemd's CONF_PATHS("sysctl.d") (split-/usr builds include /lib) and procps' list: highest priority first.
constexpr const char* kSysctlDirectories[] = {"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
                                              "/usr/lib/sysctl.d", "/lib/sysctl.d"};

bool isNumber(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

const Result<std::vector<ProcessInfo>>& HostFacts::processes() {
  if (processes_) return *processes_;
  auto entries = system_.listDirectory("/proc");
  if (!entries) {
    processes_.emplace(makeError("cannot list processes: " + entries.error()));
    return *processes_;
  }
  std::vector<ProcessInfo> list;
  for (const auto& name : *entries) {
    if (!isNumber(name)) continue;
    ProcessInfo info;
    long long pid = 0;
    text::parseInt(name, pid);
    info.pid = static_cast<int>(pid);
    const std::string base = "/proc/" + name;
    if (auto comm = system_.readFile(base + "/comm", 4096)) info.comm = std::string(text::trim(*comm));
    if (auto cmdline = system_.readFile(base + "/cmdline", 64 * 1024)) {
      const auto args = text::split(*cmdline, '\0');
      if (!args.empty()) info.command = std::string(baseName(args.front()));
      std::string joined;
      for (const auto& a : args) {
        if (a.empty()) continue;
        if (!joined.empty()) joined += ' ';
        joined += a;
      }
      info.cmdline = std::move(joined);
    }
    if (info.comm.empty() && info.command.empty()) continue;  // exited while we looked
    list.push_back(std::move(info));
  }
  processes_.emplace(std::move(list));
  return *processes_;
}

std::optional<ProcessInfo> HostFacts::findProcess(const std::vector<std::string_view>& names) {
  const auto& list = processes();
  if (!list) return std::nullopt;
  for (const auto& p : *list)
    for (const auto name : names)
      if (p.comm == name || p.command == name) return p;
  return std::nullopt;
}

PackageDatabase parseDpkgStatus(std::string_view statusFile) {
  PackageDatabase db;
  db.source = "/var/lib/dpkg/status";
  std::string name;
  std::string version;
  bool installed = false;
  const auto flush = [&] {
    if (!name.empty() && installed) db.versions[name] = version;
    name.clear();
    version.clear();
    installed = false;
  };
  for (const auto line : text::lines(statusFile)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (text::startsWith(line, "Package:")) name = std::string(text::trim(line.substr(8)));
    else if (text::startsWith(line, "Version:")) version = std::string(text::trim(line.substr(8)));
    else if (text::startsWith(line, "Status:")) installed = text::endsWith(text::trim(line), " installed") &&
                                                             text::contains(line, "install ok");
  }
  flush();
  return db;
}

const Result<PackageDatabase>& HostFacts::packages() {
  if (packages_) return *packages_;
  const auto statusFile = system_.probe("/var/lib/dpkg/status");
  if (!statusFile) {
    packages_.emplace(makeError("cannot read " + statusFile.error()));
  } else if (*statusFile) {
    auto status = system_.readFile("/var/lib/dpkg/status", 64 * 1024 * 1024);
    if (!status) {
      packages_.emplace(makeError("cannot read " + status.error()));
    } else {
      auto db = parseDpkgStatus(*status);
      if (db.versions.empty())  // an installed system has at least dpkg itself
        packages_.emplace(makeError("/var/lib/dpkg/status lists no installed package (empty or malformed)"));
      else
        packages_.emplace(std::move(db));
    }
  } else if (system_.exists("/var/lib/rpm")) {
    auto output = system_.runCommand({"rpm", "-qa", "--qf", "%{NAME} %{VERSION}-%{RELEASE}\\n"});
    if (!output || output->exitCode != 0) {
      packages_.emplace(makeError("rpm database present but unreadable: " +
                                  (output ? "rpm exited " + std::to_string(output->exitCode) : output.error())));
    } else {
      PackageDatabase db;
      db.source = "rpm";
      for (const auto line : text::lines(output->output)) {
        const auto words = text::splitWords(line);
        if (words.size() >= 2) db.versions[words[0]] = words[1];
      }
      packages_.emplace(std::move(db));
    }
  } else {
    packages_.emplace(makeError("no package database found (/var/lib/dpkg/status, /var/lib/rpm)"));
  }
  return *packages_;
}

std::string normaliseSysctlKey(std::string_view raw) {
  std::string key(text::trim(raw));
  const auto first = key.find_first_of("/.");
  if (first != std::string::npos && key[first] == '.')
    for (std::size_t i = first; i < key.size(); ++i) {
      if (key[i] == '.') key[i] = '/';
      else if (key[i] == '/') key[i] = '.';
    }
  // path_simplify(): no doubled or trailing slashes; the leading slash goes.
  std::string out;
  for (const char c : key)
    if (c != '/' || (!out.empty() && out.back() != '/')) out += c;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

std::vector<SysctlAssignment> parseSysctlFile(std::string_view content, std::string_view file) {
  std::vector<SysctlAssignment> out;
  int lineNumber = 0;
  for (const auto raw : text::lines(content)) {
    ++lineNumber;
    auto line = text::trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    SysctlAssignment a;
    a.file = std::string(file);
    a.line = lineNumber;
    const auto eq = line.find('=');
    if (eq != std::string_view::npos) {
      a.value = std::string(text::trim(line.substr(eq + 1)));
      line = line.substr(0, eq);
      if (!line.empty() && line.front() == '-') line.remove_prefix(1);
    } else {
      if (line.front() != '-') continue;  // "Line is not an assignment, ignoring"
      line.remove_prefix(1);
    }
    a.key = normaliseSysctlKey(line);
    if (a.key.empty()) continue;
    a.glob = a.key.find_first_of("*?[") != std::string::npos;
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<SysctlAssignment> effectiveSysctlAssignment(const std::vector<SysctlAssignment>& ordered,
                                                          std::string_view key, bool systemdSemantics) {
  const auto globMatches = [&](const SysctlAssignment& a) {
    return a.glob && ::fnmatch(a.key.c_str(), std::string(key).c_str(), FNM_PATHNAME) == 0;
  };
  if (!systemdSemantics) {
    // procps 4.0 (checked against `sysctl --system` as an oracle): explicit keys in turn, the last one wins and
    // beats any glob; globs, in turn, only reach keys no line names explicitly.
    std::optional<SysctlAssignment> explicitLast;
    std::optional<SysctlAssignment> globLast;
    for (const auto& a : ordered) {
      if (!a.value) continue;
      if (!a.glob && a.key == key) explicitLast = a;
      else if (globMatches(a)) globLast = a;
    }
    return explicitLast ? explicitLast : globLast;
  }
  // systemd-sysctl keeps an ordered map: a later assignment of the same key replaces the earlier one (and moves to
  // the end), then globs skip every key that has an explicit entry — even a value-less "-key".
  std::optional<SysctlAssignment> explicitEntry;
  for (const auto& a : ordered)
    if (!a.glob && a.key == key) explicitEntry = a;
  if (explicitEntry) return explicitEntry->value ? explicitEntry : std::nullopt;
  // Globs: the map keeps one entry per pattern at the position of its last assignment; applied in that order.
  std::vector<const SysctlAssignment*> globs;
  for (const auto& a : ordered) {
    if (!a.glob) continue;
    const auto same = std::find_if(globs.begin(), globs.end(), [&](const SysctlAssignment* g) { return g->key == a.key; });
    if (same != globs.end() && (*same)->value == a.value) continue;  // an identical assignment keeps its place
    globs.erase(std::remove_if(globs.begin(), globs.end(), [&](const SysctlAssignment* g) { return g->key == a.key; }),
                globs.end());
    globs.push_back(&a);
  }
  std::optional<SysctlAssignment> last;
  for (const auto* g : globs)
    if (g->value && globMatches(*g)) last = *g;
  return last;
}

std::vector<std::pair<std::string, std::string>> parseSysctlConf(std::string_view content) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& a : parseSysctlFile(content, "")) {
    if (!a.value) continue;
    std::string dotted = a.key;
    std::replace(dotted.begin(), dotted.end(), '/', '.');
    out.emplace_back(std::move(dotted), *a.value);
  }
  return out;
}

const HostFacts::SysctlConfig& HostFacts::sysctlConfig() {
  if (sysctlConfig_) return *sysctlConfig_;
  sysctlConfig_.emplace();
  auto& config = *sysctlConfig_;
  // Debian 12 boots with systemd-sysctl; a tree without it is read as procps' `sysctl --system` does.
  config.systemd = system_.exists("/usr/lib/systemd/systemd-sysctl") || system_.exists("/lib/systemd/systemd-sysctl");
  if (!system_.isLive()) {
    const auto etc = system_.probe("/etc");
    if (!etc) config.errors.push_back(etc.error());
    else if (!*etc || (*etc)->type != FileType::Directory)
      config.errors.push_back("the root has no /etc directory: it is not an operating system tree, so no boot "
                              "configuration or kernel default can be assumed");
  }
  // Both read the same directories, highest priority first; one file name is read once, from the first directory.
  std::map<std::string, std::string> byName;
  for (const char* dir : kSysctlDirectories) {
    auto names = system_.listDirectory(dir);
    if (!names) {
      auto where = system_.probe(dir);
      if (!where || *where) config.errors.push_back(names.error());
      continue;
    }
    for (const auto& name : *names)
      if (text::endsWith(name, ".conf")) byName.emplace(name, joinPath(dir, name));
  }
  std::vector<std::string> files;
  for (const auto& [name, path] : byName) files.push_back(path);
  if (!config.systemd) files.emplace_back("/etc/sysctl.conf");  // procps applies it last (systemd: only if linked)
  for (const auto& path : files) {
    auto where = system_.probe(path);
    if (!where) {
      config.errors.push_back(where.error());
      continue;
    }
    if (!*where) continue;  // /etc/sysctl.conf absent, or a dangling link
    if ((*where)->type == FileType::Directory) continue;  // conf_files_list skips directories
    if ((*where)->type == FileType::CharDevice) {  // a link to /dev/null masks the file
      if (auto target = system_.readLink(path); target && *target == "/dev/null") continue;
    }
    auto content = system_.readFile(path, 1024 * 1024);
    if (!content) {
      config.errors.push_back(content.error());
      continue;
    }
    auto parsed = parseSysctlFile(*content, path);
    config.assignments.insert(config.assignments.end(), parsed.begin(), parsed.end());
  }
  return config;
}

SysctlValue HostFacts::sysctl(std::string_view key) {
  SysctlValue value;
  const std::string normalised = normaliseSysctlKey(key);
  const std::string procPath = "/proc/sys/" + normalised;
  auto where = system_.probe(procPath);
  if (!where) {
    value.liveError = where.error();
  } else if (*where) {
    if (auto live = system_.readFile(procPath, 4096)) value.live = std::string(text::trim(*live));
    else value.liveError = live.error();
  }
  const auto& config = sysctlConfig();
  value.configErrors = config.errors;
  value.order = config.systemd ? "systemd-sysctl" : "sysctl --system";
  if (const auto a = effectiveSysctlAssignment(config.assignments, normalised, config.systemd)) {
    value.configured = *a->value;
    value.configuredIn = a->file + ":" + std::to_string(a->line);
    if (a->glob) {
      std::string shown = a->key;
      std::replace(shown.begin(), shown.end(), '/', '.');
      value.configuredIn += " (glob " + shown + ")";
    }
  }
  return value;
}

bool HostFacts::unitExists(std::string_view unit) const {
  for (const char* dir : kUnitDirectories)
    if (system_.exists(joinPath(dir, unit))) return true;
  return false;
}

bool HostFacts::unitEnabled(std::string_view unit) {
  // Masked: /etc/systemd/system/UNIT → /dev/null.
  if (auto target = system_.readLink(joinPath("/etc/systemd/system", unit)); target && *target == "/dev/null")
    return false;
  if (!wantedUnits_) {
    wantedUnits_.emplace();
    for (const char* dir : kUnitDirectories) {
      auto entries = system_.listDirectory(dir);
      if (!entries) continue;
      for (const auto& entry : *entries) {
        if (!text::endsWith(entry, ".wants") && !text::endsWith(entry, ".requires")) continue;
        auto linked = system_.listDirectory(joinPath(dir, entry));
        if (linked) wantedUnits_->insert(wantedUnits_->end(), linked->begin(), linked->end());
      }
    }
  }
  if (std::find(wantedUnits_->begin(), wantedUnits_->end(), unit) == wantedUnits_->end()) return false;
  // Linked is not enough: systemd loads the unit only from a readable unit file (not a FIFO, a loop, a device…).
  for (const char* dir : kUnitDirectories)
    if (system_.readFile(joinPath(dir, unit), 1024 * 1024)) return true;
  return false;
}

bool HostFacts::unitActive(std::string_view unit) const {
  // The entry is a symlink whose target is the invocation id, not a path: look at the link itself.
  return system_.lstat("/run/systemd/units/invocation:" + std::string(unit)).ok();
}

}  // namespace annexa::agent
