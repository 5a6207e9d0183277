// SQLite implementation of Store. One writer connection (serialised by a mutex; the ingest queue is its main
// user) and a small pool of reader connections, so API reads never wait for a write transaction (WAL).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "collector/store/body_codec.hpp"
#include "collector/store/sqlite.hpp"
#include "collector/store/sqlite_evidence.hpp"
#include "collector/store/sqlite_history.hpp"
#include "collector/store/sqlite_rows.hpp"
#include "collector/store/sqlite_schema.hpp"
#include "collector/store/store.hpp"
#include "common/clock.hpp"

namespace annexa::collector {
namespace {

using rows::kAgentColumns;
using rows::optionalInt;
using rows::readAgent;
using rows::readResults;
using rows::readStatusRow;

constexpr const char* kTokenColumns =
    "id, label, created_at, expires_at, uses_left, revoked_at, allow_no_machine_id, allow_duplicate_machine_id";

TokenRecord readToken(const Statement& q) {
  return {q.columnText(0), q.columnText(1), q.columnInt(2), q.columnInt(3), q.columnInt(4), optionalInt(q, 5),
          q.columnInt(6) != 0, q.columnInt(7) != 0};
}

// A body dictionary's samples are looked for among this many times as many of the latest bodies.
constexpr std::int64_t kBodiesReadPerSample = 8;

class SqliteStore final : public Store {
 public:
  SqliteStore(std::filesystem::path path, SqliteTuning tuning) : path_(std::move(path)), tuning_(tuning) {
    writer_ = Database::open(path_);
    writer_->exec("PRAGMA journal_mode = WAL");
    // FULL: a commit acknowledged to an agent survives power loss, not just a crash of the collector.
    writer_->exec("PRAGMA synchronous = FULL");
    migrateStore(*writer_);
    // Checkpoints copy the WAL back into the database: every page written twice and read once more. Left to
    // SQLite they run inside the single writer's commits (every 1000 pages, ~200 reports); here a thread of its
    // own does them beside the writer (PASSIVE never blocks it), and the writer only finishes the job when the
    // log grows long (keepWalBounded).
    writer_->countWalFramesInsteadOfAutocheckpoint();
    // Once the log restarts from its beginning, a file grown past twice the checkpoint size is cut back to it.
    writer_->exec("PRAGMA journal_size_limit = " + std::to_string(std::int64_t{tuning_.walCheckpointFrames} * 8192));
    loadNewestDictionary();
    walSync_ = WalSync::open(*writer_);  // after the first reads above: the log file exists from then on
    checkpointer_ = std::thread([this] { checkpointLoop(); });
  }

  ~SqliteStore() override {
    {
      std::lock_guard lock(checkpointMutex_);
      stopping_ = true;
    }
    checkpointWake_.notify_all();
    checkpointer_.join();
  }

  void addToken(const TokenRecord& t, const std::string& tokenHash) override {
    std::lock_guard lock(writerMutex_);
    writer_->prepare("INSERT INTO tokens (id, hash, label, created_at, expires_at, uses_left, allow_no_machine_id, "
                     "allow_duplicate_machine_id) VALUES (?,?,?,?,?,?,?,?)")
        .bind(1, t.id).bind(2, tokenHash).bind(3, t.label).bind(4, t.createdAt).bind(5, t.expiresAt)
        .bind(6, t.usesLeft).bind(7, t.allowNoMachineId ? 1 : 0).bind(8, t.allowDuplicateMachineId ? 1 : 0).run();
  }

  Result<TokenRecord> redeemToken(const std::string& tokenHash, std::int64_t now) override {
    std::lock_guard lock(writerMutex_);
    Transaction tx(*writer_);
    auto token = useToken(tokenHash, now);
    if (token) tx.commit();
    return token;
  }

  Result<TokenRecord> enrollAgent(const std::string& tokenHash, std::int64_t now, AgentRecord agent) override {
    std::lock_guard lock(writerMutex_);
    Transaction tx(*writer_);
    auto token = useToken(tokenHash, now);
    if (!token) return token;
    agent.tokenId = token->id;
    insertAgent(agent);
    tx.commit();
    return token;
  }

  Result<TokenRecord> checkToken(const std::string& tokenHash, std::int64_t now) override {
    auto reader = acquireReader();
    return readUsableToken(*reader, tokenHash, now);
  }

  std::vector<TokenRecord> listTokens() override {
    auto reader = acquireReader();
    auto q = reader->prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens ORDER BY created_at");
    std::vector<TokenRecord> out;
    while (q.step()) out.push_back(readToken(q));
    return out;
  }

