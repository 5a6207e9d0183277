#include "agent/system_view.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/text.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxSymlinkHops = 40;
constexpr std::size_t kMaxCommandOutput = 4 * 1024 * 1024;
constexpr const char* kCommandDirectories[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

std::string errnoText(const std::string& path) { return path + ": " + std::strerror(errno); }

FileInfo toFileInfo(const struct stat& st) {
  FileInfo info;
  if (S_ISREG(st.st_mode)) info.type = FileType::Regular;
  else if (S_ISDIR(st.st_mode)) info.type = FileType::Directory;
  else if (S_ISLNK(st.st_mode)) info.type = FileType::Symlink;
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.size = st.st_size;
  info.mtime = st.st_mtim.tv_sec;
  return info;
}

// Normalises an audited-system path into its components, dropping "." and resolving "..".
std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  for (auto& part : text::split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(std::move(part));
  }
  return out;
}

}  // namespace

SystemView SystemView::live() { return SystemView("/", true); }
SystemView SystemView::offline(fs::path root) { return SystemView(std::move(root), false); }

fs::path SystemView::resolveInRoot(std::string_view path, bool followLast) const {
  if (live_) return fs::path(path.empty() ? "/" : std::string(path));
  // Walk component by component so that an absolute link target stays inside the root, like chroot would.
  std::vector<std::string> pending = components(path);
  std::reverse(pending.begin(), pending.end());
  std::vector<std::string> resolved;
  int hops = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.back());
    pending.pop_back();
    if (part == "..") {
      if (!resolved.empty()) resolved.pop_back();
      continue;
    }
    fs::path candidate = root_;
    for (const auto& r : resolved) candidate /= r;
    candidate /= part;
    const bool isLast = pending.empty();
    struct stat st {};
    if ((isLast && !followLast) || ::lstat(candidate.c_str(), &st) != 0 || !S_ISLNK(st.st_mode) ||
        ++hops > kMaxSymlinkHops) {
      resolved.push_back(std::move(part));
      continue;
    }
    char target[4096];
    const ssize_t n = ::readlink(candidate.c_str(), target, sizeof target - 1);
    if (n <= 0) {
      resolved.push_back(std::move(part));
      continue;
    }
    const std::string_view link(target, static_cast<std::size_t>(n));
    if (!link.empty() && link.front() == '/') resolved.clear();
    auto linkParts = text::split(link, '/');
    for (auto it = linkParts.rbegin(); it != linkParts.rend(); ++it)
      if (!it->empty() && *it != ".") pending.push_back(*it);
  }
  fs::path out = root_;
  for (const auto& r : resolved) out /= r;
  return out;
}

fs::path SystemView::hostPath(std::string_view path) const { return resolveInRoot(path, true); }

Result<std::string> SystemView::readFile(std::string_view path, std::size_t maxBytes) const {
  const fs::path host = hostPath(path);
  const int fd = ::open(host.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return makeError(errnoText(std::string(path)));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return makeError(std::string(path) + ": is a directory");
  }
  std::string content;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const auto message = errnoText(std::string(path));
      ::close(fd);
      return makeError(message);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > maxBytes) {
      ::close(fd);
      return makeError(std::string(path) + ": larger than " + std::to_string(maxBytes) + " bytes");
    }
  }
  ::close(fd);
  return content;
}

Result<FileInfo> SystemView::stat(std::string_view path) const {
  struct stat st {};
  if (::stat(hostPath(path).c_str(), &st) != 0) return makeError(errnoText(std::string(path)));
  return toFileInfo(st);
}

Result<FileInfo> SystemView::lstat(std::string_view path) const {
  struct stat st {};
  if (::lstat(resolveInRoot(path, false).c_str(), &st) != 0) return makeError(errnoText(std::string(path)));
  return toFileInfo(st);
}

Result<std::string> SystemView::readLink(std::string_view path) const {
  char target[4096];
  const ssize_t n = ::readlink(resolveInRoot(path, false).c_str(), target, sizeof target - 1);
  if (n < 0) return makeError(errnoText(std::string(path)));
  return std::string(target, static_cast<std::size_t>(n));
}

bool SystemView::exists(std::string_view path) const {
  struct stat st {};
  return ::stat(hostPath(path).c_str(), &st) == 0;
}

bool SystemView::isDirectory(std::string_view path) const {
  const auto info = stat(path);
  return info && info->type == FileType::Directory;
}

bool SystemView::isRegularFile(std::string_view path) const {
  const auto info = stat(path);
  return info && info->type == FileType::Regular;
}

Result<std::vector<std::string>> SystemView::listDirectory(std::string_view path) const {
  std::error_code ec;
  fs::directory_iterator it(hostPath(path), ec);
  if (ec) return makeError(std::string(path) + ": " + ec.message());
  std::vector<std::string> names;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return makeError(std::string(path) + ": " + ec.message());
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> SystemView::glob(std::string_view pattern) const {
  const auto slash = pattern.rfind('/');
  const std::string_view directory = slash == 0 ? std::string_view("/") : pattern.substr(0, slash);
  const std::string_view namePattern = pattern.substr(slash + 1);
  std::vector<std::string> out;
  const auto names = listDirectory(directory);
  if (!names) return out;
  for (const auto& name : *names)
    if (matchesPattern(namePattern, name)) out.push_back(joinPath(directory, name));
  return out;
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
