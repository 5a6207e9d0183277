#include "agent/checks/files.hpp"

#include <cerrno>
#include <cstring>
#include <set>

#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

constexpr mode_t kGroupOrOtherWrite = 0022;
constexpr std::size_t kMaxListedHomes = 10;

std::string describeFile(const FileInfo& info) {
  return "mode " + formatMode(info.mode) + ", owner uid " + std::to_string(info.uid) + ", group gid " +
         std::to_string(info.gid);
}

std::string expectation(mode_t maxMode) { return "mode " + formatMode(maxMode) + " or stricter, owner root"; }

}  // namespace

FileState statFile(const SystemView& system, const std::string& path) {
  FileState state;
  state.path = path;
  auto info = system.stat(path);
  if (info) {
    state.info = *info;
  } else if (text::endsWith(info.error(), std::strerror(ENOENT))) {
    // SystemView reports errno as text; ENOENT is "not there", anything else is a failure to look.
    state.missing = true;
  } else {
    state.error = info.error();
  }
  return state;
}

Outcome evaluateFilePermissions(const std::vector<ProtectedFile>& files, mode_t maxMode) {
  const std::string expected = expectation(maxMode);
  std::vector<Evidence> bad;
  std::vector<Evidence> unreadable;
  std::vector<Evidence> fine;
  for (const auto& file : files) {
    const auto& s = file.state;
    if (s.missing) {
      (file.required ? unreadable : fine).push_back({s.path, "absent", expected});
      continue;
    }
    if (!s.info) {
      unreadable.push_back({s.path, "cannot stat: " + s.error, expected});
      continue;
    }
    if (s.info->type != FileType::Regular) {
      unreadable.push_back(
          {s.path, describeFile(*s.info) + ", a " + std::string(toString(s.info->type)) + ", not a regular file",
           expected});
      continue;
    }
    const bool tooOpen = (s.info->mode & ~maxMode) != 0;
    const bool notRoot = s.info->uid != 0;
    (tooOpen || notRoot ? bad : fine).push_back({s.path, describeFile(*s.info), expected});
  }
  if (!bad.empty()) {
    bad.insert(bad.end(), unreadable.begin(), unreadable.end());
    return Outcome::fail(std::to_string(bad.size() - unreadable.size()) + " file(s) are more open than " +
                             formatMode(maxMode) + " or not owned by root",
                         bad);
  }
  if (!unreadable.empty())
    return Outcome::error("Cannot check the permissions of " + unreadable.front().source + ": " +
                              unreadable.front().observed,
                          unreadable);
  return Outcome::pass("All " + std::to_string(files.size()) + " files are owned by root with mode " +
                           formatMode(maxMode) + " or stricter",
                       fine);
}

ShadowGroup probeShadowGroup(const SystemView& system) {
  ShadowGroup group;
  auto content = system.readFile("/etc/group", 4 * 1024 * 1024);
  if (!content) {
    group.groupError = content.error();
    return group;
  }
  for (const auto line : text::lines(*content)) {
    const auto fields = text::split(line, ':');
    long long gid = 0;
    if (fields.size() >= 3 && fields[0] == "shadow" && text::parseInt(fields[2], gid)) group.shadowGid = gid;
  }
  return group;
}

