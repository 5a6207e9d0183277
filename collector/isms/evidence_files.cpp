#include "collector/isms/evidence_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <openssl/evp.h>

#include "common/random.hpp"

namespace annexa::collector {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

std::string errnoText() { return std::strerror(errno); }

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

struct UnlinkOnExit {
  const std::filesystem::path& path;
  ~UnlinkOnExit() { ::unlink(path.c_str()); }
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 unavailable");
  }
  void update(const char* data, std::size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &length);
    return toHex(digest, length);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

VoidResult makeDirectory(const std::filesystem::path& path) {
  if (::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return makeError(path.string() + ": not a directory");
    return success();
  }
  return makeError("cannot create " + path.string() + ": " + errnoText());
}

VoidResult writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const auto written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return makeError("writing an evidence file: " + errnoText());
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return success();
}

void syncDirectory(const std::filesystem::path& path) {
  const FileDescriptor dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());
}

}  // namespace

bool isSha256Hex(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<std::filesystem::path> EvidenceFiles::pathOf(std::string_view sha256) const {
  if (!isSha256Hex(sha256)) return std::nullopt;
  return root_ / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

Result<StoredFile> EvidenceFiles::addFile(const std::filesystem::path& source) const {
  const FileDescriptor in(::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!in.valid()) return makeError(source.string() + ": " + errnoText());
  struct stat st {};
  if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) return makeError(source.string() + ": not a regular file");
  if (st.st_size > kMaxFileBytes)
    return makeError(source.string() + ": larger than " + std::to_string(kMaxFileBytes / (1024 * 1024)) + " MiB");
  return addStream([&](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    for (;;) {
      const auto n = ::read(in.get(), buffer, capacity);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return makeError(source.string() + ": " + errnoText());
    }
  });
}

Result<StoredFile> EvidenceFiles::addStream(const ChunkReader& read) const {
  if (auto made = makeDirectory(root_); !made) return makeError(made.error());
  const auto temp = root_ / ("incoming-" + toHex(randomBytes(16).data(), 16));
  const FileDescriptor out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out.valid()) return makeError("cannot create " + temp.string() + ": " + errnoText());
  const UnlinkOnExit cleanup{temp};  // whatever happens next, the temporary name goes

  Sha256 hash;
  StoredFile stored;
  std::unique_ptr<char[]> buffer(new char[kChunk]);
  for (;;) {
    auto n = read(buffer.get(), kChunk);
    if (!n) return makeError(n.error());
    if (*n == 0) break;
    stored.size += static_cast<std::int64_t>(*n);
    if (stored.size > kMaxFileBytes)
      return makeError("larger than " + std::to_string(kMaxFileBytes / (1024 * 1024)) + " MiB");
    hash.update(buffer.get(), *n);
    if (auto written = writeAll(out.get(), buffer.get(), *n); !written) return makeError(written.error());
  }
  if (::fchmod(out.get(), 0400) != 0 || ::fsync(out.get()) != 0) return makeError("syncing an evidence file: " + errnoText());
  stored.sha256 = hash.hex();

  const auto shard = root_ / stored.sha256.substr(0, 2);
  if (auto made = makeDirectory(shard); !made) return makeError(made.error());
  const auto final = shard / stored.sha256;
  // link() never replaces: the same content stored earlier stays as it is.
  if (::link(temp.c_str(), final.c_str()) != 0 && errno != EEXIST)
    return makeError("cannot store " + final.string() + ": " + errnoText());
  syncDirectory(shard);
  return stored;
}

VoidResult EvidenceFiles::verify(std::string_view sha256, std::int64_t size) const {
  const auto path = pathOf(sha256);
  if (!path) return makeError("not a SHA-256: " + std::string(sha256));
  const FileDescriptor in(::open(path->c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in.valid()) return makeError("evidence file " + std::string(sha256) + " is missing");
  Sha256 hash;
  std::int64_t total = 0;
  std::unique_ptr<char[]> buffer(new char[kChunk]);
  for (;;) {
    const auto n = ::read(in.get(), buffer.get(), kChunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return makeError("evidence file " + std::string(sha256) + ": " + errnoText());
    if (n == 0) break;
    total += n;
    hash.update(buffer.get(), static_cast<std::size_t>(n));
  }
  if (total != size || hash.hex() != sha256)
    return makeError("evidence file " + std::string(sha256) + " does not match its hash (file altered)");
  return success();
}

}  // namespace annexa::collector
