#include <gtest/gtest.h>

#include "agent/checks/desktop.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

::testing::AssertionResult Contains(const std::string& haystack, std::string_view needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << '"' << haystack << "\" does not contain \"" << needle << '"';
}

constexpr long long kMaxIdle = 900;

DesktopFacts gnomeDesktop(GnomeSettings settings = {}) {
  DesktopFacts facts;
  facts.presence.gnome = true;
  facts.presence.seen = {"package gnome-shell"};
  facts.gnome = std::move(settings);
  return facts;
}

TEST(ScreenLock, NotApplicableWithoutADesktop) {
  const auto outcome = evaluateScreenLock(DesktopFacts{}, kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::NotApplicable);
  EXPECT_TRUE(Contains(outcome.message, "No graphical desktop is installed"));
  ASSERT_EQ(outcome.evidence.size(), 1u);
  EXPECT_EQ(outcome.evidence[0].observed, "no desktop environment or display manager");
}

TEST(ScreenLock, GnomeDefaultsLockAfterFiveMinutes) {
  const auto outcome = evaluateScreenLock(gnomeDesktop(), kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.message, "GNOME locks the screen after 300 s idle");
  ASSERT_GE(outcome.evidence.size(), 3u);
  EXPECT_EQ(outcome.evidence[2].source, "GNOME default");
  EXPECT_EQ(outcome.evidence[2].observed, "idle-delay=uint32 300 (users may change it)");
  // The limit comes from the configuration.
  EXPECT_EQ(evaluateScreenLock(gnomeDesktop(), 120).status, CheckStatus::Fail);
}

TEST(ScreenLock, GnomeWeakSettingsFail) {
  GnomeSettings settings;
  settings.idleDelay.value = "uint32 600";
  settings.lockDelay.value = "uint32 600";
  auto outcome = evaluateScreenLock(gnomeDesktop(settings), kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "GNOME locks only after 1200 s idle (limit 900 s)");

  settings = {};
  settings.idleDelay.value = "uint32 0";
  EXPECT_TRUE(Contains(evaluateScreenLock(gnomeDesktop(settings), kMaxIdle).message, "never blanks"));

  settings = {};
  settings.lockEnabled.value = "false";
  EXPECT_EQ(evaluateScreenLock(gnomeDesktop(settings), kMaxIdle).status, CheckStatus::Fail);

  settings = {};
  settings.lockDisabled.value = "true";
  outcome = evaluateScreenLock(gnomeDesktop(settings), kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "disable-lock-screen=true"));
}

TEST(ScreenLock, GnomeUnparseableOrUnreadableIsAnError) {
  GnomeSettings settings;
  settings.idleDelay.value = "'five minutes'";
  EXPECT_EQ(evaluateScreenLock(gnomeDesktop(settings), kMaxIdle).status, CheckStatus::Error);
  settings = {};
  settings.unreadable = {"/etc/dconf/db/local.d/00-lock: Permission denied"};
  const auto outcome = evaluateScreenLock(gnomeDesktop(settings), kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "Permission denied"));
}

TEST(ScreenLock, GnomeKeyfilesOverridesAndLocks) {
  GnomeSettings settings;
  applyGnomeKeyfile("[org.gnome.desktop.session:ubuntu]\nidle-delay=600\n", "/usr/share/x.gschema.override",
                    settings);
  EXPECT_EQ(settings.idleDelay.value, "600");
  EXPECT_EQ(settings.idleDelay.source, "/usr/share/x.gschema.override");
  applyGnomeKeyfile("# site\n[org/gnome/desktop/screensaver]\nlock-enabled=false\nlock-delay=uint32 30\n"
                    "[org/gnome/desktop/background]\nidle-delay=uint32 5\n",
                    "/etc/dconf/db/local.d/00", settings);
  EXPECT_EQ(settings.lockEnabled.value, "false");
  EXPECT_EQ(settings.lockDelay.value, "uint32 30");
  EXPECT_EQ(settings.idleDelay.value, "600") << "a key of another schema must not count";

  applyDconfLocks("/org/gnome/desktop/session/idle-delay\n/org/gnome/desktop/screensaver/\n", settings);
  EXPECT_TRUE(settings.idleDelay.locked);
  EXPECT_TRUE(settings.lockEnabled.locked);
  EXPECT_TRUE(settings.lockDelay.locked);
  EXPECT_FALSE(settings.lockDisabled.locked);

  EXPECT_EQ(dconfSystemDatabases("user-db:user\nsystem-db:local\nsystem-db:site # org\n"),
            (std::vector<std::string>{"local", "site"}));
  EXPECT_EQ(parseGVariantInteger("uint32 300"), 300);
  EXPECT_EQ(parseGVariantInteger("300"), 300);
  EXPECT_EQ(parseGVariantInteger("'300'"), std::nullopt);
}

TEST(ScreenLock, KdeUsesItsDefaultsUnlessConfigured) {
  DesktopFacts facts;
  facts.presence.kde = true;
  facts.kde = FileProbe::missing();
  auto outcome = evaluateScreenLock(facts, kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.message, "KDE Plasma locks the screen after 305 s idle");

  facts.kde = FileProbe::read("[Daemon][$i]\nAutolock[$i]=true\nTimeout=30\n");
  outcome = evaluateScreenLock(facts, kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence[1].observed, "Autolock=true, Timeout=30 min, LockGrace=5 s");

  facts.kde = FileProbe::read("[Daemon]\nAutolock=false\n");
  EXPECT_TRUE(Contains(evaluateScreenLock(facts, kMaxIdle).message, "does not lock automatically"));
  facts.kde = FileProbe::unreadable("/etc/xdg/kscreenlockerrc: Permission denied");
  EXPECT_EQ(evaluateScreenLock(facts, kMaxIdle).status, CheckStatus::Error);
}

