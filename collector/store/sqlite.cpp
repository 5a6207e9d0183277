#include "collector/store/sqlite.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace annexa::collector {
namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw SqliteError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bindView(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bindBlobView(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  const std::string sql = sqlite3_sql(stmt_) ? sqlite3_sql(stmt_) : "";
  sqlite3_reset(stmt_);
  fail(db, "SQLite step failed (" + sql.substr(0, 60) + ")");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

std::int64_t Statement::columnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::columnText(int index) const {
  const auto* data = sqlite3_column_blob(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
}

bool Statement::isNull(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::unique_ptr<Database> Database::open(const std::filesystem::path& path, Mode mode) {
  sqlite3* db = nullptr;
  const int flags = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw SqliteError("cannot open database " + path.string() + ": " + message);
  }
  std::unique_ptr<Database> database(new Database(db));
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  database->exec("PRAGMA foreign_keys = ON");
  // Read the database file through a mapping and keep more pages per connection: without them every report
  // costs pread() calls for pages the OS already has in memory (seen as the top kernel cost in profiles).
  database->exec("PRAGMA mmap_size = 268435456");
  database->exec("PRAGMA cache_size = -16384");
  return database;
}

Database::~Database() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

void Database::countWalFramesInsteadOfAutocheckpoint() {
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<Database*>(self)->walFrames_ = frames;
        return SQLITE_OK;
      },
      this);
}

std::unique_ptr<WalSync> WalSync::open(Database& db) {
  const char* database = sqlite3_db_filename(db.handle(), "main");
  const char* wal = database && *database ? sqlite3_filename_wal(database) : nullptr;
  if (!wal || !*wal) return nullptr;
  const int fd = ::open(wal, O_WRONLY | O_CLOEXEC);  // never written through: POSIX only promises fdatasync on a writable one
  if (fd < 0) return nullptr;
  return std::unique_ptr<WalSync>(new WalSync(wal, fd));
}

WalSync::~WalSync() { ::close(fd_); }

void WalSync::sync() {
  // SQLite keeps its log file while a connection is open. Should an outside tool have replaced it all the same,
  // the writer still appends to the file it has open, and flushing the new one would prove nothing.
  struct stat held {}, named {};
  if (::fstat(fd_, &held) != 0 || ::stat(path_.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
      held.st_dev != named.st_dev)
    throw SqliteError("the write-ahead log " + path_ + " was replaced or removed while the collector had it open");
  if (::fdatasync(fd_) != 0) throw SqliteError("fdatasync " + path_ + ": " + std::strerror(errno));
}

void Database::exec(std::string_view sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw SqliteError("SQLite: " + message);
  }
}

Statement Database::prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK)
      fail(db_, "cannot prepare statement");
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  Statement statement(it->second);
  statement.reset();
  return statement;
}

int Database::changes() const { return sqlite3_changes(db_); }
std::int64_t Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (const SqliteError&) {
      // Nothing more to do: the connection already rolled back (e.g. after a failed COMMIT).
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace annexa::collector
