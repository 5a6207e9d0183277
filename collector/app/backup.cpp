#include "collector/app/backup.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "collector/app/cli_args.hpp"
#include "collector/isms/evidence_files.hpp"
#include "collector/store/sqlite.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "common/unique_fd.hpp"

namespace annexa::collector {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kMaxManifestBytes = 64 * 1024 * 1024;

std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void update(const void* data, std::size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
      out.push_back(kHex[digest[i] >> 4]);
      out.push_back(kHex[digest[i] & 15]);
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

struct FileRecord {
  std::int64_t size = 0;
  std::string sha256;
};
using Manifest = std::map<std::string, FileRecord>;  // archive path → size and hash

bool isOperatorFile(const std::string& name) {
  const bool credential = text::endsWith(name, ".crt") || text::endsWith(name, ".key");
  return credential && name.size() <= 68 && name.front() != '.' &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; });
}

// The names a data directory holds: what a backup takes, and the only names a restore writes.
bool isDataDirFile(const std::string& path) {
  static const std::set<std::string> fixed = {"annexa.db", "ca.crt", "ca.key", "server.crt", "server.key",
                                              "collector.json"};
  if (fixed.count(path)) return true;
  const auto parts = text::split(path, '/');
  if (parts.size() == 2 && parts[0] == "operators") return isOperatorFile(parts[1]);
  return parts.size() == 3 && parts[0] == "evidence-files" && isSha256Hex(parts[2]) && parts[1] == parts[2].substr(0, 2);
}

bool isEvidenceFile(const std::string& path) { return text::startsWith(path, "evidence-files/"); }

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;
using EntryPtr = std::unique_ptr<archive_entry, void (*)(archive_entry*)>;

std::string archiveError(struct archive* archive, const std::string& what) {
  const char* message = archive_error_string(archive);
  return what + ": " + (message ? message : "libarchive error");
}

// Appends one regular file, read without following a link, hashing it on the way.
VoidResult addFile(struct archive* archive, const fs::path& source, const std::string& name, Manifest& manifest) {
  UniqueFd fd(::open(source.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.ok()) return makeError(errnoText(source.string()));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return makeError(errnoText(source.string()));
  if (!S_ISREG(st.st_mode)) return makeError(source.string() + ": not a regular file");
  EntryPtr entry(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), st.st_mode & 0600);
  archive_entry_set_size(entry.get(), st.st_size);
  archive_entry_set_mtime(entry.get(), st.st_mtime, 0);
  if (archive_write_header(archive, entry.get()) != ARCHIVE_OK) return makeError(archiveError(archive, name));
  Sha256 sha;
  std::int64_t total = 0;
  std::vector<char> buffer(kChunk);
  ssize_t n;
  while ((n = ::read(fd.get(), buffer.data(), buffer.size())) > 0) {
    sha.update(buffer.data(), static_cast<std::size_t>(n));
    if (archive_write_data(archive, buffer.data(), static_cast<std::size_t>(n)) != n)
      return makeError(archiveError(archive, name));
    total += n;
  }
  if (n < 0) return makeError(errnoText(source.string()));
  if (total != st.st_size) return makeError(source.string() + ": changed while it was copied");
  manifest[name] = {total, sha.hex()};
  return success();
}

// Every file of `directory` (relative names under `prefix`) that a data directory may hold, in name order.
std::vector<std::string> dataFilesUnder(const fs::path& root, const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root / prefix, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = prefix + "/" + it->path().lexically_relative(root / prefix).generic_string();
    if (it->is_regular_file(ec) && isDataDirFile(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

VoidResult addManifest(struct archive* archive, const Manifest& manifest) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& [path, record] : manifest)
    files.push_back({{"path", path}, {"size", record.size}, {"sha256", record.sha256}});
  const std::string text =
      nlohmann::json{{"format", kBackupFormat}, {"created_at", formatRfc3339(unixNow())}, {"files", files}}.dump(1) +
      "\n";
  EntryPtr entry(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(entry.get(), kBackupManifest);
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0600);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(text.size()));
  archive_entry_set_mtime(entry.get(), unixNow(), 0);
  if (archive_write_header(archive, entry.get()) != ARCHIVE_OK ||
      archive_write_data(archive, text.data(), text.size()) != static_cast<la_ssize_t>(text.size()))
    return makeError(archiveError(archive, kBackupManifest));
  return success();
}

