// Oracles (issue 17): where the real tool can judge a fixture, the agent must agree with it across the corpus.
// sshd -T for sshd_config, systemd-sysctl and procps' sysctl --system in a private mount + network namespace,
// useradd --prefix for login.defs. Each test skips, saying why, where the tool or the namespace is not available.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "agent/checks/network.hpp"
#include "agent/checks/ssh.hpp"
#include "agent/facts/host_facts.hpp"
#include "agent/facts/login_defs.hpp"
#include "agent/facts/sshd_config.hpp"
#include "common/text.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent {
namespace {

namespace fs = std::filesystem;
using test::FixtureRoot;

struct Shell {
  int status = -1;
  std::string out;
};

Shell shell(const std::string& command) {
  const fs::path out = fs::temp_directory_path() / ("annexa-oracle-" + std::to_string(::getpid()) + ".out");
  Shell result;
  const int status = std::system((command + " > '" + out.string() + "' 2>&1").c_str());
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out);
  std::stringstream s;
  s << in.rdbuf();
  result.out = s.str();
  fs::remove(out);
  return result;
}

bool privateNamespacesWork() {
  return ::geteuid() == 0 && shell("unshare --mount --net --propagation private true").status == 0;
}

std::vector<fs::path> fixtureRoots(const std::string& area, const std::string& mustHave) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(test::fixturesDirectory() / area))
    if (fs::exists(entry.path() / fs::path(mustHave).relative_path())) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

// ---- sshd -T ---------------------------------------------------------------------------------------------------

TEST(Oracle, SshdDashTAgreesOnEveryFixture) {
  if (::access("/usr/sbin/sshd", X_OK) != 0) GTEST_SKIP() << "sshd is not installed (scripts/install-deps)";
  if (!privateNamespacesWork()) GTEST_SKIP() << "cannot create a private mount namespace (needs root and unshare)";
  const fs::path key = fs::temp_directory_path() / ("annexa-oracle-hostkey-" + std::to_string(::getpid()));
  ASSERT_EQ(shell("ssh-keygen -q -t ed25519 -N '' -f '" + key.string() + "'").status, 0);
  fs::create_directories("/run/sshd");
  const std::vector<std::pair<std::string, std::vector<std::string_view>>> keywords = {
      {"permitrootlogin", {"PermitRootLogin"}},
      {"permitemptypasswords", {"PermitEmptyPasswords"}},
      {"maxauthtries", {"MaxAuthTries"}},
      {"passwordauthentication", {"PasswordAuthentication"}},
      {"kbdinteractiveauthentication", {"KbdInteractiveAuthentication", "ChallengeResponseAuthentication"}},
      {"pubkeyauthentication", {"PubkeyAuthentication"}},
      {"usepam", {"UsePAM"}},
      {"authenticationmethods", {"AuthenticationMethods"}},
  };
  int compared = 0;
  for (const auto& fixture : fixtureRoots("ssh", "/etc/ssh/sshd_config")) {
    // The fixture's /etc/ssh over the host's, in a mount namespace of its own: Include paths are absolute.
    const auto run = shell("unshare --mount --propagation private sh -c \"mount --bind '" +
                           (fixture / "etc/ssh").string() + "' /etc/ssh && /usr/sbin/sshd -T -f /etc/ssh/sshd_config -h '" +
                           key.string() + "' -C user=oracle,host=oracle.example,addr=192.0.2.7\"");
    if (run.status != 0) {
      ADD_FAILURE() << fixture << ": sshd -T refused the configuration: " << run.out;
      continue;
    }
    std::map<std::string, std::string> effective;
    for (const auto line : text::lines(run.out)) {
      const auto space = line.find(' ');
      if (space != std::string_view::npos) effective[std::string(line.substr(0, space))] = std::string(line.substr(space + 1));
    }
    const auto view = SystemView::offline(fixture);
    const auto config = loadSshdConfig(view);
    ASSERT_TRUE(config.ok()) << fixture << ": " << config.error();
    const SshdSettings global(*config);
    for (const auto& [keyword, aliases] : keywords) {
      const auto* setting = global.find(aliases);
      if (!setting) continue;  // the agent then uses its documented default, which sshd_test covers
      std::string ours = text::toLower(setting->value);
      std::string theirs = text::toLower(effective[keyword]);
      if (ours == "prohibit-password") ours = "without-password";  // sshd -T prints the old alias
      if (keyword == "authenticationmethods") std::replace(theirs.begin(), theirs.end(), ' ', ' ');
      EXPECT_EQ(ours, theirs) << fixture.filename() << ": " << keyword << " (" << setting->location() << ")";
      ++compared;
    }
  }
  fs::remove(key);
  fs::remove(fs::path(key.string() + ".pub"));
  EXPECT_GT(compared, 5);
}

