// File permission checks: account databases, the SSH server configuration and home directories.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "agent/check.hpp"
#include "agent/checks/accounts.hpp"

namespace annexa::agent::checks {

// What stat(2) said about one file.
struct FileState {
  std::string path;
  bool missing = false;
  std::string error;            // stat failed for another reason
  std::optional<FileInfo> info;
};
FileState statFile(const SystemView& system, const std::string& path);

// Files whose mode must not exceed `maxMode` and whose owner must be root. A missing required file is an error,
// a missing optional one is only reported.
struct ProtectedFile {
  FileState state;
  bool required = true;
};
Outcome evaluateFilePermissions(const std::vector<ProtectedFile>& files, mode_t maxMode);

// files.shadow_permissions: mode 0640 or stricter and owner root, and when the group may read the file, the group is
// root or shadow (any other group's members could read the hashes). `shadowGid` is the gid of "shadow" in
// /etc/group (nullopt when there is no such group); `groupError` says why /etc/group could not be read.
struct ShadowGroup {
  std::optional<long long> shadowGid;
  std::string groupError;
};
ShadowGroup probeShadowGroup(const SystemView& system);
Outcome evaluateShadowPermissions(const std::vector<ProtectedFile>& files, const ShadowGroup& group);

// files.sshd_config_permissions: not applicable without /etc/ssh/sshd_config.
Outcome evaluateSshdConfigPermissions(const std::vector<ProtectedFile>& files);

// files.home_permissions
struct HomeDirectory {
  std::string account;
  long long uid = 0;
  FileState state;
};
struct HomeFacts {
  long long uidMin = 1000;
  std::vector<HomeDirectory> homes;  // root's and those of uid ≥ UID_MIN, one per path
};
Result<HomeFacts> probeHomes(const SystemView& system);
Outcome evaluateHomePermissions(const Result<HomeFacts>& facts);

}  // namespace annexa::agent::checks