// The database as of one read transaction, written by SQLite into a private directory beside the backup.
class DatabaseSnapshot {
 public:
  static Result<std::unique_ptr<DatabaseSnapshot>> take(const fs::path& database, const fs::path& besides) {
    std::string pattern = (besides.parent_path() / ".annexa-backup-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return makeError(errnoText("temporary directory beside " + besides.string()));
    std::unique_ptr<DatabaseSnapshot> snapshot(new DatabaseSnapshot(pattern));
    try {
      auto db = Database::open(database, Database::Mode::ReadOnly);
      db->prepare("VACUUM INTO ?1").bind(1, snapshot->path().string()).run();
    } catch (const std::exception& e) {
      return makeError(std::string("database snapshot: ") + e.what());
    }
    return snapshot;
  }
  ~DatabaseSnapshot() {
    std::error_code ec;
    fs::remove_all(directory_, ec);
  }
  fs::path path() const { return directory_ / "annexa.db"; }

 private:
  explicit DatabaseSnapshot(fs::path directory) : directory_(std::move(directory)) {}
  fs::path directory_;
};

BackupSummary summarise(const Manifest& manifest) {
  BackupSummary summary;
  for (const auto& [path, record] : manifest) {
    ++summary.files;
    summary.bytes += record.size;
    if (path == "annexa.db") summary.databaseBytes = record.size;
  }
  return summary;
}

Result<BackupSummary> writeBackup(const DataDir& dir, const fs::path& out, int fd) {
  // The database first: the evidence files copied after it include every one it names.
  auto snapshot = DatabaseSnapshot::take(dir.database(), out);
  if (!snapshot) return makeError(snapshot.error());
  ArchivePtr archive(archive_write_new(), archive_write_free);
  if (archive_write_set_format_pax_restricted(archive.get()) != ARCHIVE_OK ||
      archive_write_add_filter_zstd(archive.get()) != ARCHIVE_OK || archive_write_open_fd(archive.get(), fd) != ARCHIVE_OK)
    return makeError(archiveError(archive.get(), out.string()));
  Manifest manifest;
  if (auto added = addFile(archive.get(), (*snapshot)->path(), "annexa.db", manifest); !added)
    return makeError(added.error());
  std::vector<std::string> names = {"collector.json", "ca.crt", "ca.key", "server.crt", "server.key"};
  for (const char* directory : {"operators", "evidence-files"})
    for (auto& name : dataFilesUnder(dir.root, directory)) names.push_back(std::move(name));
  for (const auto& name : names)
    if (auto added = addFile(archive.get(), dir.root / name, name, manifest); !added) return makeError(added.error());
  if (auto added = addManifest(archive.get(), manifest); !added) return makeError(added.error());
  if (archive_write_close(archive.get()) != ARCHIVE_OK) return makeError(archiveError(archive.get(), out.string()));
  if (::fsync(fd) != 0) return makeError(errnoText(out.string()));
  return summarise(manifest);
}

// Writes one archive entry to `target`/`name` (a checked name), creating its directory, hashing it on the way.
VoidResult extractFile(struct archive* archive, const fs::path& target, const std::string& name, Manifest& extracted) {
  const fs::path path = target / name;
  // Only this restore writes into the new directory (0700, ours): no link can be planted there.
  std::vector<fs::path> parents;
  for (fs::path parent = path.parent_path(); parent != target; parent = parent.parent_path()) parents.push_back(parent);
  for (auto it = parents.rbegin(); it != parents.rend(); ++it)
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) return makeError(errnoText(it->string()));
  const mode_t mode = isEvidenceFile(name) ? 0400 : 0600;  // stored evidence is never altered
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!fd.ok()) return makeError(errnoText(path.string()));
  Sha256 sha;
  std::int64_t total = 0;
  std::vector<char> buffer(kChunk);
  la_ssize_t n;
  while ((n = archive_read_data(archive, buffer.data(), buffer.size())) > 0) {
    sha.update(buffer.data(), static_cast<std::size_t>(n));
    for (la_ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(fd.get(), buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return makeError(errnoText(path.string()));
      done += w;
    }
    total += n;
  }
  if (n < 0) return makeError(archiveError(archive, name));
  if (::fsync(fd.get()) != 0 || !fd.close()) return makeError(errnoText(path.string()));
  extracted[name] = {total, sha.hex()};
  return success();
}

