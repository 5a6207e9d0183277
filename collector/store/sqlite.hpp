// A thin RAII layer over the SQLite C API: connections, cached prepared statements, transactions.
// SQLite failures other than constraint handling are exceptional (disk full, corruption) and throw SqliteError;
// callers at the edges (writer thread, API handlers, CLI) turn them into 5xx / exit codes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace annexa::collector {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bindNull(int index);
  Statement& bindBlob(int index, std::string_view bytes);
  // As bind and bindBlob, but SQLite reads the caller's bytes instead of copying them: they must stay alive and
  // unchanged until the statement has run or been reset. For the ingest writer's values (bodies, evidence), where
  // the copies were a tenth of its CPU.
  Statement& bindView(int index, std::string_view value);
  Statement& bindBlobView(int index, std::string_view bytes);
  // Advances; true while a row is available.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  std::int64_t columnInt(int index) const;
  std::string columnText(int index) const;
  bool isNull(int index) const;
  void reset();

 private:
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  static std::unique_ptr<Database> open(const std::filesystem::path& path, Mode mode = Mode::ReadWrite);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  // A cached, reset statement (a cheap view); valid until the Database is destroyed.
  // Do not interleave two uses of the same SQL text.
  Statement prepare(std::string_view sql);
  int changes() const;
  std::int64_t lastInsertRowId() const;
  // From now on, this connection counts the pages in the write-ahead log after each of its commits instead of
  // checkpointing by itself (it replaces SQLite's wal_autocheckpoint, which would replace it in turn).
  void countWalFramesInsteadOfAutocheckpoint();
  // Pages in the write-ahead log after this connection's last commit (0 before the first one).
  int walFrames() const { return walFrames_; }
  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  int walFrames_ = 0;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

// A connection's write-ahead log, made durable from another thread with fdatasync through a descriptor of its own.
// Lets the single writer commit with synchronous=NORMAL and go on with its next batch while another thread waits
// for the disk (the storage queue's pipelined group commit, collector/ingest/ingest_queue.hpp). A commit is durable once
// a sync() that began after it returns: the log is written in order, and a frame after the last valid commit is
// ignored by recovery.
class WalSync {
 public:
  // Null when the connection has no write-ahead log to open: its commits must then sync themselves.
  static std::unique_ptr<WalSync> open(Database& db);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;
  // Throws SqliteError when the disk refuses. Then nothing committed since the last sync may be durable, and the
  // kernel will not report the failure again: the caller must stop writing (IngestQueue::failure()).
  // One thread at a time.
  void sync();

 private:
  WalSync(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

// BEGIN IMMEDIATE … COMMIT, rolled back when left by an exception.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace annexa::collector