  bool revokeToken(const std::string& id, std::int64_t now) override {
    std::lock_guard lock(writerMutex_);
    writer_->prepare("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").bind(1, now).bind(2, id).run();
    return writer_->changes() > 0;
  }

  void addAgent(const AgentRecord& a) override {
    std::lock_guard lock(writerMutex_);
    insertAgent(a);
  }

  std::optional<AgentRecord> findAgent(const std::string& id) override {
    auto reader = acquireReader();
    auto q = reader->prepare(std::string("SELECT ") + kAgentColumns + " FROM agents WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    auto agent = readAgent(q);
    q.reset();
    return agent;
  }

  std::vector<AgentRecord> listAgents() override {
    auto reader = acquireReader();
    auto q = reader->prepare(std::string("SELECT ") + kAgentColumns + " FROM agents ORDER BY hostname, id");
    std::vector<AgentRecord> out;
    while (q.step()) out.push_back(readAgent(q));
    return out;
  }

  bool revokeAgent(const std::string& id, std::int64_t now) override {
    std::lock_guard lock(writerMutex_);
    writer_->prepare("UPDATE agents SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").bind(1, now).bind(2, id).run();
    return writer_->changes() > 0;
  }

  std::optional<AgentRecord> activeAgentWithMachineId(const std::string& machineId) override {
    auto reader = acquireReader();
    auto q = reader->prepare(std::string("SELECT ") + kAgentColumns +
                             " FROM agents WHERE machine_id = ? AND revoked_at IS NULL ORDER BY enrolled_at LIMIT 1");
    q.bind(1, machineId);
    if (!q.step()) return std::nullopt;
    auto agent = readAgent(q);
    q.reset();
    return agent;
  }

  std::vector<AgentEvent> agentEvents(const std::string& agentId) override {
    auto reader = acquireReader();
    auto q = reader->prepare(
        "SELECT agent_id, at, kind, claimed, recorded, report_id FROM agent_events WHERE agent_id = ? ORDER BY id");
    q.bind(1, agentId);
    std::vector<AgentEvent> out;
    while (q.step())
      out.push_back(
          {q.columnText(0), q.columnInt(1), q.columnText(2), q.columnText(3), q.columnText(4), q.columnText(5)});
    return out;
  }

  void addOperator(const OperatorRecord& op) override {
    std::lock_guard lock(writerMutex_);
    // Re-issuing an operator's certificate revokes the previous one; its row (and serial) stays, revoked.
    Transaction tx(*writer_);
    writer_->prepare("UPDATE operators SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")
        .bind(1, op.createdAt).bind(2, op.name).run();
    writer_->prepare("INSERT INTO operators (cert_serial, name, role, created_at, revoked_at) VALUES (?,?,?,?,?)")
        .bind(1, op.certSerial).bind(2, op.name).bind(3, op.role).bind(4, op.createdAt).bind(5, op.revokedAt).run();
    tx.commit();
  }

  std::vector<OperatorRecord> listOperators() override {
    auto reader = acquireReader();
    auto q = reader->prepare(
        "SELECT name, role, cert_serial, created_at, revoked_at FROM operators ORDER BY name, created_at, cert_serial");
    std::vector<OperatorRecord> out;
    while (q.step()) out.push_back({q.columnText(0), q.columnText(1), q.columnText(2), q.columnInt(3), optionalInt(q, 4)});
    return out;
  }

  std::vector<std::string> revokeOperator(const std::string& serialOrName, std::int64_t now) override {
    std::lock_guard lock(writerMutex_);
    Transaction tx(*writer_);
    std::vector<std::string> revoked;
    auto q = writer_->prepare(
        "SELECT cert_serial FROM operators WHERE (cert_serial = ? OR name = ?) AND revoked_at IS NULL");
    q.bind(1, serialOrName).bind(2, serialOrName);
    while (q.step()) revoked.push_back(q.columnText(0));
    q.reset();
    for (const auto& serial : revoked)
      writer_->prepare("UPDATE operators SET revoked_at = ? WHERE cert_serial = ?").bind(1, now).bind(2, serial).run();
    tx.commit();
    return revoked;
  }

  std::set<std::string> revokedSerials() override {
    auto reader = acquireReader();
    std::set<std::string> out;
    auto q = reader->prepare("SELECT cert_serial FROM agents WHERE revoked_at IS NOT NULL "
                             "UNION SELECT cert_serial FROM operators WHERE revoked_at IS NOT NULL");
    while (q.step()) out.insert(q.columnText(0));
    return out;
  }

  std::vector<IngestOutcome> ingest(const std::vector<IngestRequest>& batch) override {
    std::lock_guard lock(writerMutex_);
    refuseAfterFailedFlush();
    return ingestBatch(batch);
  }

  // synchronous=NORMAL for this batch only: its commit writes the log without waiting for the disk, and
  // syncCommitted() waits for it instead, on the storage queue's other thread. Every other write keeps FULL.
  std::vector<IngestOutcome> ingestUnsynced(const std::vector<IngestRequest>& batch) override {
    std::lock_guard lock(writerMutex_);
    refuseAfterFailedFlush();
    if (!walSync_) return ingestBatch(batch);
    writer_->exec("PRAGMA synchronous = NORMAL");
    struct RestoreFull {
      Database& db;
      ~RestoreFull() {
        try {
          db.exec("PRAGMA synchronous = FULL");  // refused only inside a transaction, which ingestBatch has ended
        } catch (const std::exception&) {
          std::terminate();  // never leave the other writes (enrollment, tokens) without their sync
        }
      }
    } restore{*writer_};
    return ingestBatch(batch);
  }

  void syncCommitted() override {
    if (!walSync_) return;
    try {
      walSync_->sync();
    } catch (const std::exception&) {
      flushFailed_ = true;
      throw;
    }
  }

  std::vector<StoredResult> currentResults(const std::optional<std::string>& agentId) override {
    auto reader = acquireReader();
    auto q = agentId ? reader->prepare(std::string(kResultColumns) + " WHERE agent_id = ? ORDER BY check_id")
                     : reader->prepare(std::string(kResultColumns) + " ORDER BY agent_id, check_id");
    if (agentId) q.bind(1, *agentId);
    return readResults(q);
  }

  std::vector<StoredResult> currentResultsForChecks(const std::vector<std::string>& checkIds) override {
    auto reader = acquireReader();
    auto q = reader->prepare(std::string(kResultColumns) + " WHERE check_id = ? ORDER BY agent_id");
    std::vector<StoredResult> out;
    for (const auto& id : checkIds) {
      q.bind(1, id);
      auto part = readResults(q);
      out.insert(out.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
    return out;
  }

 private:
  static constexpr const char* kResultColumns =
      "SELECT agent_id, check_id, title, status, severity, message, remediation, evidence, since, report_id "
      "FROM current_results";

 public:

  std::vector<StatusRow> currentStatuses() override {
    auto reader = acquireReader();
    auto q = reader->prepare("SELECT agent_id, check_id, status, severity, since FROM current_results");
    std::vector<StatusRow> out;
    while (q.step()) out.push_back(readStatusRow(q));
    return out;
  }

  std::vector<HostResultCounts> resultCountsByAgent() override {
    auto reader = acquireReader();
    auto q = reader->prepare(
        "SELECT agent_id, sum(status = 'pass'), sum(status = 'fail'), sum(status = 'error'), "
        "sum(status = 'not_applicable') FROM current_results GROUP BY agent_id");
    std::vector<HostResultCounts> out;
    while (q.step())
      out.push_back({q.columnText(0), static_cast<int>(q.columnInt(1)), static_cast<int>(q.columnInt(2)),
                     static_cast<int>(q.columnInt(3)), static_cast<int>(q.columnInt(4))});
    return out;
  }

  std::vector<FailingCheck> failingChecks(std::int64_t now) override {
    auto reader = acquireReader();
    // The stale condition is isStale() (posture.cpp) in SQL; the store test holds the two together.
    auto q = reader->prepare(
        "SELECT r.check_id, max(r.title), max(r.severity), count(*), "
        "sum(a.last_seen IS NULL OR ?1 - a.last_seen > 2 * max(a.interval_seconds, 60)), min(r.since) "
        "FROM current_results r JOIN agents a ON a.id = r.agent_id "
        "WHERE r.status = 'fail' AND a.revoked_at IS NULL GROUP BY r.check_id");
    q.bind(1, now);
    std::vector<FailingCheck> out;
    while (q.step())
      out.push_back({q.columnText(0), q.columnText(1), parseSeverity(q.columnText(2)).value_or(Severity::Medium),
                     static_cast<int>(q.columnInt(3)), static_cast<int>(q.columnInt(4)), q.columnInt(5)});
    return out;
  }

  std::vector<StatusRow> changesBetween(std::int64_t from, std::int64_t to) override {
    auto reader = acquireReader();
    auto q = reader->prepare(
        "SELECT agent_id, check_id, status, severity, changed_at FROM result_changes "
        "WHERE changed_at >= ? AND changed_at < ? ORDER BY changed_at, id");
    q.bind(1, from).bind(2, to);
    std::vector<StatusRow> out;
    while (q.step()) out.push_back(readStatusRow(q));
    return out;
  }

  std::int64_t reportCount() override {
    auto reader = acquireReader();
    auto q = reader->prepare("SELECT count(*) FROM reports");
    q.step();
    const auto n = q.columnInt(0);
    q.reset();
    return n;
  }

  std::optional<std::string> rawReport(const std::string& agentId, const std::string& reportId) override {
    auto reader = acquireReader();
    auto q = reader->prepare(
        "SELECT body, encoding FROM reports WHERE agent_id = ? AND report_id = ? AND body IS NOT NULL");
    q.bind(1, agentId).bind(2, reportId);
    if (!q.step()) return std::nullopt;
    auto body = rows::readBody(q, 0, 1, dictionaryLookup());
    q.reset();
    if (!body) throw SqliteError("report " + reportId + " of agent " + agentId + ": " + body.error());
    return std::move(*body);
  }

  std::shared_ptr<const BodyDictionary> bodyDictionary() override {
    std::lock_guard lock(dictionariesMutex_);
    return current_;
  }

  bool trainBodyDictionary(std::int64_t now) override {
    if (bodyDictionary()) return false;
    std::vector<std::string> samples;
    {
      auto reader = acquireReader();
      auto newest = reader->prepare("SELECT max(id) FROM reports");  // the rowid: no count over every report
      const std::int64_t stored = newest.step() ? newest.columnInt(0) : 0;
      newest.reset();  // a statement left open would hold this pooled reader's snapshot in the past
      if (stored < nextTrainingAt_) return false;
      // Should zstd find too little to learn from, try again only after as many reports more.
      nextTrainingAt_ = stored + tuning_.dictionaryAfterReports;
      // Full reports only: once agents send short ones (annexa.unchanged/1), most of the latest bodies are short,
      // and a dictionary learnt from them would do little for the 23 KB bodies that cost the storage.
      auto q = reader->prepare("SELECT body, encoding FROM reports WHERE body IS NOT NULL ORDER BY id DESC LIMIT ?");
      q.bind(1, std::int64_t{tuning_.dictionarySamples} * kBodiesReadPerSample);
      while (samples.size() < static_cast<std::size_t>(tuning_.dictionarySamples) && q.step())
        if (auto body = rows::readBody(q, 0, 1, dictionaryLookup()); body && !unchangedReference(*body))
          samples.push_back(std::move(*body));
      q.reset();
    }
    auto bytes = BodyDictionary::train(samples);
    if (!bytes) return false;
    auto dictionary = BodyDictionary::load(std::move(*bytes));
    if (!dictionary) return false;
    {
      std::lock_guard lock(writerMutex_);
      writer_->prepare("INSERT OR IGNORE INTO body_dictionaries (id, created_at, dictionary) VALUES (?,?,?)")
          .bind(1, std::int64_t{(*dictionary)->id()}).bind(2, now).bindBlob(3, (*dictionary)->bytes()).run();
      if (writer_->changes() == 0) return false;  // an id already in use: keep compressing without
    }
    std::lock_guard lock(dictionariesMutex_);
    dictionaries_[(*dictionary)->id()] = *dictionary;
    current_ = *dictionary;
    return true;
  }

  std::int64_t purgeReportsBefore(std::int64_t cutoff) override {
    std::lock_guard lock(writerMutex_);
    // The row (id, hash, times) stays so duplicates are still recognised; the evidence body goes.
    writer_->prepare("UPDATE reports SET body = NULL WHERE received_at < ? AND body IS NOT NULL").bind(1, cutoff).run();
    return writer_->changes();
  }

  std::optional<EvidenceEntry> evidenceHead() override { return evidence_sql::head(*acquireReader()); }
  std::vector<EvidenceRecord> evidenceRecords(std::int64_t afterSeq, int limit) override {
    return evidence_sql::records(*acquireReader(), afterSeq, limit, dictionaryLookup());
  }
  std::vector<EvidenceEntry> evidenceEntries(std::int64_t from, std::int64_t to) override {
    return evidence_sql::entriesReceived(*acquireReader(), from, to);
  }
  std::optional<EvidenceRange> evidenceRange(std::int64_t from, std::int64_t to) override {
    return evidence_sql::rangeReceived(*acquireReader(), from, to);
  }
  void addSignedHead(const SignedHead& head) override {
    std::lock_guard lock(writerMutex_);
    evidence_sql::addSignedHead(*writer_, head);
  }
  std::optional<SignedHead> latestSignedHead() override { return evidence_sql::latestSignedHead(*acquireReader()); }
  std::vector<SignedHead> signedHeads() override { return evidence_sql::signedHeads(*acquireReader()); }

  std::vector<AgentRecord> agentsAt(std::int64_t t) override { return history_sql::agentsAt(*acquireReader(), t); }
  std::vector<StatusRow> statusesAt(std::int64_t t) override { return history_sql::statusesAt(*acquireReader(), t); }
  std::vector<StoredResult> resultsAt(std::int64_t t, const std::optional<std::string>& agentId) override {
    return history_sql::resultsAt(*acquireReader(), t, agentId);
  }

  void saveDailyPosture(const std::vector<DailyPostureRow>& rows) override {
    std::lock_guard lock(writerMutex_);
    Transaction tx(*writer_);
    for (const auto& r : rows) {
      writer_->prepare("INSERT INTO posture_daily (day, control_id, status, passing, failing, error, stale) "
                       "VALUES (?,?,?,?,?,?,?) ON CONFLICT (day, control_id) DO UPDATE SET status = excluded.status, "
                       "passing = excluded.passing, failing = excluded.failing, error = excluded.error, "
                       "stale = excluded.stale")
          .bind(1, r.day).bind(2, r.controlId).bind(3, r.status).bind(4, r.passing).bind(5, r.failing)
          .bind(6, r.error).bind(7, r.stale).run();
    }
    tx.commit();
  }

  std::vector<DailyPostureRow> dailyPosture(const std::string& fromDay, const std::string& toDay,
                                            const std::optional<std::string>& controlId) override {
    auto reader = acquireReader();
    const std::string sql =
        "SELECT day, control_id, status, passing, failing, error, stale FROM posture_daily WHERE day >= ? AND day <= ?";
    auto q = controlId ? reader->prepare(sql + " AND control_id = ? ORDER BY day, control_id")
                       : reader->prepare(sql + " ORDER BY day, control_id");
    q.bind(1, fromDay).bind(2, toDay);
    if (controlId) q.bind(3, *controlId);
    std::vector<DailyPostureRow> out;
    while (q.step())
      out.push_back({q.columnText(0), q.columnText(1), q.columnText(2), static_cast<int>(q.columnInt(3)),
                     static_cast<int>(q.columnInt(4)), static_cast<int>(q.columnInt(5)),
                     static_cast<int>(q.columnInt(6))});
    return out;
  }

 private:
  // Dictionaries never change once stored: each is read from the database once, then kept.
  std::shared_ptr<const BodyDictionary> dictionaryById(std::uint32_t id) {
    {
      std::lock_guard lock(dictionariesMutex_);
      if (const auto found = dictionaries_.find(id); found != dictionaries_.end()) return found->second;
    }
    auto reader = acquireReader();
    auto q = reader->prepare("SELECT dictionary FROM body_dictionaries WHERE id = ?");
    q.bind(1, std::int64_t{id});
    if (!q.step()) return nullptr;
    auto dictionary = BodyDictionary::load(q.columnText(0));
    q.reset();
    if (!dictionary) return nullptr;
    std::lock_guard lock(dictionariesMutex_);
    return dictionaries_.emplace(id, std::move(*dictionary)).first->second;
  }

  rows::DictionaryLookup dictionaryLookup() {
    return [this](std::uint32_t id) { return dictionaryById(id); };
  }

  void loadNewestDictionary() {
    auto q = writer_->prepare("SELECT id FROM body_dictionaries ORDER BY created_at DESC, id DESC LIMIT 1");
    if (!q.step()) return;
    const auto id = static_cast<std::uint32_t>(q.columnInt(0));
    q.reset();
    auto dictionary = dictionaryById(id);
    std::lock_guard lock(dictionariesMutex_);
    current_ = std::move(dictionary);
  }

  // The checkpointer's PASSIVE runs never finish beside a writer that never pauses, and the log then grows
  // without bound (1.6 GB in 20 s of load, every append zero-filling new file blocks). A quarter of the way to
  // walCheckpointFrames the checkpointer thread is woken to copy what it can beside the writer; past it, the
  // writer copies the rest between two batches (~5 ms instead of ~25 ms when it did it all), and the next commit
  // starts the log again from its beginning. Caller holds writerMutex_, outside a transaction.
  void keepWalBounded() {
    const int frames = writer_->walFrames();
    if (frames >= tuning_.walCheckpointFrames) {
      writer_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    } else if (frames >= tuning_.walCheckpointFrames / 4) {
      {
        std::lock_guard lock(checkpointMutex_);
        checkpointWanted_ = true;
      }
      checkpointWake_.notify_one();
    }
  }

  // Caller holds writerMutex_ inside a transaction.
  static Result<TokenRecord> readUsableToken(Database& db, const std::string& tokenHash, std::int64_t now) {
    auto q = db.prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE hash = ?");
    q.bind(1, tokenHash);
    if (!q.step()) return makeError("unknown enrollment token");
    TokenRecord t = readToken(q);
    q.reset();
    if (t.revokedAt) return makeError("enrollment token has been revoked");
    if (t.expiresAt <= now) return makeError("enrollment token has expired");
    if (t.usesLeft <= 0) return makeError("enrollment token has been used up");
    return t;
  }

  Result<TokenRecord> useToken(const std::string& tokenHash, std::int64_t now) {
    auto usable = readUsableToken(*writer_, tokenHash, now);
    if (!usable) return usable;
    TokenRecord t = std::move(*usable);
    writer_->prepare("UPDATE tokens SET uses_left = uses_left - 1 WHERE id = ?").bind(1, t.id).run();
    --t.usesLeft;
    return t;
  }

  void insertAgent(const AgentRecord& a) {
    writer_->prepare(std::string("INSERT INTO agents (") + kAgentColumns +
                     ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, a.id).bind(2, a.hostname).bind(3, a.machineId).bind(4, a.osId).bind(5, a.osVersion)
        .bind(6, a.osName).bind(7, a.kernel).bind(8, a.agentVersion).bind(9, a.certSerial).bind(10, a.certNotAfter)
        .bind(11, a.enrolledAt).bind(12, a.lastSeen).bind(13, a.intervalSeconds).bind(14, a.revokedAt)
        .bind(15, a.tokenId).run();
  }

  // A pooled reader connection, returned to the pool when the handle goes out of scope.
  class ReaderHandle {
   public:
    ReaderHandle(SqliteStore& store, std::unique_ptr<Database> db) : store_(store), db_(std::move(db)) {}
    ~ReaderHandle() {
      std::lock_guard lock(store_.readersMutex_);
      store_.readers_.push_back(std::move(db_));
    }
    ReaderHandle(const ReaderHandle&) = delete;
    ReaderHandle& operator=(const ReaderHandle&) = delete;
    Database* operator->() { return db_.get(); }
    Database& operator*() { return *db_; }

   private:
    SqliteStore& store_;
    std::unique_ptr<Database> db_;
  };

  ReaderHandle acquireReader() {
    {
      std::lock_guard lock(readersMutex_);
      if (!readers_.empty()) {
        auto db = std::move(readers_.back());
        readers_.pop_back();
        return ReaderHandle(*this, std::move(db));
      }
    }
    return ReaderHandle(*this, Database::open(path_, Database::Mode::ReadOnly));
  }

  // A failed flush is reported once, and the pages it could not write may be gone from memory too: commits
  // appended after them would be lost with them. Only a restart (SQLite's recovery) starts from solid ground.
  void refuseAfterFailedFlush() const {
    if (flushFailed_) throw SqliteError("a flush of the write-ahead log failed earlier; restart the collector");
  }

  // Caller holds writerMutex_, inside the batch's transaction. Each claimed name once, and at most
  // kMaxEventsPerAgent per agent.
  void recordHostnameClaim(std::string_view agentId, std::string_view claimed, std::string_view recorded,
                           std::string_view reportId, std::int64_t at) {
    auto known = writer_->prepare(
        "SELECT count(*), coalesce(sum(kind = 'hostname_changed' AND claimed = ?), 0) FROM agent_events "
        "WHERE agent_id = ?");
    known.bindView(1, claimed).bindView(2, agentId);
    known.step();
    const bool full = known.columnInt(0) >= kMaxEventsPerAgent;
    const bool seen = known.columnInt(1) > 0;
    known.reset();
    if (full || seen) return;
    writer_->prepare("INSERT INTO agent_events (agent_id, at, kind, claimed, recorded, report_id) "
                     "VALUES (?, ?, 'hostname_changed', ?, ?, ?)")
        .bindView(1, agentId).bind(2, at).bindView(3, claimed).bindView(4, recorded).bindView(5, reportId).run();
  }

  // Caller holds writerMutex_.
  std::vector<IngestOutcome> ingestBatch(const std::vector<IngestRequest>& batch) {
    std::vector<IngestOutcome> outcomes;
    outcomes.reserve(batch.size());
    Transaction tx(*writer_);
    for (const auto& request : batch) outcomes.push_back(ingestOne(request));
    tx.commit();
    keepWalBounded();
    return outcomes;
  }

  IngestOutcome ingestOne(const IngestRequest& request) {
    const Report& report = request.report;
    // Observed time: the agent's clock, but never in the future of when we received it.
    const auto started = parseRfc3339(report.startedAt).value_or(request.receivedAt);
    const std::int64_t observedAt = std::min(started, request.receivedAt);

    std::optional<PreparedReport> preparedHere;
    const PreparedReport& prepared = request.prepared ? *request.prepared : preparedHere.emplace(prepareReport(report, request.rawBody));

    auto agentQuery = writer_->prepare(
        "SELECT last_seen, last_results_digest, last_full_report_id, last_full_report_at, hostname FROM agents "
        "WHERE id = ?");
    agentQuery.bindView(1, request.agentId);
    std::optional<std::int64_t> lastSeen, lastFullAt;
    std::string lastDigest, lastFullId, hostname;
    if (agentQuery.step()) {
      lastSeen = optionalInt(agentQuery, 0);
      lastDigest = agentQuery.columnText(1);
      lastFullId = agentQuery.columnText(2);
      lastFullAt = optionalInt(agentQuery, 3);
      hostname = agentQuery.columnText(4);
    }
    agentQuery.reset();
    if (const auto& since = report.unchangedSince) {
      const bool confirmsState = since->reportId == lastFullId && since->resultsDigest == lastDigest && lastFullAt &&
                                 observedAt >= *lastFullAt && observedAt - *lastFullAt <= kUnchangedLongestSeconds;
      if (!confirmsState) return isStored(request.agentId, report.reportId) ? IngestOutcome::Duplicate : IngestOutcome::NotCurrent;
    }

    // Values are bound in place (bindView): request and prepared outlive every statement below.
    writer_->prepare("INSERT OR IGNORE INTO reports (agent_id, report_id, received_at, observed_at, sha256, body, "
                     "encoding) VALUES (?,?,?,?,?,?,?)")
        .bindView(1, request.agentId).bindView(2, report.reportId).bind(3, request.receivedAt).bind(4, observedAt)
        .bindView(5, prepared.bodySha256).bindBlobView(6, prepared.storedBody).bindView(7, kBodyZstd).run();
    if (writer_->changes() == 0) return IngestOutcome::Duplicate;
    evidence_sql::append(*writer_, request.agentId, report.reportId, request.receivedAt, prepared.reportSha256);

    // An older report redelivered after a newer one is kept as evidence but does not roll state back.
    if (lastSeen && observedAt < *lastSeen) return IngestOutcome::Stored;

    const auto& evidence = prepared.evidence;
    const auto& digests = prepared.digests;
    const std::string& reportDigest = prepared.resultsDigest;

    // The hostname is the one enrolled: a different claim is recorded for an admin, not applied (docs/security.md).
    if (!hostname.empty() && report.host.hostname != hostname)
      recordHostnameClaim(request.agentId, report.host.hostname, hostname, report.reportId, request.receivedAt);
    else hostname = report.host.hostname;
    // A full report becomes the one that later short reports of the same results name; a short one leaves it.
    auto update = writer_->prepare(
        "UPDATE agents SET last_seen = ?, hostname = ?, os_id = ?, os_version = ?, os_name = ?, kernel = ?, "
        "agent_version = ?, last_results_digest = ?, last_full_report_id = coalesce(?, last_full_report_id), "
        "last_full_report_at = coalesce(?, last_full_report_at) WHERE id = ?");
    update.bind(1, observedAt).bindView(2, hostname).bindView(3, report.host.os.id).bindView(4, report.host.os.version)
        .bindView(5, report.host.os.prettyName).bindView(6, report.host.kernel).bindView(7, report.agentVersion)
        .bindView(8, reportDigest).bindView(11, request.agentId);
    if (report.unchangedSince) update.bindNull(9).bindNull(10);
    else update.bindView(9, report.reportId).bind(10, observedAt);
    update.run();
    // Unchanged results cost a heartbeat, not a row per check.
    if (reportDigest == lastDigest) return IngestOutcome::Stored;

    std::map<std::string, std::string, std::less<>> previous;
    auto current = writer_->prepare("SELECT check_id, digest FROM current_results WHERE agent_id = ?");
    current.bindView(1, request.agentId);
    while (current.step()) previous.emplace(current.columnText(0), current.columnText(1));

    for (std::size_t i = 0; i < report.results.size(); ++i) {
      const auto& r = report.results[i];
      const auto found = previous.find(r.check);
      const bool changed = found == previous.end() || found->second != digests[i];
      if (found != previous.end()) previous.erase(found);
      if (!changed) continue;
      writer_->prepare("INSERT INTO current_results (agent_id, check_id, title, status, severity, message, remediation, "
                       "evidence, digest, since, report_id) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                       "ON CONFLICT (agent_id, check_id) DO UPDATE SET title = excluded.title, status = excluded.status, "
                       "severity = excluded.severity, message = excluded.message, remediation = excluded.remediation, "
                       "evidence = excluded.evidence, digest = excluded.digest, since = excluded.since, "
                       "report_id = excluded.report_id")
          .bindView(1, request.agentId).bindView(2, r.check).bindView(3, r.title).bindView(4, toString(r.status))
          .bindView(5, toString(r.severity)).bindView(6, r.message).bindView(7, r.remediation).bindView(8, evidence[i])
          .bindView(9, digests[i]).bind(10, observedAt).bindView(11, report.reportId).run();
      writer_->prepare("INSERT INTO result_changes (agent_id, check_id, status, severity, evidence, changed_at, report_id) "
                       "VALUES (?,?,?,?,?,?,?)")
          .bindView(1, request.agentId).bindView(2, r.check).bindView(3, toString(r.status)).bindView(4, toString(r.severity))
          .bindView(5, evidence[i]).bind(6, observedAt).bindView(7, report.reportId).run();
    }
    // Checks the host no longer reports (disabled, removed) leave the current state.
    for (const auto& [checkId, digest] : previous) {
      writer_->prepare("DELETE FROM current_results WHERE agent_id = ? AND check_id = ?")
          .bind(1, request.agentId).bind(2, checkId).run();
      history_sql::recordRemoval(*writer_, request.agentId, checkId, observedAt, report.reportId);
    }
    return IngestOutcome::Stored;
  }

  bool isStored(std::string_view agentId, std::string_view reportId) {
    auto q = writer_->prepare("SELECT 1 FROM reports WHERE agent_id = ? AND report_id = ?");
    q.bindView(1, agentId).bindView(2, reportId);
    const bool found = q.step();
    q.reset();
    return found;
  }

  void checkpointLoop() {
    std::unique_ptr<Database> db;
    try {
      db = Database::open(path_);
    } catch (const std::exception&) {
      return;  // the writer then keeps a growing WAL; it is still correct, only slower to open
    }
    std::unique_lock lock(checkpointMutex_);
    while (!stopping_) {
      checkpointWake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_ || checkpointWanted_; });
      if (stopping_) break;
      checkpointWanted_ = false;
      lock.unlock();
      try {
        db->exec("PRAGMA wal_checkpoint(PASSIVE)");
      } catch (const std::exception&) {
        // busy or I/O trouble: the next round tries again
      }
      lock.lock();
    }
  }

  std::filesystem::path path_;
  const SqliteTuning tuning_;
  std::mutex dictionariesMutex_;
  std::map<std::uint32_t, std::shared_ptr<const BodyDictionary>> dictionaries_;
  std::shared_ptr<const BodyDictionary> current_;  // what new bodies are compressed with
  std::atomic<std::int64_t> nextTrainingAt_{tuning_.dictionaryAfterReports};  // reports stored (max rowid)
  std::mutex checkpointMutex_;
  std::condition_variable checkpointWake_;
  bool checkpointWanted_ = false;  // the writer's log is a quarter of the way to walCheckpointFrames
  bool stopping_ = false;
  std::thread checkpointer_;
  std::mutex writerMutex_;
  std::unique_ptr<Database> writer_;
  std::unique_ptr<WalSync> walSync_;  // null: batches commit with synchronous=FULL, as every other write does
  std::atomic<bool> flushFailed_{false};
  std::mutex readersMutex_;
  std::vector<std::unique_ptr<Database>> readers_;
};

}  // namespace

std::unique_ptr<Store> openSqliteStore(const std::filesystem::path& path, SqliteTuning tuning) {
  return std::make_unique<SqliteStore>(path, tuning);
}

}  // namespace annexa::collector