TEST(ScreenLock, XfconfChannelsAndXfceVerdicts) {
  const auto properties = parseXfconfChannel(
      "<?xml version=\"1.0\"?>\n<channel name=\"xfce4-screensaver\" version=\"1.0\">\n"
      "  <property name=\"saver\" type=\"empty\">\n"
      "    <property name=\"idle-activation\" type=\"empty\">\n"
      "      <property name=\"delay\" type=\"int\" value=\"10\"/>\n"
      "    </property>\n"
      "  </property>\n"
      "  <property name=\"lock\" type=\"empty\">\n    <property name=\"enabled\" type=\"bool\" value=\"false\"/>\n"
      "  </property>\n</channel>\n");
  EXPECT_EQ(properties.size(), 2u);
  EXPECT_EQ(properties.at("/saver/idle-activation/delay"), "10");
  EXPECT_EQ(properties.at("/lock/enabled"), "false");

  DesktopFacts facts;
  facts.presence.xfce = true;
  facts.xfce = XfceFacts{};
  auto outcome = evaluateScreenLock(facts, kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(Contains(outcome.message, "no screen locker"));

  facts.xfce = XfceFacts{XfceLocker::Screensaver, "/etc/xdg/x.xml", FileProbe::missing()};
  outcome = evaluateScreenLock(facts, kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_EQ(outcome.message, "xfce4-screensaver locks the screen after 300 s idle");

  facts.xfce = XfceFacts{XfceLocker::LightLocker, "/etc/xdg/pm.xml",
                         FileProbe::read("<property name=\"xfce4-power-manager\" type=\"empty\">"
                                         "<property name=\"blank-on-ac\" type=\"int\" value=\"0\"/></property>")};
  EXPECT_EQ(evaluateScreenLock(facts, kMaxIdle).status, CheckStatus::Fail);
}

TEST(ScreenLock, EveryInstalledDesktopMustLock) {
  auto facts = gnomeDesktop();
  facts.presence.kde = true;
  facts.kde = FileProbe::read("[Daemon]\nAutolock=false\n");
  auto outcome = evaluateScreenLock(facts, kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "KDE Plasma does not lock automatically (Autolock=false)");

  DesktopFacts onlyDisplayManager;
  onlyDisplayManager.presence.displayManager = true;
  onlyDisplayManager.presence.seen = {"package lightdm"};
  outcome = evaluateScreenLock(onlyDisplayManager, kMaxIdle);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_TRUE(Contains(outcome.message, "no supported desktop"));
}

TEST(ScreenLock, GnomeFixtureTrees) {
  FixtureRoot locked("desktop/gnome-locked");
  auto result = runCheckOn(locked, "desktop.screen_lock");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.1", "A.7.7"}));
  ASSERT_GE(result.evidence.size(), 3u);
  EXPECT_EQ(result.evidence[0].observed, "package gnome-shell, package gdm3");
  EXPECT_EQ(result.evidence[2].source, "/etc/dconf/db/local.d/00-screensaver");
  EXPECT_EQ(result.evidence[2].observed, "idle-delay=uint32 300 (locked)");

  FixtureRoot weak("desktop/gnome-weak");
  result = runCheckOn(weak, "desktop.screen_lock");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.message, "GNOME locks only after 1800 s idle (limit 900 s)");
  EXPECT_EQ(result.evidence[2].source, "/etc/dconf/db/local.d/00-session") << "local outranks site";
  // Without a dconf profile the system databases are not used: the vendor override (600 s) applies.
  weak.remove("/etc/dconf/profile/user");
  result = runCheckOn(weak, "desktop.screen_lock");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[2].source, "/usr/share/glib-2.0/schemas/10_vendor.gschema.override");
}

TEST(ScreenLock, OtherDesktopFixtureTrees) {
  FixtureRoot none("desktop/none");
  auto result = runCheckOn(none, "desktop.screen_lock");
  EXPECT_EQ(result.status, CheckStatus::NotApplicable) << result.message;

  FixtureRoot kde("desktop/kde-defaults");
  result = runCheckOn(kde, "desktop.screen_lock");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].observed, "/usr/bin/plasmashell, package sddm");
  kde.write("/etc/xdg/kscreenlockerrc", "[Daemon]\nTimeout=20\n");
  result = runCheckOn(kde, "desktop.screen_lock");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;

  FixtureRoot xfce("desktop/xfce-screensaver");
  result = runCheckOn(xfce, "desktop.screen_lock");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.message, "xfce4-screensaver locks only after 1800 s idle");
  const std::string channel = "/etc/xdg/xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml";
  xfce.write(channel, "<channel name=\"xfce4-screensaver\"><property name=\"saver\" type=\"empty\">"
                      "<property name=\"idle-activation\" type=\"empty\"><property name=\"delay\" type=\"int\" "
                      "value=\"10\"/></property></property></channel>\n");
  result = runCheckOn(xfce, "desktop.screen_lock");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[1].source, channel);
}

}  // namespace
}  // namespace annexa::agent::checks
