// Account checks: the local user database (/etc/passwd, /etc/login.defs) and sudo's policy (/etc/sudoers).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"

namespace annexa::agent::checks {

// ---- the local user database -------------------------------------------------------------------------------------

struct PasswdEntry {
  std::string name;
  long long uid = 0;  // strtoul(…, 10); glibc rejects the line when it does not fit 32 bits
  long long gid = 0;
  std::string home;
  std::string shell;  // the whole rest of the line (extra ':' included); empty means /bin/sh to login(1)
  int lineNumber = 0;
  bool nisCompat = false;     // the name starts with '+' or '-' (a NIS directive under nsswitch `compat`)
  bool uidWritten = true;     // false: a NIS line whose uid field is empty (glibc then says 0)
};

// The entries glibc's nss_files parser (_nss_files_parse_pwent, as fgetpwent(3) and getpwent(3) read them) returns:
// leading blanks skipped, '#' lines and empty lines ignored, uid and gid through strtoul(…, 10) up to a ':',
// the shell is the rest of the line. Lines glibc rejects are left out.
std::vector<PasswdEntry> parsePasswd(std::string_view content);
Result<std::vector<PasswdEntry>> readPasswd(const SystemView& system);

struct LoginDefs {
  long long uidMin = 1000;  // shadow-utils' compiled-in default
  std::string uidMinSource = "default (UID_MIN not set)";
};
// The last UID_MIN line wins, as in shadow-utils.
LoginDefs parseLoginDefs(std::string_view content);
// A missing /etc/login.defs gives the defaults; an unreadable one is an error.
Result<LoginDefs> readLoginDefs(const SystemView& system);

// accounts.uid0_only_root
Outcome evaluateUid0OnlyRoot(const Result<std::vector<PasswdEntry>>& passwd);
// accounts.system_shells
Outcome evaluateSystemShells(const Result<std::vector<PasswdEntry>>& passwd, const Result<LoginDefs>& loginDefs);

// ---- sudo --------------------------------------------------------------------------------------------------------

// One logical sudoers line: continuations joined, comment removed.
struct SudoersLine {
  std::string file;
  int lineNumber = 0;
  std::string text;
  std::string where() const { return file + ":" + std::to_string(lineNumber); }
};

// Logical lines of one file; include directives are kept as lines ("@include x", "#includedir y").
std::vector<SudoersLine> parseSudoersLines(std::string_view content, const std::string& file);

struct SudoersFacts {
  bool installed = false;            // a sudo binary or /etc/sudoers exists
  std::vector<std::string> files;    // read in sudo's order: /etc/sudoers, then its includes
  std::vector<SudoersLine> lines;    // every policy line of those files, includes expanded
  std::string version;               // installed sudo package version, empty when unknown
};
// Follows @include/#include and @includedir/#includedir (skipping names with '.' or ending in '~').
// Any file sudo would read but cannot be read is an error. `version` is left for the caller to fill.
Result<SudoersFacts> readSudoers(const SystemView& system);

// A "Defaults" parameter: Defaults[scope] [!]name[=value], …
struct SudoDefault {
  std::string scope;  // "" for global, else ":user", "@host", "!command" or ">runas" plus its list
  std::string name;
  bool negated = false;
  std::optional<std::string> value;
  const SudoersLine* line = nullptr;
};
std::vector<SudoDefault> parseDefaults(const SudoersLine& line);

// sudo's compiled-in use_pty default: on from 1.9.14; nullopt when the version is unknown.
std::optional<bool> usePtyDefault(std::string_view sudoVersion);

// sudo.nopasswd
Outcome evaluateSudoNopasswd(const Result<SudoersFacts>& facts);
// sudo.use_pty_and_log
Outcome evaluateSudoPtyAndLog(const Result<SudoersFacts>& facts);

}  // namespace annexa::agent::checks
