// Unattended desktops lock: GNOME (schema overrides + dconf system databases), KDE Plasma, Xfce.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/file_probe.hpp"

namespace annexa::agent::checks {

struct DesktopPresence {
  bool gnome = false;
  bool kde = false;
  bool xfce = false;
  bool displayManager = false;
  std::vector<std::string> seen;  // what showed it: "package gdm3", "/usr/bin/plasmashell", …
  bool any() const { return gnome || kde || xfce || displayManager; }
};

// One effective setting and where it came from.
struct DesktopSetting {
  std::string value;
  std::string source;
  bool locked = false;  // users cannot override it
};

// GNOME's effective system-wide values after schema defaults, vendor overrides and the dconf system databases.
struct GnomeSettings {
  DesktopSetting lockEnabled{"true", "GNOME default"};        // org.gnome.desktop.screensaver lock-enabled
  DesktopSetting lockDelay{"uint32 0", "GNOME default"};      // org.gnome.desktop.screensaver lock-delay (s)
  DesktopSetting idleDelay{"uint32 300", "GNOME default"};    // org.gnome.desktop.session idle-delay (s)
  DesktopSetting lockDisabled{"false", "GNOME default"};      // org.gnome.desktop.lockdown disable-lock-screen
  std::vector<std::string> unreadable;
};
// A keyfile in GSettings override form ([org.gnome.desktop.session], *.gschema.override) or dconf form
// ([org/gnome/desktop/session], /etc/dconf/db/NAME.d/*): later calls override earlier ones.
void applyGnomeKeyfile(std::string_view content, std::string_view path, GnomeSettings& settings);
// A dconf locks file: one key path per line ("/org/gnome/desktop/session/idle-delay").
void applyDconfLocks(std::string_view content, GnomeSettings& settings);
// The system databases a dconf profile names, highest priority first ("system-db:local").
std::vector<std::string> dconfSystemDatabases(std::string_view profile);
// "uint32 300", "300" → 300.
std::optional<long long> parseGVariantInteger(std::string_view value);

// Xfconf channel XML (nested <property name=… value=…>) flattened to "/saver/idle-activation/delay" → "5".
std::map<std::string, std::string> parseXfconfChannel(std::string_view xml);

enum class XfceLocker { Screensaver, LightLocker, None };
struct XfceFacts {
  XfceLocker locker = XfceLocker::None;
  std::string channelPath;  // xfce4-screensaver.xml or xfce4-power-manager.xml under /etc/xdg
  FileProbe channel;
};

struct DesktopFacts {
  DesktopPresence presence;
  std::optional<GnomeSettings> gnome;
  std::optional<FileProbe> kde;  // /etc/xdg/kscreenlockerrc
  std::optional<XfceFacts> xfce;
};
Outcome evaluateScreenLock(const DesktopFacts& facts, long long maxIdleSeconds);

}  // namespace annexa::agent::checks