Result<Manifest> parseManifest(const std::string& text) {
  auto parsed = parseJson(text);
  if (!parsed || !parsed->is_object() || parsed->value("format", "") != kBackupFormat ||
      !parsed->contains("files") || !(*parsed)["files"].is_array())
    return makeError(std::string(kBackupManifest) + " is not an " + kBackupFormat + " manifest");
  Manifest manifest;
  for (const auto& file : (*parsed)["files"]) {
    if (!file.is_object() || !file.value("path", nlohmann::json()).is_string() ||
        !file.value("size", nlohmann::json()).is_number_integer() || !file.value("sha256", nlohmann::json()).is_string())
      return makeError(std::string(kBackupManifest) + ": a file entry lacks path, size or sha256");
    manifest[file["path"].get<std::string>()] = {file["size"].get<std::int64_t>(), file["sha256"].get<std::string>()};
  }
  return manifest;
}

VoidResult compareWithManifest(const Manifest& extracted, const Manifest& manifest) {
  for (const auto& [path, record] : manifest) {
    const auto it = extracted.find(path);
    if (it == extracted.end()) return makeError("the backup lacks " + text::printable(path) + " (truncated?)");
    if (it->second.size != record.size || it->second.sha256 != record.sha256)
      return makeError(text::printable(path) + " does not match the manifest (size or SHA-256): the backup is damaged");
  }
  for (const auto& [path, record] : extracted)
    if (!manifest.count(path)) return makeError(text::printable(path) + " is in the backup but not in its manifest");
  if (!manifest.count("annexa.db") || !manifest.count("ca.key") || !manifest.count("collector.json"))
    return makeError("the backup lacks the database, the CA key or collector.json");
  return success();
}

VoidResult checkDatabase(const fs::path& database) {
  try {
    auto db = Database::open(database, Database::Mode::ReadOnly);
    auto check = db->prepare("PRAGMA quick_check");
    const std::string verdict = check.step() ? check.columnText(0) : "no answer";
    if (verdict != "ok") return makeError("the restored database fails SQLite's quick_check: " + verdict);
  } catch (const std::exception& e) {
    return makeError(std::string("the restored database: ") + e.what());
  }
  return success();
}

Result<BackupSummary> extractBackup(const fs::path& archivePath, const fs::path& target) {
  ArchivePtr archive(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(archive.get());
  archive_read_support_format_tar(archive.get());
  if (archive_read_open_filename(archive.get(), archivePath.c_str(), kChunk) != ARCHIVE_OK)
    return makeError(archiveError(archive.get(), archivePath.string()));
  Manifest extracted;
  std::optional<Manifest> manifest;
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(archive.get(), &entry)) == ARCHIVE_OK) {
    const char* rawName = archive_entry_pathname(entry);
    const std::string name = rawName ? rawName : "";
    if (manifest) return makeError("entries after the manifest: not an annexa-collector backup");
    if (archive_entry_filetype(entry) != AE_IFREG)
      return makeError("unexpected entry " + text::printable(name) + " (only regular files are restored)");
    if (name == kBackupManifest) {
      if (archive_entry_size(entry) > static_cast<la_int64_t>(kMaxManifestBytes)) return makeError("manifest too large");
      std::string text(static_cast<std::size_t>(archive_entry_size(entry)), '\0');
      if (archive_read_data(archive.get(), text.data(), text.size()) != static_cast<la_ssize_t>(text.size()))
        return makeError(archiveError(archive.get(), kBackupManifest));
      auto parsed = parseManifest(text);
      if (!parsed) return makeError(parsed.error());
      manifest = std::move(*parsed);
      continue;
    }
    if (!isDataDirFile(name)) return makeError("unexpected entry " + text::printable(name) + ": not a data directory file");
    if (extracted.count(name)) return makeError(text::printable(name) + " appears twice");
    if (auto written = extractFile(archive.get(), target, name, extracted); !written) return makeError(written.error());
  }
  if (status != ARCHIVE_EOF) return makeError(archiveError(archive.get(), archivePath.string()));
  if (!manifest) return makeError("no manifest: the backup is truncated or not an annexa-collector backup");
  if (auto same = compareWithManifest(extracted, *manifest); !same) return makeError(same.error());
  if (auto healthy = checkDatabase(target / "annexa.db"); !healthy) return makeError(healthy.error());
  return summarise(extracted);
}