Outcome evaluateShadowPermissions(const std::vector<ProtectedFile>& files, const ShadowGroup& group) {
  const std::string expected = "mode 0640 or stricter, owner root, group root or shadow (or no group access)";
  std::vector<Evidence> bad;
  std::vector<Evidence> unreadable;
  std::vector<Evidence> fine;
  for (const auto& file : files) {
    const auto& s = file.state;
    if (s.missing) {
      (file.required ? unreadable : fine).push_back({s.path, "absent", expected});
      continue;
    }
    if (!s.info) {
      unreadable.push_back({s.path, "cannot stat: " + s.error, expected});
      continue;
    }
    std::string observed = describeFile(*s.info);
    if (s.info->type != FileType::Regular) {
      unreadable.push_back({s.path, observed + ", a " + std::string(toString(s.info->type)) + ", not a regular file",
                            expected});
      continue;
    }
    const bool tooOpen = (s.info->mode & ~mode_t{0640}) != 0;
    const bool notRoot = s.info->uid != 0;
    const bool groupReads = (s.info->mode & 0070) != 0;
    const bool trustedGroup = s.info->gid == 0 || (group.shadowGid && s.info->gid == *group.shadowGid);
    if (groupReads && !trustedGroup && s.info->gid != 0 && !group.shadowGid && !group.groupError.empty()) {
      unreadable.push_back({s.path, observed + "; cannot tell whether gid " + std::to_string(s.info->gid) +
                                        " is the shadow group: " + group.groupError,
                            expected});
      continue;
    }
    if (groupReads && !trustedGroup)
      observed += " (group gid " + std::to_string(s.info->gid) + " is neither root nor shadow" +
                  (group.shadowGid ? " (gid " + std::to_string(*group.shadowGid) + ")" : std::string()) +
                  ": every member can read the hashes)";
    (tooOpen || notRoot || (groupReads && !trustedGroup) ? bad : fine).push_back({s.path, observed, expected});
  }
  if (!bad.empty()) {
    const auto count = bad.size();
    bad.insert(bad.end(), unreadable.begin(), unreadable.end());
    return Outcome::fail(std::to_string(count) +
                             " password hash file(s) are readable beyond root and the shadow group, or not owned "
                             "by root",
                         bad);
  }
  if (!unreadable.empty())
    return Outcome::error("Cannot check the permissions of " + unreadable.front().source + ": " +
                              unreadable.front().observed,
                          unreadable);
  return Outcome::pass("The password hash files are readable only by root and the shadow group", fine);
}

Outcome evaluateSshdConfigPermissions(const std::vector<ProtectedFile>& files) {
  if (!files.empty() && files.front().state.missing)
    return Outcome::notApplicable("There is no /etc/ssh/sshd_config: the OpenSSH server is not installed",
                                  {{files.front().state.path, "absent", expectation(0600)}});
  return evaluateFilePermissions(files, 0600);
}

// ---- files.home_permissions --------------------------------------------------------------------------------------

Result<HomeFacts> probeHomes(const SystemView& system) {
  auto passwd = readPasswd(system);
  if (!passwd) return makeError(passwd.error());
  auto loginDefs = readLoginDefs(system);
  if (!loginDefs) return makeError(loginDefs.error());
  HomeFacts facts;
  facts.uidMin = loginDefs->uidMin;
  std::set<std::string> seen;
  for (const auto& account : *passwd) {
    if (account.nisCompat || (account.name != "root" && account.uid < facts.uidMin) || account.home.empty() ||
        account.home[0] != '/' ||
        !seen.insert(account.home).second)
      continue;
    facts.homes.push_back({account.name, account.uid, statFile(system, account.home)});
  }
  return facts;
}

Outcome evaluateHomePermissions(const Result<HomeFacts>& facts) {
  if (!facts) return Outcome::error(facts.error());
  const std::string expected = "not writable by group or others (e.g. 0700 or 0750)";
  std::vector<Evidence> writable;
  std::vector<Evidence> unreadable;
  std::vector<std::string> fine;
  for (const auto& home : facts->homes) {
    const auto& s = home.state;
    if (s.missing) continue;  // accounts such as nobody point at /nonexistent
    if (!s.info) {
      unreadable.push_back({s.path, "cannot stat: " + s.error, expected});
      continue;
    }
    const std::string observed = s.path + " (" + home.account + "): " + describeFile(*s.info);
    if (s.info->type != FileType::Directory) continue;
    if (s.info->mode & kGroupOrOtherWrite) writable.push_back({s.path, observed, expected});
    else fine.push_back(s.path + " " + formatMode(s.info->mode));
  }
  if (!writable.empty()) {
    writable.insert(writable.end(), unreadable.begin(), unreadable.end());
    return Outcome::fail(std::to_string(writable.size() - unreadable.size()) +
                             " home directories are writable by group or others",
                         writable);
  }
  if (!unreadable.empty())
    return Outcome::error("Cannot check " + std::to_string(unreadable.size()) + " home directories", unreadable);
  if (fine.empty())
    return Outcome::notApplicable("No home directory of root or of a user with uid ≥ " +
                                      std::to_string(facts->uidMin) + " exists",
                                  {{"/etc/passwd", "no existing home directories", expected}});
  const std::size_t count = fine.size();
  if (fine.size() > kMaxListedHomes) {
    fine.resize(kMaxListedHomes);
    fine.emplace_back("…");
  }
  return Outcome::pass("None of " + std::to_string(count) + " home directories is writable by group or others",
                       {{"/etc/passwd", text::join(fine, ", "), expected}});
}

