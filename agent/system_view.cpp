#include "agent/system_view.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "common/text.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxSymlinkHops = 40;  // the kernel's own limit (ELOOP beyond)
constexpr std::size_t kMaxDirectoryEntries = 200000;
constexpr std::size_t kMaxCommandOutput = 4 * 1024 * 1024;
constexpr const char* kCommandDirectories[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

std::string errnoText(std::string_view path, int error) { return std::string(path) + ": " + std::strerror(error); }
std::string errnoText(const std::string& path) { return errnoText(path, errno); }

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

FileType fileType(mode_t mode) {
  if (S_ISREG(mode)) return FileType::Regular;
  if (S_ISDIR(mode)) return FileType::Directory;
  if (S_ISLNK(mode)) return FileType::Symlink;
  if (S_ISFIFO(mode)) return FileType::Fifo;
  if (S_ISCHR(mode)) return FileType::CharDevice;
  if (S_ISBLK(mode)) return FileType::BlockDevice;
  if (S_ISSOCK(mode)) return FileType::Socket;
  return FileType::Other;
}

FileInfo toFileInfo(const struct stat& st) {
  FileInfo info;
  info.type = fileType(st.st_mode);
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.size = st.st_size;
  info.mtime = st.st_mtim.tv_sec;
  info.device = st.st_dev;
  info.inode = st.st_ino;
  return info;
}

// Path components; "." and empty parts dropped, ".." kept (resolved against what the links lead to).
std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  for (auto& part : text::split(path, '/'))
    if (!part.empty() && part != ".") out.push_back(std::move(part));
  return out;
}

// The audited path relative to the root ("/etc/passwd" → "etc/passwd", "/" → ".").
std::string relativePath(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return path.empty() ? std::string(".") : std::string(path);
}

int openat2InRoot(int rootFd, const std::string& relative, int flags) {
  struct open_how how {};
  how.flags = static_cast<std::uint64_t>(flags);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  int fd;
  do {
    fd = static_cast<int>(::syscall(SYS_openat2, rootFd, relative.c_str(), &how, sizeof how));
  } while (fd < 0 && errno == EAGAIN);  // RESOLVE_IN_ROOT retries when a rename raced the lookup
  return fd;
}

