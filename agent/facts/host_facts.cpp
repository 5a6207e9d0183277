#include "agent/facts/host_facts.hpp"

#include <algorithm>
#include <cctype>

#include "common/text.hpp"

namespace annexa::agent {
namespace {

constexpr const char* kUnitDirectories[] = {"/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system",
                                            "/lib/systemd/system"};
// Later directories override earlier ones (same order as systemd-sysctl, /etc last so it wins).
constexpr const char* kSysctlDirectories[] = {"/usr/lib/sysctl.d", "/lib/sysctl.d", "/run/sysctl.d", "/etc/sysctl.d"};

bool isNumber(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string normaliseSysctlKey(std::string_view key) {
  std::string out(text::trim(key));
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
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
  if (auto status = system_.readFile("/var/lib/dpkg/status", 64 * 1024 * 1024)) {
    packages_.emplace(parseDpkgStatus(*status));
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

std::vector<std::pair<std::string, std::string>> parseSysctlConf(std::string_view content) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto raw : text::lines(content)) {
    auto line = text::trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '-') line.remove_prefix(1);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace_back(normaliseSysctlKey(line.substr(0, eq)), std::string(text::trim(line.substr(eq + 1))));
  }
  return out;
}

SysctlValue HostFacts::sysctl(std::string_view key) {
  SysctlValue value;
  std::string procPath = "/proc/sys/" + std::string(key);
  std::replace(procPath.begin() + 10, procPath.end(), '.', '/');
  if (auto live = system_.readFile(procPath, 4096)) value.live = std::string(text::trim(*live));

  if (!sysctlConfig_) {
    sysctlConfig_.emplace();
    // systemd-sysctl semantics: one file name wins across directories; files applied in name order; sysctl.conf last.
    std::map<std::string, std::string> byName;
    for (const char* dir : kSysctlDirectories)
      for (const auto& path : system_.glob(std::string(dir) + "/*.conf")) byName[std::string(baseName(path))] = path;
    std::vector<std::string> files;
    for (const auto& [name, path] : byName) files.push_back(path);
    files.emplace_back("/etc/sysctl.conf");
    for (const auto& path : files) {
      auto content = system_.readFile(path, 1024 * 1024);
      if (!content) continue;
      for (auto& [k, v] : parseSysctlConf(*content)) (*sysctlConfig_)[k] = {v, path};
    }
  }
  if (const auto it = sysctlConfig_->find(normaliseSysctlKey(key)); it != sysctlConfig_->end()) {
    value.configured = it->second.first;
    value.configuredIn = it->second.second;
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
  return std::find(wantedUnits_->begin(), wantedUnits_->end(), unit) != wantedUnits_->end();
}

bool HostFacts::unitActive(std::string_view unit) const {
  // The entry is a symlink whose target is the invocation id, not a path: look at the link itself.
  return system_.lstat("/run/systemd/units/invocation:" + std::string(unit)).ok();
}

}  // namespace annexa::agent