// ---- systemd-sysctl and sysctl --system ------------------------------------------------------------------------

// The values the tool sets for net.* keys when the fixture's sysctl.d trees replace the host's, in a private mount
// namespace (the host's directories untouched) and network namespace (net.* keys are per namespace; --prefix/
// --pattern keep the tool away from every other key).
std::map<std::string, std::string> toolValues(const fs::path& fixture, bool systemd, std::string& error) {
  std::string script = "set -e\n";
  for (const char* dir : {"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
                          "/lib/sysctl.d"}) {
    // Only directories that exist are covered with a tmpfs; nothing is ever created on the host's filesystems
    // (a fixture directory the host lacks is skipped, and so are its keys below).
    const fs::path source = fixture / fs::path(dir).relative_path();
    script += std::string("if [ -d ") + dir + " ] && [ ! -L " + dir + " ]; then mount -t tmpfs annexa " + dir;
    if (fs::is_directory(source)) script += " && cp -a '" + source.string() + "/.' " + dir + "/";
    script += "; fi\n";
  }
  const fs::path conf = fixture / "etc/sysctl.conf";
  const fs::path empty = fs::temp_directory_path() / "annexa-oracle-empty.conf";
  { std::ofstream(empty) << ""; }
  script += "if [ -f /etc/sysctl.conf ]; then mount --bind '" + (fs::exists(conf) ? conf : empty).string() +
            "' /etc/sysctl.conf; fi\n";
  script += systemd ? "(/lib/systemd/systemd-sysctl --prefix=/net || true) >/dev/null 2>&1\n"
                    : "(sysctl --system --pattern '^net[.]' || true) >/dev/null 2>&1\n";
  script += "for f in $(find /proc/sys/net/ipv4 /proc/sys/net/ipv6 -maxdepth 3 -type f 2>/dev/null); do "
            "echo \"$f=$(cat $f 2>/dev/null | head -c 200)\"; done\n";
  const fs::path file = fs::temp_directory_path() / ("annexa-oracle-" + std::to_string(::getpid()) + ".sh");
  { std::ofstream(file) << script; }
  const auto run = shell("unshare --mount --net --propagation private sh '" + file.string() + "'");
  fs::remove(file);
  std::map<std::string, std::string> values;
  if (run.status != 0) {
    error = run.out;
    return values;
  }
  for (const auto line : text::lines(run.out)) {
    const auto eq = line.find('=');
    if (!text::startsWith(line, "/proc/sys/") || eq == std::string_view::npos) continue;
    values[std::string(line.substr(10, eq - 10))] = std::string(text::trim(line.substr(eq + 1)));
  }
  return values;
}