// The fallback: each component opened O_PATH|O_NOFOLLOW below the descriptor of its parent, links read and
// resolved by hand (absolute ones from the root again), ".." never above the root. Returns -1 with errno.
int walkInRoot(int rootFd, std::string_view path, int flags, bool followLast) {
  std::vector<std::string> pending = components(path);
  std::reverse(pending.begin(), pending.end());
  std::vector<Fd> directories;  // directories[0] is the root; the rest are the path's directories so far
  directories.emplace_back(::openat(rootFd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (directories.back().get() < 0) return -1;
  int hops = 0;
  std::string lastName;  // the final component once reached (empty: the result is directories.back())
  while (!pending.empty()) {
    std::string part = std::move(pending.back());
    pending.pop_back();
    if (part == "..") {
      if (directories.size() > 1) directories.pop_back();
      continue;
    }
    Fd entry(::openat(directories.back().get(), part.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (entry.get() < 0) return -1;
    struct stat st {};
    if (::fstat(entry.get(), &st) != 0) return -1;
    const bool last = pending.empty();
    if (S_ISLNK(st.st_mode) && (!last || followLast)) {
      if (++hops > kMaxSymlinkHops) {
        errno = ELOOP;
        return -1;
      }
      char target[4096];
      const ssize_t n = ::readlinkat(entry.get(), "", target, sizeof target - 1);
      if (n <= 0) {
        if (n == 0) errno = ENOENT;
        return -1;
      }
      const std::string_view link(target, static_cast<std::size_t>(n));
      if (link.front() == '/') directories.resize(1);
      auto parts = components(link);
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) pending.push_back(std::move(*it));
      continue;
    }
    if (last) {
      lastName = std::move(part);
      break;
    }
    if (!S_ISDIR(st.st_mode)) {
      errno = ENOTDIR;
      return -1;
    }
    directories.push_back(std::move(entry));
  }
  if (lastName.empty()) return ::openat(directories.back().get(), ".", flags | O_CLOEXEC);
  // O_NOFOLLOW: a component swapped for a link since it was looked at fails (ELOOP) instead of being followed.
  return ::openat(directories.back().get(), lastName.c_str(), flags | O_NOFOLLOW | O_CLOEXEC);
}

}  // namespace

std::string_view toString(FileType type) {
  switch (type) {
    case FileType::Regular: return "regular file";
    case FileType::Directory: return "directory";
    case FileType::Symlink: return "symbolic link";
    case FileType::Fifo: return "fifo";
    case FileType::CharDevice: return "character device";
    case FileType::BlockDevice: return "block device";
    case FileType::Socket: return "socket";
    case FileType::Other: break;
  }
  return "special file";
}

SystemView SystemView::live() { return SystemView("/", true); }

SystemView SystemView::offline(fs::path root, Resolution resolution) {
  SystemView view(std::move(root), false);
  view.walkOnly_ = resolution == Resolution::Walk;
  const int fd = ::open(view.root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    view.rootFd_ = std::shared_ptr<const int>(new int(fd), [](const int* p) {
      ::close(*p);
      delete p;
    });
  return view;
}

Result<int> SystemView::open(std::string_view path, int flags, bool followLast) const {
  const std::string shown = path.empty() ? std::string("/") : std::string(path);
  if (live_) {
    const int fd = ::open(shown.c_str(), flags | O_CLOEXEC | (followLast ? 0 : O_NOFOLLOW));
    if (fd < 0) return makeError(errnoText(shown));
    return fd;
  }
  if (!rootFd_) return makeError(shown + ": the root " + root_.string() + " cannot be opened");
  int fd = -1;
  const std::string relative = relativePath(path);
  if (!walkOnly_) {
    fd = openat2InRoot(*rootFd_, relative, flags | O_CLOEXEC | (followLast ? 0 : O_NOFOLLOW));
    if (fd < 0 && errno != ENOSYS && errno != EPERM) return makeError(errnoText(shown));
  }
  if (fd < 0) fd = walkInRoot(*rootFd_, relative, flags, followLast);  // no openat2 (ENOSYS, or seccomp's EPERM)
  if (fd < 0) return makeError(errnoText(shown));
  return fd;
}

// Opens a regular file for reading without ever opening anything else: the path is opened O_PATH (no open of the
// object itself), checked to be a regular file, then that very inode is reopened through /proc/self/fd.
Result<int> SystemView::openRegular(std::string_view path, std::size_t maxBytes, struct stat* out) const {
  auto handle = open(path, O_PATH, true);
  if (!handle) return makeError(handle.error());
  Fd pathFd(*handle);
  struct stat st {};
  if (::fstat(pathFd.get(), &st) != 0) return makeError(errnoText(path, errno));
  if (!S_ISREG(st.st_mode))
    return makeError(std::string(path) + ": " +
                     (S_ISDIR(st.st_mode) ? std::string("is a directory")
                                          : "not a regular file (" + std::string(toString(fileType(st.st_mode))) + ")"));
  if (maxBytes > 0 && static_cast<std::uint64_t>(st.st_size) > maxBytes)
    return makeError(std::string(path) + ": larger than " + std::to_string(maxBytes) + " bytes (" +
                     std::to_string(st.st_size) + ")");
  const std::string reopen = "/proc/self/fd/" + std::to_string(pathFd.get());
  Fd fd(::open(reopen.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno != ENOENT) return makeError(errnoText(path, errno));
    // No /proc on this machine: open the path again and make sure it is still the inode checked above.
    auto again = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK, true);
    if (!again) return makeError(again.error());
    fd = Fd(*again);
  }
  struct stat opened {};
  if (::fstat(fd.get(), &opened) != 0) return makeError(errnoText(path, errno));
  if (opened.st_dev != st.st_dev || opened.st_ino != st.st_ino || !S_ISREG(opened.st_mode))
    return makeError(std::string(path) + ": changed while being opened");
  if (out) *out = opened;
  return fd.release();
}

VoidResult SystemView::readInPieces(std::string_view path, std::size_t maxBytes, std::string_view separator,
                                    const std::function<void(std::string_view)>& consume) const {
  struct stat st {};
  auto opened = openRegular(path, maxBytes, &st);
  if (!opened) return makeError(opened.error());
  Fd fd(*opened);
  constexpr std::size_t kBlock = 1024 * 1024;
  std::string pending;
  std::size_t total = 0;
  std::vector<char> block(kBlock);
  while (true) {
    const ssize_t n = ::read(fd.get(), block.data(), block.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return makeError(errnoText(path, errno));
    }
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
    if (total > maxBytes) return makeError(std::string(path) + ": larger than " + std::to_string(maxBytes) + " bytes");
    pending.append(block.data(), static_cast<std::size_t>(n));
    const auto last = pending.rfind(separator);
    if (last == std::string::npos) continue;
    const auto end = last + separator.size();
    consume(std::string_view(pending).substr(0, end));
    pending.erase(0, end);
  }
  if (!pending.empty()) consume(pending);
  return success();
}

Result<std::string> SystemView::readFile(std::string_view path, std::size_t maxBytes) const {
  struct stat st {};
  auto opened = openRegular(path, maxBytes, &st);
  if (!opened) return makeError(opened.error());
  Fd fd(*opened);
  std::string content;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return makeError(errnoText(path, errno));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > maxBytes)
      return makeError(std::string(path) + ": larger than " + std::to_string(maxBytes) + " bytes");
  }
  return content;
}