const char* const kBackupUsage =
    "usage: annexa-collector backup --data DIR --out FILE.tar.zst\n"
    "       annexa-collector restore --data NEW-DIR --from FILE.tar.zst\n";

int fail(std::ostream& err, const std::string& message) {
  err << "annexa-collector: " << message << "\n";
  return 2;
}

std::string megabytes(std::int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

// The directory a restore may write into: new, or empty, ours and writable by nobody else (the packaged
// /var/lib/annexa before `init`). Returns whether it was created here.
Result<bool> prepareRestoreTarget(const fs::path& target) {
  if (::mkdir(target.c_str(), 0700) == 0) return true;
  if (errno != EEXIST) return makeError(errnoText(target.string()));
  struct stat st {};
  if (::lstat(target.c_str(), &st) != 0) return makeError(errnoText(target.string()));
  std::error_code ec;
  const bool empty = S_ISDIR(st.st_mode) && fs::is_empty(target, ec) && !ec;
  if (!empty) return makeError(target.string() + " exists and is not empty; restore into a new or empty directory");
  if (st.st_uid != ::geteuid() || (st.st_mode & 022))
    return makeError(target.string() + " must be owned by the user restoring and writable by nobody else");
  return false;
}

}  // namespace

Result<BackupSummary> backupDataDir(const DataDir& dir, const fs::path& out) {
  std::error_code ec;
  if (!fs::is_regular_file(dir.config(), ec) || !fs::is_regular_file(dir.database(), ec))
    return makeError(dir.root.string() + " is not an initialised data directory (no collector.json or annexa.db)");
  UniqueFd fd(::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.ok())
    return makeError(errno == EEXIST ? out.string() + " exists; a backup never overwrites a file" : errnoText(out.string()));
  auto written = writeBackup(dir, out, fd.get());
  if (!fd.close() && written) written = makeError(errnoText(out.string()));
  if (!written) ::unlink(out.c_str());
  return written;
}

Result<BackupSummary> restoreDataDir(const fs::path& archive, const DataDir& target) {
  auto created = prepareRestoreTarget(target.root);
  if (!created) return makeError(created.error());
  auto restored = extractBackup(archive, target.root);
  if (!restored) {  // leave nothing behind: the directory if we made it, else what we wrote into it
    std::error_code ec;
    if (*created) {
      fs::remove_all(target.root, ec);
    } else {
      for (const auto& entry : fs::directory_iterator(target.root, ec)) fs::remove_all(entry.path(), ec);
    }
  }
  return restored;
}

bool isBackupCommand(const std::string& command) { return command == "backup" || command == "restore"; }

int runBackupCli(const std::vector<std::string>& raw, std::ostream& out, std::ostream& err) {
  auto args = parseCliArgs(raw, {});
  if (!args) return fail(err, args.error() + "\n" + kBackupUsage);
  const bool backup = raw[0] == "backup";
  const std::string fileOption = backup ? "--out" : "--from";
  for (const auto& [name, value] : args->options)
    if (name != "--data" && name != fileOption) return fail(err, "unknown option " + name + "\n" + kBackupUsage);
  if (!args->flags.empty() || args->positional.size() > 1 || !args->options.count("--data") ||
      !args->options.count(fileOption))
    return fail(err, kBackupUsage);
  const DataDir dir{args->options.at("--data")};
  const fs::path file = args->options.at(fileOption);
  if (backup) {
    auto summary = backupDataDir(dir, file);
    if (!summary) return fail(err, "backup: " + summary.error());
    out << "Backed up " << dir.root.string() << " to " << file.string() << ": " << summary->files << " files, "
        << megabytes(summary->bytes) << " (database " << megabytes(summary->databaseBytes) << ")\n";
    return 0;
  }
  auto summary = restoreDataDir(file, dir);
  if (!summary) return fail(err, "restore: " + summary.error());
  out << "Restored " << file.string() << " into " << dir.root.string() << ": " << summary->files << " files, "
      << megabytes(summary->bytes) << ", every one as the manifest says\n"
      << "Next: annexa-collector verify-log --data " << dir.root.string() << "\n";
  return 0;
}

}  // namespace annexa::collector