namespace {

// ---- registration ------------------------------------------------------------------------------------------------

constexpr CheckSpec kShadowPermissions{
    "files.shadow_permissions",
    "Password hash files are readable only by root and the shadow group",
    Severity::High,
    "/etc/shadow and /etc/gshadow hold the password hashes; restricting them to root (and the shadow group) keeps "
    "them from offline cracking by any local user (A.8.3, information access restriction).",
    "chown root:shadow /etc/shadow /etc/gshadow && chmod 0640 /etc/shadow /etc/gshadow "
    "(RHEL: chown root:root and chmod 0000).",
};

constexpr CheckSpec kPasswdPermissions{
    "files.passwd_permissions",
    "The account databases are writable only by root",
    Severity::Medium,
    "Whoever can write /etc/passwd or /etc/group can create a uid-0 account or join a privileged group; only root "
    "may change them (A.8.3).",
    "chown root:root /etc/passwd /etc/group && chmod 0644 /etc/passwd /etc/group.",
};

constexpr CheckSpec kSshdConfigPermissions{
    "files.sshd_config_permissions",
    "The SSH server configuration is accessible only by root",
    Severity::Medium,
    "sshd_config decides who may log in and how; making it root-only prevents tampering and hides the "
    "authentication set-up from local users (A.8.3), and is part of the SSH server's hardened configuration "
    "(A.8.9).",
    "chown root:root /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf && chmod 0600 /etc/ssh/sshd_config "
    "/etc/ssh/sshd_config.d/*.conf.",
};

constexpr CheckSpec kHomePermissions{
    "files.home_permissions",
    "Home directories are not writable by other users",
    Severity::Medium,
    "A home directory writable by its group or by everyone lets other users plant ~/.bashrc, ~/.ssh/authorized_keys "
    "or other start-up files and act as its owner; restricting write access to the owner enforces access "
    "restriction to the user's information (A.8.3).",
    "chmod go-w on each listed directory (e.g. chmod 0750 /home/NAME); set HOME_MODE 0750 in /etc/login.defs "
    "(or DIR_MODE in /etc/adduser.conf) so new homes are created that way.",
};

Outcome runShadowPermissions(const CheckContext& ctx) {
  return evaluateShadowPermissions(
      {{statFile(ctx.system, "/etc/shadow"), true}, {statFile(ctx.system, "/etc/gshadow"), false}},
      probeShadowGroup(ctx.system));
}

Outcome runPasswdPermissions(const CheckContext& ctx) {
  return evaluateFilePermissions(
      {{statFile(ctx.system, "/etc/passwd"), true}, {statFile(ctx.system, "/etc/group"), true}}, 0644);
}

Outcome runSshdConfigPermissions(const CheckContext& ctx) {
  std::vector<ProtectedFile> files{{statFile(ctx.system, "/etc/ssh/sshd_config"), true}};
  // Drop-ins included by Debian's and RHEL's sshd_config are configuration just the same.
  for (const auto& path : ctx.system.glob("/etc/ssh/sshd_config.d/*.conf"))
    files.push_back({statFile(ctx.system, path), true});
  return evaluateSshdConfigPermissions(files);
}

Outcome runHomePermissions(const CheckContext& ctx) { return evaluateHomePermissions(probeHomes(ctx.system)); }

ANNEXA_REGISTER_CHECK(kShadowPermissions, runShadowPermissions);
ANNEXA_REGISTER_CHECK(kPasswdPermissions, runPasswdPermissions);
ANNEXA_REGISTER_CHECK(kSshdConfigPermissions, runSshdConfigPermissions);
ANNEXA_REGISTER_CHECK(kHomePermissions, runHomePermissions);

}  // namespace
}  // namespace annexa::agent::checks