Result<std::string> SystemView::readHead(std::string_view path, std::size_t maxBytes) const {
  auto opened = openRegular(path, 0, nullptr);
  if (!opened) return makeError(opened.error());
  Fd fd(*opened);
  std::string content(maxBytes, '\0');
  std::size_t got = 0;
  while (got < maxBytes) {
    const ssize_t n = ::read(fd.get(), content.data() + got, maxBytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return makeError(errnoText(path, errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  content.resize(got);
  return content;
}

Result<std::string> SystemView::readTail(std::string_view path, std::size_t maxBytes) const {
  struct stat st {};
  auto opened = openRegular(path, 0, &st);
  if (!opened) return makeError(opened.error());
  Fd fd(*opened);
  const auto size = static_cast<std::uint64_t>(std::max<off_t>(st.st_size, 0));
  const std::uint64_t from = size > maxBytes ? size - maxBytes : 0;
  std::string content(maxBytes, '\0');
  std::size_t got = 0;
  while (got < maxBytes) {
    const ssize_t n = ::pread(fd.get(), content.data() + got, maxBytes - got, static_cast<off_t>(from + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return makeError(errnoText(path, errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  content.resize(got);
  if (from > 0)
    if (const auto newline = content.find('\n'); newline != std::string::npos) content.erase(0, newline + 1);
  return content;
}

Result<FilesystemStats> SystemView::statFilesystem(std::string_view path) const {
  auto handle = open(path, O_PATH, true);
  if (!handle) return makeError("statvfs " + handle.error());
  Fd fd(*handle);
  struct statvfs st {};
  if (::fstatvfs(fd.get(), &st) != 0) return makeError("statvfs " + errnoText(path, errno));
  FilesystemStats out;
  out.blockSize = st.f_frsize ? st.f_frsize : st.f_bsize;
  out.blocks = st.f_blocks;
  out.freeBlocks = st.f_bfree;
  out.availableBlocks = st.f_bavail;
  out.inodes = st.f_files;
  out.freeInodes = st.f_ffree;
  return out;
}

Result<FileInfo> SystemView::stat(std::string_view path) const {
  auto handle = open(path, O_PATH, true);
  if (!handle) return makeError(handle.error());
  Fd fd(*handle);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return makeError(errnoText(path, errno));
  return toFileInfo(st);
}

Result<FileInfo> SystemView::lstat(std::string_view path) const {
  auto handle = open(path, O_PATH | O_NOFOLLOW, false);
  if (!handle) return makeError(handle.error());
  Fd fd(*handle);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return makeError(errnoText(path, errno));
  return toFileInfo(st);
}

Result<std::string> SystemView::readLink(std::string_view path) const {
  auto handle = open(path, O_PATH | O_NOFOLLOW, false);
  if (!handle) return makeError(handle.error());
  Fd fd(*handle);
  char target[4096];
  const ssize_t n = ::readlinkat(fd.get(), "", target, sizeof target - 1);
  if (n < 0) return makeError(errnoText(path, errno));
  return std::string(target, static_cast<std::size_t>(n));
}

Result<std::optional<FileInfo>> SystemView::probe(std::string_view path) const {
  auto handle = open(path, O_PATH, true);
  if (!handle) {
    if (text::endsWith(handle.error(), std::string(": ") + std::strerror(ENOENT)) ||
        text::endsWith(handle.error(), std::string(": ") + std::strerror(ENOTDIR)))
      return std::optional<FileInfo>();
    return makeError(handle.error());
  }
  Fd fd(*handle);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return makeError(errnoText(path, errno));
  return std::optional<FileInfo>(toFileInfo(st));
}

bool SystemView::exists(std::string_view path) const { return stat(path).ok(); }

bool SystemView::isDirectory(std::string_view path) const {
  const auto info = stat(path);
  return info && info->type == FileType::Directory;
}

bool SystemView::isRegularFile(std::string_view path) const {
  const auto info = stat(path);
  return info && info->type == FileType::Regular;
}

Result<std::vector<std::string>> SystemView::listDirectory(std::string_view path) const {
  auto handle = open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK, true);  // O_DIRECTORY: nothing else is opened
  if (!handle) return makeError(handle.error());
  DIR* dir = ::fdopendir(*handle);
  if (!dir) {
    const int error = errno;
    ::close(*handle);
    return makeError(errnoText(path, error));
  }
  std::vector<std::string> names;
  errno = 0;
  while (const struct dirent* entry = ::readdir(dir)) {
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    if (names.size() >= kMaxDirectoryEntries) {
      ::closedir(dir);
      return makeError(std::string(path) + ": more than " + std::to_string(kMaxDirectoryEntries) + " entries");
    }
    names.emplace_back(name);
  }
  const int error = errno;
  ::closedir(dir);
  if (error != 0) return makeError(errnoText(path, error));
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<std::string>> SystemView::globChecked(std::string_view pattern) const {
  const auto slash = pattern.rfind('/');
  const std::string_view directory = slash == 0 ? std::string_view("/") : pattern.substr(0, slash);
  const std::string_view namePattern = pattern.substr(slash + 1);
  std::vector<std::string> out;
  const auto names = listDirectory(directory);
  if (!names) {
    auto where = probe(directory);
    if (where && !*where) return out;  // no such directory: nothing matches
    return makeError(names.error());
  }
  for (const auto& name : *names)
    if (matchesPattern(namePattern, name)) out.push_back(joinPath(directory, name));
  return out;
}

std::vector<std::string> SystemView::glob(std::string_view pattern) const {
  return globChecked(pattern).valueOr(std::vector<std::string>{});
}

Result<CommandOutput> SystemView::runCommand(const std::vector<std::string>& argv,
                                             std::chrono::milliseconds timeout) const {
  if (argv.empty()) return makeError("empty command");
  if (!live_) return makeError("commands are not run against an offline root");
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) {
    program.clear();
    for (const char* dir : kCommandDirectories) {
      const std::string candidate = joinPath(dir, argv[0]);
      if (::access(candidate.c_str(), X_OK) == 0) {
        program = candidate;
        break;
      }
    }
    if (program.empty()) return makeError(argv[0] + ": not installed");
  }

  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) return makeError(errnoText("pipe"));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  char envPath[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char envLocale[] = "LC_ALL=C";
  char* env[] = {envPath, envLocale, nullptr};

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
    return makeError(errnoText("fork"));
  }
  if (pid == 0) {
    // Child: stdout to the pipe, stdin and stderr to /dev/null; only async-signal-safe calls here.
    const int devNull = ::open("/dev/null", O_RDWR);
    ::dup2(devNull, 0);
    ::dup2(pipeFds[1], 1);
    ::dup2(devNull, 2);
    ::execve(program.c_str(), args.data(), env);
    ::_exit(127);
  }
  ::close(pipeFds[1]);

  CommandOutput result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timedOut = false;
  char buffer[8192];
  while (true) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (remaining <= 0) {
      timedOut = true;
      break;
    }
    struct pollfd pfd {pipeFds[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(remaining));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timedOut = ready == 0;
      break;
    }
    const ssize_t n = ::read(pipeFds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (result.output.size() < kMaxCommandOutput) result.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipeFds[0]);
  if (timedOut) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timedOut) return makeError(argv[0] + ": timed out after " + std::to_string(timeout.count()) + " ms");
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (result.exitCode == 127) return makeError(argv[0] + ": could not be executed");
  return result;
}

std::string joinPath(std::string_view directory, std::string_view name) {
  std::string out(directory);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string_view baseName(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool matchesPattern(std::string_view pattern, std::string_view name) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), FNM_PERIOD) == 0;
}

std::string formatMode(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

}  // namespace annexa::agent
