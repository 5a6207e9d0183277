#include "agent/checks/desktop.hpp"

#include <algorithm>

#include "agent/facts/host_facts.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {

// ---- parsers -----------------------------------------------------------------------------------------------------

namespace {

DesktopSetting* gnomeSetting(GnomeSettings& settings, std::string_view schema, std::string_view key) {
  if (schema == "org.gnome.desktop.screensaver" && key == "lock-enabled") return &settings.lockEnabled;
  if (schema == "org.gnome.desktop.screensaver" && key == "lock-delay") return &settings.lockDelay;
  if (schema == "org.gnome.desktop.session" && key == "idle-delay") return &settings.idleDelay;
  if (schema == "org.gnome.desktop.lockdown" && key == "disable-lock-screen") return &settings.lockDisabled;
  return nullptr;
}

// "[org/gnome/desktop/session]" or "[org.gnome.desktop.session:GNOME]" → "org.gnome.desktop.session".
std::string schemaOfGroup(std::string_view group) {
  std::string out(group.substr(1, group.size() - 2));
  if (const auto colon = out.find(':'); colon != std::string::npos) out.erase(colon);
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

// The value of attribute `name` in one XML start tag.
std::optional<std::string> xmlAttribute(std::string_view tag, std::string_view name) {
  const std::string needle = " " + std::string(name) + "=\"";
  const auto at = tag.find(needle);
  if (at == std::string_view::npos) return std::nullopt;
  const auto start = at + needle.size();
  const auto end = tag.find('"', start);
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(tag.substr(start, end - start));
}

}  // namespace

void applyGnomeKeyfile(std::string_view content, std::string_view path, GnomeSettings& settings) {
  std::string schema;
  for (const auto raw : text::lines(content)) {
    const auto line = text::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      schema = schemaOfGroup(line);
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    if (auto* setting = gnomeSetting(settings, schema, text::trim(line.substr(0, eq)))) {
      setting->value = std::string(text::trim(line.substr(eq + 1)));
      setting->source = std::string(path);
    }
  }
}

void applyDconfLocks(std::string_view content, GnomeSettings& settings) {
  for (const auto raw : text::lines(content)) {
    const auto line = text::trim(raw);
    if (line.empty() || line.front() != '/') continue;
    // "/org/gnome/desktop/session/idle-delay", or a directory "/org/gnome/desktop/session/" locking all its keys.
    const auto slash = line.rfind('/');
    std::string schema(line.substr(1, slash == 0 ? 0 : slash - 1));
    std::replace(schema.begin(), schema.end(), '/', '.');
    const auto key = line.substr(slash + 1);
    for (const auto* candidate : {"lock-enabled", "lock-delay", "idle-delay", "disable-lock-screen"}) {
      if (!key.empty() && key != candidate) continue;
      if (auto* setting = gnomeSetting(settings, schema, candidate)) setting->locked = true;
    }
  }
}

std::vector<std::string> dconfSystemDatabases(std::string_view profile) {
  std::vector<std::string> databases;
  for (const auto raw : text::lines(profile)) {
    const auto line = text::stripComment(raw);
    if (text::startsWith(line, "system-db:")) databases.emplace_back(text::trim(line.substr(10)));
  }
  return databases;
}

std::optional<long long> parseGVariantInteger(std::string_view value) {
  value = text::trim(value);
  for (const std::string_view prefix : {"uint32 ", "int32 ", "uint64 ", "int64 "})
    if (text::startsWith(value, prefix)) value = text::trim(value.substr(prefix.size()));
  long long number = 0;
  if (!text::parseInt(value, number)) return std::nullopt;
  return number;
}

std::map<std::string, std::string> parseXfconfChannel(std::string_view xml) {
  std::map<std::string, std::string> properties;
  std::vector<std::string> open;  // names of the enclosing <property> elements
  std::size_t at = 0;
  while ((at = xml.find('<', at)) != std::string_view::npos) {
    const auto end = xml.find('>', at);
    if (end == std::string_view::npos) break;
    const auto tag = xml.substr(at, end - at + 1);
    at = end + 1;
    if (text::startsWith(tag, "</property")) {
      if (!open.empty()) open.pop_back();
      continue;
    }
    if (!text::startsWith(tag, "<property ")) continue;
    const auto name = xmlAttribute(tag, "name");
    if (!name) continue;
    std::string path;
    for (const auto& parent : open) path += "/" + parent;
    path += "/" + *name;
    if (const auto value = xmlAttribute(tag, "value")) properties[path] = *value;
    if (!text::endsWith(tag, "/>")) open.push_back(*name);
  }
  return properties;
}

// ---- evaluation --------------------------------------------------------------------------------------------------

namespace {

struct DesktopVerdict {
  CheckStatus status = CheckStatus::Error;
  std::string summary;
  std::vector<Evidence> evidence;
};

std::string lockNote(const DesktopSetting& setting) { return setting.locked ? " (locked)" : " (users may change it)"; }

DesktopVerdict evaluateGnome(const GnomeSettings& gnome, long long maxIdle) {
  const std::string limit = std::to_string(maxIdle) + " s";
  std::vector<Evidence> evidence{
      {gnome.lockEnabled.source, "lock-enabled=" + gnome.lockEnabled.value + lockNote(gnome.lockEnabled),
       "lock-enabled=true"},
      {gnome.idleDelay.source, "idle-delay=" + gnome.idleDelay.value + lockNote(gnome.idleDelay),
       "idle-delay + lock-delay ≤ " + limit + ", not 0"}};
  if (gnome.lockDelay.source != "GNOME default")
    evidence.push_back({gnome.lockDelay.source, "lock-delay=" + gnome.lockDelay.value, "lock-delay small"});
  if (gnome.lockDisabled.value != "false")
    evidence.push_back(
        {gnome.lockDisabled.source, "disable-lock-screen=" + gnome.lockDisabled.value, "disable-lock-screen=false"});
  if (!gnome.unreadable.empty())
    evidence.push_back({"/etc/dconf/db", "unreadable: " + text::join(gnome.unreadable, ", "), "readable"});
  if (gnome.lockDisabled.value == "true")
    return {CheckStatus::Fail, "GNOME's lock screen is disabled (disable-lock-screen=true)", evidence};
  if (gnome.lockEnabled.value != "true")
    return {CheckStatus::Fail, "GNOME does not lock the screen when it blanks (lock-enabled=" +
                                   gnome.lockEnabled.value + ")", evidence};
  const auto idle = parseGVariantInteger(gnome.idleDelay.value);
  const auto lockDelay = parseGVariantInteger(gnome.lockDelay.value);
  if (!idle || !lockDelay)
    return {CheckStatus::Error, "cannot parse GNOME idle-delay/lock-delay (" + gnome.idleDelay.value + ", " +
                                    gnome.lockDelay.value + ")", evidence};
  if (!gnome.unreadable.empty())
    return {CheckStatus::Error, "cannot read the GNOME dconf settings: " + text::join(gnome.unreadable, ", "), evidence};
  if (*idle == 0) return {CheckStatus::Fail, "GNOME never blanks an idle screen (idle-delay=0)", evidence};
  const long long total = *idle + *lockDelay;
  if (total > maxIdle)
    return {CheckStatus::Fail, "GNOME locks only after " + std::to_string(total) + " s idle (limit " + limit + ")",
            evidence};
  return {CheckStatus::Pass, "GNOME locks the screen after " + std::to_string(total) + " s idle", evidence};
}

// kscreenlockerrc [Daemon]: Autolock (default true), Timeout in minutes (default 5), LockGrace in s (default 5).
DesktopVerdict evaluateKde(const FileProbe& config, long long maxIdle) {
  const std::string path = "/etc/xdg/kscreenlockerrc";
  const std::string expected = "Autolock=true, Timeout×60 + LockGrace ≤ " + std::to_string(maxIdle) + " s";
  if (config.isUnreadable())
    return {CheckStatus::Error, "cannot read " + path + ": " + config.text, {{path, "unreadable: " + config.text, expected}}};
  std::string autolock = "true", timeout = "5", grace = "5";
  bool inDaemon = false;
  for (const auto raw : text::lines(config.isRead() ? std::string_view(config.text) : std::string_view())) {
    const auto line = text::trim(raw);
    if (!line.empty() && line.front() == '[') {
      inDaemon = text::startsWith(line, "[Daemon]");
      continue;
    }
    const auto eq = line.find('=');
    if (!inDaemon || eq == std::string_view::npos) continue;
    auto key = text::trim(line.substr(0, eq));
    if (const auto marker = key.find('['); marker != std::string_view::npos) key = key.substr(0, marker);  // [$i]
    const std::string value(text::trim(line.substr(eq + 1)));
    if (key == "Autolock") autolock = value;
    else if (key == "Timeout") timeout = value;
    else if (key == "LockGrace") grace = value;
  }
  const std::vector<Evidence> evidence{
      {path, (config.isMissing() ? "missing (KDE defaults): " : "") + std::string("Autolock=") + autolock +
                 ", Timeout=" + timeout + " min, LockGrace=" + grace + " s",
       expected}};
  if (!text::iequals(autolock, "true"))
    return {CheckStatus::Fail, "KDE Plasma does not lock automatically (Autolock=" + autolock + ")", evidence};
  long long minutes = 0, graceSeconds = 0;
  if (!text::parseInt(timeout, minutes) || !text::parseInt(grace, graceSeconds))
    return {CheckStatus::Error, "cannot parse KDE Timeout/LockGrace (" + timeout + ", " + grace + ")", evidence};
  const long long total = minutes * 60 + graceSeconds;
  if (minutes <= 0 || total > maxIdle)
    return {CheckStatus::Fail, "KDE Plasma locks only after " + std::to_string(total) + " s idle", evidence};
  return {CheckStatus::Pass, "KDE Plasma locks the screen after " + std::to_string(total) + " s idle", evidence};
}

std::string propertyOr(const std::map<std::string, std::string>& properties, const std::string& key,
                       std::string fallback) {
  const auto it = properties.find(key);
  return it == properties.end() ? fallback : it->second;
}

DesktopVerdict evaluateXfce(const XfceFacts& xfce, long long maxIdle) {
  const std::string limit = std::to_string(maxIdle) + " s";
  if (xfce.locker == XfceLocker::None)
    return {CheckStatus::Fail, "Xfce has no screen locker (xfce4-screensaver or light-locker) installed",
            {{"xfce4-screensaver, light-locker", "not installed", "a screen locker"}}};
  if (xfce.channel.isUnreadable())
    return {CheckStatus::Error, "cannot read " + xfce.channelPath + ": " + xfce.channel.text,
            {{xfce.channelPath, "unreadable: " + xfce.channel.text, "readable"}}};
  const auto properties = parseXfconfChannel(xfce.channel.isRead() ? xfce.channel.text : std::string());
  const std::string defaults = xfce.channel.isMissing() ? " (defaults)" : "";
  long long minutes = 0;
  if (xfce.locker == XfceLocker::LightLocker) {
    // light-locker locks when the power manager blanks the screen.
    const auto blank = propertyOr(properties, "/xfce4-power-manager/blank-on-ac", "10");
    const std::vector<Evidence> evidence{{xfce.channelPath, "blank-on-ac=" + blank + " min" + defaults,
                                          "blank-on-ac > 0 and ≤ " + limit}};
    if (!text::parseInt(blank, minutes)) return {CheckStatus::Error, "cannot parse blank-on-ac " + blank, evidence};
    if (minutes <= 0 || minutes * 60 > maxIdle)
      return {CheckStatus::Fail, "Xfce (light-locker) locks only when the screen blanks, after " + blank + " min",
              evidence};
    return {CheckStatus::Pass, "Xfce (light-locker) locks the screen after " + blank + " min idle", evidence};
  }
  const auto value = [&](const std::string& key, const char* fallback) { return propertyOr(properties, key, fallback); };
  const auto saver = value("/saver/enabled", "true");
  const auto onIdle = value("/saver/idle-activation/enabled", "true");
  const auto delay = value("/saver/idle-activation/delay", "5");
  const auto lock = value("/lock/enabled", "true");
  const auto lockWithSaver = value("/lock/saver-activation/enabled", "true");
  const auto lockDelay = value("/lock/saver-activation/delay", "0");
  const std::vector<Evidence> evidence{
      {xfce.channelPath,
       "saver " + saver + ", idle-activation " + onIdle + " after " + delay + " min, lock " + lock +
           ", lock on saver " + lockWithSaver + " after " + lockDelay + " min" + defaults,
       "saver, idle activation and lock enabled; delays ≤ " + limit}};
  if (lock != "true" || lockWithSaver != "true")
    return {CheckStatus::Fail, "xfce4-screensaver does not lock the screen", evidence};
  if (saver != "true" || onIdle != "true")
    return {CheckStatus::Fail, "xfce4-screensaver never activates on idle", evidence};
  long long lockMinutes = 0;
  if (!text::parseInt(delay, minutes) || !text::parseInt(lockDelay, lockMinutes))
    return {CheckStatus::Error, "cannot parse xfce4-screensaver delays", evidence};
  const long long total = (minutes + lockMinutes) * 60;
  if (total > maxIdle)
    return {CheckStatus::Fail, "xfce4-screensaver locks only after " + std::to_string(total) + " s idle", evidence};
  return {CheckStatus::Pass, "xfce4-screensaver locks the screen after " + std::to_string(total) + " s idle", evidence};
}

}  // namespace

Outcome evaluateScreenLock(const DesktopFacts& facts, long long maxIdleSeconds) {
  const auto& presence = facts.presence;
  const Evidence seen{"packages, /usr/bin, display-manager.service",
                      presence.seen.empty() ? "no desktop environment or display manager" : text::join(presence.seen, ", "),
                      "GNOME, KDE Plasma or Xfce when a desktop is installed"};
  if (!presence.any())
    return Outcome::notApplicable("No graphical desktop is installed (no GNOME, KDE Plasma, Xfce or display manager)",
                                  {seen});
  std::vector<DesktopVerdict> verdicts;
  if (facts.gnome) verdicts.push_back(evaluateGnome(*facts.gnome, maxIdleSeconds));
  if (facts.kde) verdicts.push_back(evaluateKde(*facts.kde, maxIdleSeconds));
  if (facts.xfce) verdicts.push_back(evaluateXfce(*facts.xfce, maxIdleSeconds));
  if (verdicts.empty())
    return Outcome::error("A display manager is installed but no supported desktop (GNOME, KDE Plasma, Xfce) was "
                          "found, so the screen lock cannot be evaluated",
                          {seen});
  std::vector<Evidence> evidence{seen};
  for (const auto& v : verdicts) evidence.insert(evidence.end(), v.evidence.begin(), v.evidence.end());
  // Every installed desktop must lock: a user may pick any of them at login.
  for (const auto status : {CheckStatus::Fail, CheckStatus::Error}) {
    std::vector<std::string> summaries;
    for (const auto& v : verdicts)
      if (v.status == status) summaries.push_back(v.summary);
    if (summaries.empty()) continue;
    const auto message = text::join(summaries, "; ");
    return status == CheckStatus::Fail ? Outcome::fail(message, evidence) : Outcome::error(message, evidence);
  }
  std::vector<std::string> summaries;
  for (const auto& v : verdicts) summaries.push_back(v.summary);
  return Outcome::pass(text::join(summaries, "; "), evidence);
}

// ---- probe -------------------------------------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxDconfFiles = 200;

bool installedAny(const Result<PackageDatabase>& packages, std::initializer_list<std::string_view> names,
                  std::vector<std::string>& seen) {
  if (!packages) return false;
  for (const auto name : names)
    if (packages->installed(name)) {
      seen.push_back("package " + std::string(name));
      return true;
    }
  return false;
}

bool binaryPresent(const SystemView& system, std::string_view path, std::vector<std::string>& seen) {
  if (!system.exists(path)) return false;
  seen.emplace_back(path);
  return true;
}

DesktopPresence probePresence(const CheckContext& ctx) {
  const auto& packages = ctx.facts.packages();
  DesktopPresence p;
  // Both sources are looked at so the evidence names everything that showed the desktop.
  const bool gnomePackage = installedAny(packages, {"gnome-shell"}, p.seen);
  p.gnome = binaryPresent(ctx.system, "/usr/bin/gnome-shell", p.seen) || gnomePackage;
  const bool kdePackage = installedAny(packages, {"plasma-workspace", "plasma-desktop"}, p.seen);
  p.kde = binaryPresent(ctx.system, "/usr/bin/plasmashell", p.seen) || kdePackage;
  const bool xfcePackage = installedAny(packages, {"xfce4-session"}, p.seen);
  p.xfce = binaryPresent(ctx.system, "/usr/bin/xfce4-session", p.seen) || xfcePackage;
  p.displayManager = installedAny(packages, {"gdm3", "gdm", "lightdm", "sddm", "xdm", "lxdm", "slim"}, p.seen);
  if (ctx.facts.unitExists("display-manager.service")) {
    p.displayManager = true;
    p.seen.emplace_back("display-manager.service");
  }
  return p;
}

void applyFile(const SystemView& system, const std::string& path, GnomeSettings& settings, bool locks) {
  const auto file = probeFile(system, path, 256 * 1024);
  if (file.isUnreadable()) settings.unreadable.push_back(file.text);
  else if (file.isRead()) locks ? applyDconfLocks(file.text, settings) : applyGnomeKeyfile(file.text, path, settings);
}

std::vector<std::string> regularFiles(const SystemView& system, const std::string& directory) {
  std::vector<std::string> files;
  const auto names = system.listDirectory(directory);
  if (!names) return files;
  for (const auto& name : *names) {
    const std::string path = joinPath(directory, name);
    if (name.front() != '.' && system.isRegularFile(path)) files.push_back(path);
    if (files.size() >= kMaxDconfFiles) break;
  }
  return files;
}

GnomeSettings probeGnome(const SystemView& system) {
  GnomeSettings settings;
  // Vendor overrides, applied in name order (later files win), then dconf databases, lowest priority first.
  for (const auto& path : system.glob("/usr/share/glib-2.0/schemas/*.gschema.override"))
    applyFile(system, path, settings, false);
  auto profile = system.readFile("/etc/dconf/profile/user", 64 * 1024);
  if (!profile) profile = system.readFile("/usr/share/dconf/profile/user", 64 * 1024);
  if (!profile) return settings;  // no profile: only the user's own database, i.e. the defaults above
  auto databases = dconfSystemDatabases(*profile);
  std::reverse(databases.begin(), databases.end());
  for (const auto& db : databases) {
    const std::string directory = "/etc/dconf/db/" + db + ".d";
    for (const auto& path : regularFiles(system, directory)) applyFile(system, path, settings, false);
    for (const auto& path : regularFiles(system, directory + "/locks")) applyFile(system, path, settings, true);
  }
  return settings;
}

XfceFacts probeXfce(const CheckContext& ctx) {
  const auto& packages = ctx.facts.packages();
  std::vector<std::string> ignored;
  XfceFacts xfce;
  const std::string channels = "/etc/xdg/xfce4/xfconf/xfce-perchannel-xml/";
  if (installedAny(packages, {"xfce4-screensaver"}, ignored) || ctx.system.exists("/usr/bin/xfce4-screensaver")) {
    xfce.locker = XfceLocker::Screensaver;
    xfce.channelPath = channels + "xfce4-screensaver.xml";
  } else if (installedAny(packages, {"light-locker"}, ignored) || ctx.system.exists("/usr/bin/light-locker")) {
    xfce.locker = XfceLocker::LightLocker;
    xfce.channelPath = channels + "xfce4-power-manager.xml";
  } else {
    return xfce;
  }
  xfce.channel = probeFile(ctx.system, xfce.channelPath);
  return xfce;
}

Outcome runScreenLock(const CheckContext& ctx) {
  DesktopFacts facts;
  facts.presence = probePresence(ctx);
  if (facts.presence.gnome) facts.gnome = probeGnome(ctx.system);
  if (facts.presence.kde) facts.kde = probeFile(ctx.system, "/etc/xdg/kscreenlockerrc");
  if (facts.presence.xfce) facts.xfce = probeXfce(ctx);
  return evaluateScreenLock(facts, ctx.config.thresholds.screenLockMaxIdleSeconds);
}

constexpr CheckSpec kScreenLock{
    "desktop.screen_lock",
    "Idle desktop sessions lock the screen",
    Severity::Medium,
    "An unattended, unlocked session lets anyone at the device act as its user. Locking the screen after a short "
    "idle period protects user endpoint devices (A.8.1) and enforces the clear-screen rule (A.7.7). The check reads "
    "the system-wide settings every session starts with (GNOME schema overrides and dconf system databases, "
    "/etc/xdg/kscreenlockerrc, the Xfce xfconf channels) and notes whether users may change them.",
    "GNOME: create /etc/dconf/db/local.d/00-screensaver with [org/gnome/desktop/session] idle-delay=uint32 300 and "
    "[org/gnome/desktop/screensaver] lock-enabled=true lock-delay=uint32 0, list both keys in "
    "/etc/dconf/db/local.d/locks/screensaver, make sure /etc/dconf/profile/user has `system-db:local`, run "
    "`dconf update`. KDE: [Daemon] Autolock=true, Timeout=5 in /etc/xdg/kscreenlockerrc. Xfce: install "
    "xfce4-screensaver and keep locking enabled with a delay of at most the limit (desktop.max_idle_seconds).",
};

ANNEXA_REGISTER_CHECK(kScreenLock, runScreenLock);

}  // namespace
}  // namespace annexa::agent::checks
