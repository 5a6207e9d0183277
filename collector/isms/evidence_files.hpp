// Content-addressed storage of evidence files (documents, record attachments) under the data directory:
// <data>/evidence-files/<first two hex digits>/<sha256>. A file's name is its SHA-256, so no caller-chosen name
// ever reaches the file system, and a stored file is never altered (mode 0400; the same bytes added twice are
// stored once). Writes go to a fresh temporary file (O_CREAT|O_EXCL|O_NOFOLLOW), hashed while written, synced,
// then linked to its final name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace annexa::collector {

struct StoredFile {
  std::string sha256;
  std::int64_t size = 0;
};

class EvidenceFiles {
 public:
  static constexpr std::int64_t kMaxFileBytes = 50LL * 1024 * 1024;

  explicit EvidenceFiles(std::filesystem::path root) : root_(std::move(root)) {}
  // The store of a collector data directory.
  static EvidenceFiles inDataDir(const std::filesystem::path& dataDir) { return EvidenceFiles(dataDir / "evidence-files"); }

  // Copies a regular file in, up to kMaxFileBytes.
  Result<StoredFile> addFile(const std::filesystem::path& source) const;
  // Reads chunks until `read` returns 0 (end) or an error; up to kMaxFileBytes.
  using ChunkReader = std::function<Result<std::size_t>(char* buffer, std::size_t capacity)>;
  Result<StoredFile> addStream(const ChunkReader& read) const;

  // Where the content with this hash lives; nullopt unless `sha256` is 64 lower-case hex digits.
  std::optional<std::filesystem::path> pathOf(std::string_view sha256) const;
  // Re-reads the stored file and checks its hash and size: an error says it is missing or altered.
  VoidResult verify(std::string_view sha256, std::int64_t size) const;

 private:
  std::filesystem::path root_;
};

bool isSha256Hex(std::string_view text);

}  // namespace annexa::collector