void compareSysctl(bool systemd) {
  if (!privateNamespacesWork())
    GTEST_SKIP() << "cannot create private mount and network namespaces here (needs root and unshare)";
  if (systemd && ::access("/lib/systemd/systemd-sysctl", X_OK) != 0) GTEST_SKIP() << "systemd-sysctl not installed";
  if (!systemd && ::access("/usr/sbin/sysctl", X_OK) != 0 && ::access("/sbin/sysctl", X_OK) != 0)
    GTEST_SKIP() << "procps' sysctl not installed";
  // The corpus: every network fixture with sysctl configuration, and a tricky one made here.
  std::vector<fs::path> fixtures = fixtureRoots("network", "/etc/sysctl.d");
  FixtureRoot tricky;
  tricky.write("/usr/lib/sysctl.d/50-default.conf",
               "net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.all.rp_filter\n");
  tricky.write("/etc/sysctl.d/50-default.conf", "# hides the vendor file of the same name\n");
  tricky.write("/etc/sysctl.d/70-globs.conf",
               "net.ipv4.conf.*.accept_redirects = 0\nnet/ipv4/conf/all/send_redirects=0\n; comment\n"
               "net.ipv4.conf.*.send_redirects = 1\n-net.ipv4.conf.all.accept_source_route = 0\n");
  tricky.write("/etc/sysctl.d/80-run.conf", "net.ipv4.tcp_syncookies = 1\nnet.ipv4.conf.*.rp_filter = 1\n");
  tricky.write("/etc/sysctl.conf", "net.ipv4.tcp_syncookies = 0\nnet.ipv4.ip_forward = 1\n");
  tricky.symlink("../sysctl.conf", "/etc/sysctl.d/99-sysctl.conf");
  tricky.write("/etc/sysctl.d/99-zz.conf", "net.ipv4.ip_forward = 0\n");
  fixtures.push_back(tricky.path());

  std::vector<std::string> keys = {"net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"};
  for (const auto& rule : checks::networkSysctlRules()) keys.emplace_back(rule.key);
  int compared = 0;
  for (const auto& fixture : fixtures) {
    std::string error;
    const auto tool = toolValues(fixture, systemd, error);
    ASSERT_TRUE(error.empty()) << fixture << ": " << error;
    // The agent reads the same tree, told which of the two tools boots it.
    FixtureRoot copy;
    fs::copy(fixture, copy.path(), fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    copy.remove("/proc");
    if (systemd) copy.write("/usr/lib/systemd/systemd-sysctl", "");
    else copy.remove("/usr/lib/systemd/systemd-sysctl");
    const auto view = copy.view();
    HostFacts facts(view);
    for (const auto& key : keys) {
      const auto value = facts.sysctl(key);
      std::string path = normaliseSysctlKey(key);
      const auto it = tool.find(path);
      if (!value.configured || it == tool.end()) continue;  // unset: the namespace shows the host's own value
      // A kernel side effect the agent does not model (docs/checks.md): each change of net.ipv4.ip_forward sets
      // net.ipv4.conf.all.accept_redirects to its negation (inet_forward_change()).
      if (key == "net.ipv4.conf.all.accept_redirects" && facts.sysctl("net.ipv4.ip_forward").configured) continue;
      EXPECT_EQ(*value.configured, it->second) << fixture.filename() << ": " << key << " (agent: " << value.configuredIn
                                               << ", " << (systemd ? "systemd-sysctl" : "sysctl --system") << ")";
      ++compared;
    }
  }
  EXPECT_GT(compared, 10);
}

TEST(Oracle, SystemdSysctlInAPrivateNamespace) { compareSysctl(true); }
TEST(Oracle, ProcpsSysctlSystemInAPrivateNamespace) { compareSysctl(false); }

// ---- useradd --prefix: login.defs numbers as shadow-utils reads them -----------------------------------------

TEST(Oracle, UseraddReadsPassMaxDaysAsTheAgentDoes) {
  if (::geteuid() != 0 || ::access("/usr/sbin/useradd", X_OK) != 0)
    GTEST_SKIP() << "needs root and useradd (passwd package) to run useradd --prefix";
  const std::vector<std::string> values = {"90", "90   # policy", "0500", "0x1e", "-1", "99999", "\"120\"", "08",
                                           "+30", "  45  ", "9999999999", "", "30 days", "0", "077", "0X10"};
  for (const auto& value : values) {
    FixtureRoot prefix;
    prefix.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    prefix.write("/etc/group", "root:x:0:\n");
    prefix.write("/etc/shadow", "root:*:19000:0:99999:7:::\n", 0600);
    prefix.write("/etc/gshadow", "root:*::\n", 0600);
    const std::string loginDefs = "PASS_MAX_DAYS " + value + "\n";
    prefix.write("/etc/login.defs", loginDefs);
    const auto run = shell("useradd --prefix '" + prefix.path().string() + "' -M oracle");
    ASSERT_EQ(run.status, 0) << value << ": " << run.out;
    std::ifstream shadow(prefix.hostPath("/etc/shadow"));
    std::string line;
    std::string maxField = "?";
    while (std::getline(shadow, line))
      if (text::startsWith(line, "oracle:")) maxField = text::split(line, ':').at(4);
    // shadow-utils writes an unset (-1) maximum as an empty field.
    const auto parsed = parseLoginDefs(loginDefs).get("PASS_MAX_DAYS");
    const auto number = parsed ? shadowGetNum(parsed->value) : std::nullopt;
    const long long ours = number.value_or(-1);
    EXPECT_EQ(ours < 0 ? std::string() : std::to_string(ours), maxField) << "PASS_MAX_DAYS " << value;
  }
}

}  // namespace
}  // namespace annexa::agent
