// GRUB configuration as facts: the kernel command line an image boots with (/etc/default/grub), and what grub.cfg
// and /etc/grub.d say about the superuser password. Shared by the boot and kernel checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/system_view.hpp"

namespace annexa::agent {

// Kernel command-line words an offline image boots with, from /etc/default/grub and /etc/default/grub.d/*.cfg.
struct DefaultGrubCmdline {
  std::vector<std::string> words;
  std::vector<std::string> sources;  // files that were read
};
DefaultGrubCmdline readDefaultGrubCmdline(const SystemView& system);
// Applies one file's GRUB_CMDLINE_LINUX / GRUB_CMDLINE_LINUX_DEFAULT assignments; a value that names its own
// variable ("$GRUB_CMDLINE_LINUX apparmor=0") appends, otherwise it replaces.
void applyDefaultGrub(std::string_view content, std::string& cmdlineLinux, std::string& cmdlineDefault);

// What one GRUB config text (grub.cfg or an /etc/grub.d script) says about the superuser password.
struct GrubPasswordScan {
  bool superusers = false;         // set superusers="…" with a user
  bool pbkdf2 = false;             // password_pbkdf2 USER grub.pbkdf2.…
  bool pbkdf2FromUserCfg = false;  // password_pbkdf2 USER ${GRUB2_PASSWORD} (RHEL grub2-setpassword → user.cfg)
  bool plaintext = false;          // password USER secret
  std::string superusersLine;
  std::string passwordLine;
  bool protects() const { return superusers && pbkdf2; }
};
GrubPasswordScan scanGrubPassword(std::string_view config);
// Merges another file's findings (the /etc/grub.d scripts together make one grub.cfg).
void mergeGrubScan(GrubPasswordScan& into, const GrubPasswordScan& from);
// /boot/grub2/user.cfg holds GRUB2_PASSWORD=grub.pbkdf2.…
bool userCfgHasPasswordHash(std::string_view content);

}  // namespace annexa::agent
