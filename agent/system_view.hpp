// The probes' only window on the machine. Every path is an absolute path *on the audited system*;
// with an offline root (--root DIR) it is read below DIR and no command runs. Resolution never leaves DIR:
// openat2(RESOLVE_IN_ROOT) where the kernel has it, else a component-by-component walk on directory descriptors
// (absolute links restart at DIR, ".." stops at DIR, more than 40 links is ELOOP): it fails closed, never
// falls back to a host path. Only regular files are ever opened for reading (FIFOs, devices, sockets and
// directories are refused without being opened), so a hostile tree cannot block, arm a device or feed a pipe.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace annexa::agent {

enum class FileType { Regular, Directory, Symlink, Fifo, CharDevice, BlockDevice, Socket, Other };
std::string_view toString(FileType type);

struct FileInfo {
  FileType type = FileType::Other;
  mode_t mode = 0;  // permission bits only (07777)
  uid_t uid = 0;
  gid_t gid = 0;
  std::int64_t size = 0;
  std::int64_t mtime = 0;  // seconds since the epoch
  std::uint64_t device = 0;  // st_dev and st_ino: the same object reached by two paths
  std::uint64_t inode = 0;
};

struct FilesystemStats {
  std::uint64_t blockSize = 0;
  std::uint64_t blocks = 0, freeBlocks = 0, availableBlocks = 0;
  std::uint64_t inodes = 0, freeInodes = 0;
};

struct CommandOutput {
  int exitCode = -1;
  std::string output;  // stdout (stderr is discarded)
};

class SystemView {
 public:
  // The running system: root "/", commands allowed.
  static SystemView live();
  // How an offline root resolves paths: openat2(RESOLVE_IN_ROOT) when the kernel has it, or always the
  // descriptor walk (the fallback; tests select it to check it on a kernel that has openat2).
  enum class Resolution { Auto, Walk };
  // An offline tree (mounted image, fixture): no commands.
  static SystemView offline(std::filesystem::path root, Resolution resolution = Resolution::Auto);

  bool isLive() const { return live_; }
  const std::filesystem::path& root() const { return root_; }

  // A regular file's content. Error (never a partial read) when it is missing, unreadable, not a regular file
  // ("not a regular file (fifo)"), or larger than maxBytes. Errors read "PATH: reason".
  Result<std::string> readFile(std::string_view path, std::size_t maxBytes = 8 * 1024 * 1024) const;
  // The first / last maxBytes of a regular file (no error when it is larger); the tail starts at a line boundary.
  Result<std::string> readHead(std::string_view path, std::size_t maxBytes) const;
  Result<std::string> readTail(std::string_view path, std::size_t maxBytes) const;
  // A regular file of up to maxBytes handed to `consume` piece by piece, each piece ending just after an occurrence
  // of `separator` (the last piece: wherever the file ends), so a large index is parsed without holding it whole.
  // Errors as readFile; on an error some pieces may already have been consumed.
  VoidResult readInPieces(std::string_view path, std::size_t maxBytes, std::string_view separator,
                          const std::function<void(std::string_view)>& consume) const;
  // statvfs(2) of the filesystem a path is on.
  Result<FilesystemStats> statFilesystem(std::string_view path) const;
  Result<FileInfo> stat(std::string_view path) const;   // follows symlinks
  Result<FileInfo> lstat(std::string_view path) const;  // the link itself
  Result<std::string> readLink(std::string_view path) const;
  // Missing (nullopt: ENOENT, ENOTDIR) told apart from "could not look" (an error: EACCES, ELOOP, …).
  Result<std::optional<FileInfo>> probe(std::string_view path) const;
  bool exists(std::string_view path) const;  // true only when stat succeeds: never a proof of absence
  bool isDirectory(std::string_view path) const;
  bool isRegularFile(std::string_view path) const;
  // Entry names (not paths), sorted; error when the directory is missing or unreadable.
  Result<std::vector<std::string>> listDirectory(std::string_view path) const;
  // Absolute paths matching a pattern whose *last* component may hold wildcards ("/etc/sudoers.d/*"), sorted.
  // glob() is empty when the directory cannot be listed; globChecked() says why unless it is simply missing.
  std::vector<std::string> glob(std::string_view pattern) const;
  Result<std::vector<std::string>> globChecked(std::string_view pattern) const;

  // Runs a program without a shell (argv[0] is searched in the standard system bin directories).
  // Refused with an offline root. Killed after the timeout.
  Result<CommandOutput> runCommand(const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const;

 private:
  SystemView(std::filesystem::path root, bool live) : root_(std::move(root)), live_(live) {}
  // A descriptor for the path opened with `flags` (O_PATH, O_DIRECTORY, …), resolved inside the root.
  Result<int> open(std::string_view path, int flags, bool followLast) const;
  Result<int> openRegular(std::string_view path, std::size_t maxBytes, struct stat* st) const;

  std::filesystem::path root_;
  bool live_;
  bool walkOnly_ = false;
  std::shared_ptr<const int> rootFd_;  // offline: the root directory (O_PATH), shared by copies
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
