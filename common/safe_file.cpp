#include "common/safe_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/random.hpp"
#include "common/sink_buffer.hpp"
#include "common/unique_fd.hpp"

namespace annexa::safe_file {
namespace fs = std::filesystem;

namespace {

std::string failure(const fs::path& path, std::string_view what) {
  return path.string() + ": " + std::string(what) + " (" + std::strerror(errno) + ")";
}

using Fd = UniqueFd;

// Writes all of `data` to a descriptor (retrying short writes and EINTR).
bool writeAll(int fd, const char* data, std::size_t left) {
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

VoidResult writeAt(const fs::path& directory, std::string_view name, const ContentWriter& content, mode_t mode) {
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..")
    return makeError("not a plain file name: " + std::string(name));
  Fd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir.ok()) return makeError(failure(directory, "cannot open the directory"));
  const auto target = directory / std::string(name);
  // A name nobody can guess, so nobody can plant a link there first; O_EXCL would refuse one anyway.
  const auto random = randomBytes(8);
  const std::string temp = "." + std::string(name) + "." + toHex(random.data(), random.size()) + ".tmp";
  Fd file(::openat(dir.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!file.ok()) return makeError(failure(target, "cannot create a temporary file"));
  const auto discard = [&](const std::string& why) {
    ::unlinkat(dir.get(), temp.c_str(), 0);
    return makeError(why);
  };
  if (::fchmod(file.get(), mode) != 0) return discard(failure(target, "cannot set the mode"));
  {
    SinkBuffer buffer([&file](const char* data, std::size_t size) { return writeAll(file.get(), data, size); });
    std::ostream out(&buffer);
    content(out);
    out.flush();
    if (!out) return discard(failure(target, "write failed"));
  }
  if (::fsync(file.get()) != 0) return discard(failure(target, "fsync failed"));
  if (!file.close()) return discard(failure(target, "close failed"));
  if (::renameat(dir.get(), temp.c_str(), dir.get(), std::string(name).c_str()) != 0)
    return discard(failure(target, "cannot rename into place"));
  if (::fsync(dir.get()) != 0) return makeError(failure(directory, "fsync of the directory failed"));
  return success();
}

}  // namespace

VoidResult write(const fs::path& directory, std::string_view name, std::string_view content, mode_t mode) {
  const auto copy = [&](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); };
  return writeAt(directory, name, copy, mode);
}

VoidResult write(const fs::path& directory, std::string_view name, const ContentWriter& content, mode_t mode) {
  return writeAt(directory, name, content, mode);
}

VoidResult writePath(const fs::path& path, std::string_view content, mode_t mode) {
  const auto directory = path.has_parent_path() ? path.parent_path() : fs::path(".");
  return write(directory, path.filename().string(), content, mode);
}

VoidResult checkDirectory(const fs::path& directory) {
  struct stat st {};
  if (::lstat(directory.c_str(), &st) != 0) return makeError(failure(directory, "cannot stat"));
  if (S_ISLNK(st.st_mode)) return makeError(directory.string() + ": is a symbolic link; refusing to write through it");
  if (!S_ISDIR(st.st_mode)) return makeError(directory.string() + ": is not a directory");
  if (st.st_uid != ::geteuid())
    return makeError(directory.string() + ": is owned by uid " + std::to_string(st.st_uid) + ", not by us (uid " +
                     std::to_string(::geteuid()) + ")");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return makeError(directory.string() + ": is writable by group or others; refusing to write into it");
  return success();
}

VoidResult ensureDirectory(const fs::path& directory, mode_t mode) {
  struct stat st {};
  if (::lstat(directory.c_str(), &st) != 0) {
    if (errno != ENOENT) return makeError(failure(directory, "cannot stat"));
    std::error_code ec;
    if (directory.has_parent_path()) fs::create_directories(directory.parent_path(), ec);
    if (ec) return makeError(directory.string() + ": cannot create its parent (" + ec.message() + ")");
    if (::mkdir(directory.c_str(), mode) != 0 && errno != EEXIST) return makeError(failure(directory, "cannot create"));
    // mkdir applies the umask; the mode asked for is the mode meant (never wider than what checkDirectory allows).
    Fd created(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (created.ok()) ::fchmod(created.get(), mode);
  }
  return checkDirectory(directory);
}

}  // namespace annexa::safe_file
