// The probes' only window on the machine. Every path is an absolute path *on the audited system*;
// with an offline root (--root DIR) it is read below DIR (symlinks resolved inside DIR) and no command runs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace annexa::agent {

enum class FileType { Regular, Directory, Symlink, Other };

struct FileInfo {
  FileType type = FileType::Other;
  mode_t mode = 0;  // permission bits only (07777)
  uid_t uid = 0;
  gid_t gid = 0;
  std::int64_t size = 0;
  std::int64_t mtime = 0;  // seconds since the epoch
};

struct CommandOutput {
  int exitCode = -1;
  std::string output;  // stdout (stderr is discarded)
};

class SystemView {
 public:
  // The running system: root "/", commands allowed.
  static SystemView live();
  // An offline tree (mounted image, fixture): no commands.
  static SystemView offline(std::filesystem::path root);

  bool isLive() const { return live_; }
  const std::filesystem::path& root() const { return root_; }

  // Where an absolute path of the audited system lives on this machine (symlinks resolved within the root).
  std::filesystem::path hostPath(std::string_view path) const;

  Result<std::string> readFile(std::string_view path, std::size_t maxBytes = 8 * 1024 * 1024) const;
  Result<FileInfo> stat(std::string_view path) const;   // follows symlinks
  Result<FileInfo> lstat(std::string_view path) const;  // the link itself
  Result<std::string> readLink(std::string_view path) const;
  bool exists(std::string_view path) const;
  bool isDirectory(std::string_view path) const;
  bool isRegularFile(std::string_view path) const;
  // Entry names (not paths), sorted; error when the directory is missing or unreadable.
  Result<std::vector<std::string>> listDirectory(std::string_view path) const;
  // Absolute paths matching a pattern whose *last* component may hold wildcards ("/etc/sudoers.d/*"), sorted.
  std::vector<std::string> glob(std::string_view pattern) const;

  // Runs a program without a shell (argv[0] is searched in the standard system bin directories).
  // Refused with an offline root. Killed after the timeout.
  Result<CommandOutput> runCommand(const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const;

 private:
  SystemView(std::filesystem::path root, bool live) : root_(std::move(root)), live_(live) {}
  std::filesystem::path resolveInRoot(std::string_view path, bool followLast) const;

  std::filesystem::path root_;
  bool live_;
};

// Joins an absolute directory path and an entry name ("/etc/ssh" + "sshd_config").
std::string joinPath(std::string_view directory, std::string_view name);
// "/etc/ssh/sshd_config" → "sshd_config".
std::string_view baseName(std::string_view path);
// fnmatch(3) for one path component.
bool matchesPattern(std::string_view pattern, std::string_view name);
// "0640" style.
std::string formatMode(mode_t mode);

}  // namespace annexa::agent
