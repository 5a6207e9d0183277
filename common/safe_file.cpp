#include "common/safe_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <streambuf>

#include "common/random.hpp"
#include "common/unique_fd.hpp"

namespace annexa::safe_file {
namespace fs = std::filesystem;

namespace {

std::string failure(const fs::path& path, std::string_view what) {
  return path.string() + ": " + std::string(what) + " (" + std::strerror(errno) + ")";
}

// An output stream buffer that writes straight to a descriptor.
class FdBuffer : public std::streambuf {
 public:
  explicit FdBuffer(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
  ~FdBuffer() override { flushBuffer(); }
  FdBuffer(const FdBuffer&) = delete;
  FdBuffer& operator=(const FdBuffer&) = delete;

 protected:
  int_type overflow(int_type c) override {
    if (!flushBuffer()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return flushBuffer() ? 0 : -1; }

 private:
  bool flushBuffer() {
    const char* data = pbase();
    std::size_t left = static_cast<std::size_t>(pptr() - pbase());
    while (left > 0) {
      const ssize_t n = ::write(fd_, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data += n;
      left -= static_cast<std::size_t>(n);
    }
    setp(buffer_, buffer_ + sizeof buffer_);
    return true;
  }

  int fd_;
  char buffer_[64 * 1024];
};

VoidResult writeAt(const fs::path& directory, std::string_view name, const ContentWriter& content, mode_t mode) {
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..")
    return makeError("not a plain file name: " + std::string(name));
  UniqueFd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir.ok()) return makeError(failure(directory, "cannot open the directory"));
  const auto target = directory / std::string(name);
  // A name nobody can guess, so nobody can plant a link there first; O_EXCL would refuse one anyway.
  const auto random = randomBytes(8);
  const std::string temp = "." + std::string(name) + "." + toHex(random.data(), random.size()) + ".tmp";
  UniqueFd file(::openat(dir.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!file.ok()) return makeError(failure(target, "cannot create a temporary file"));
  const auto discard = [&](const std::string& why) {
    ::unlinkat(dir.get(), temp.c_str(), 0);
    return makeError(why);
  };
  if (::fchmod(file.get(), mode) != 0) return discard(failure(target, "cannot set the mode"));
  {
    FdBuffer buffer(file.get());
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
    UniqueFd created(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (created.ok()) ::fchmod(created.get(), mode);
  }
  return checkDirectory(directory);
}

}  // namespace annexa::safe_file
