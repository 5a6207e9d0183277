// The collector's storage interface: narrow enough that a PostgreSQL backend can implement it later
// (see docs/storage.md). The SQLite implementation is the embedded default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/model.hpp"
#include "common/result.hpp"

namespace annexa::collector {

class BodyDictionary;  // collector/store/body_codec.hpp

// Identity events kept per agent: a misbehaving agent claiming ever new hostnames cannot grow the table further.
inline constexpr int kMaxEventsPerAgent = 100;

struct AgentRecord {
  std::string id;  // UUID, the CN of its client certificate
  std::string hostname;
  std::string machineId;
  std::string osId;
  std::string osVersion;
  std::string osName;
  std::string kernel;
  std::string agentVersion;
  std::string certSerial;
  std::int64_t certNotAfter = 0;
  std::int64_t enrolledAt = 0;
  std::optional<std::int64_t> lastSeen;
  std::int64_t intervalSeconds = 900;
  std::optional<std::int64_t> revokedAt;
  std::string tokenId;
};

struct TokenRecord {
  std::string id;
  std::string label;
  std::int64_t createdAt = 0;
  std::int64_t expiresAt = 0;
  std::int64_t usesLeft = 0;
  std::optional<std::int64_t> revokedAt;
  // Host identity (docs/security.md): an admin's explicit exceptions to "a machine id is required and unique".
  bool allowNoMachineId = false;
  bool allowDuplicateMachineId = false;
};

// Something an agent claimed that differs from what it enrolled with: recorded for an admin, not applied.
struct AgentEvent {
  std::string agentId;
  std::int64_t at = 0;
  std::string kind;      // "hostname_changed"
  std::string claimed;   // what the report said
  std::string recorded;  // what the collector keeps
  std::string reportId;
};

struct OperatorRecord {
  std::string name;
  std::string role;  // admin | viewer
  std::string certSerial;
  std::int64_t createdAt = 0;
  std::optional<std::int64_t> revokedAt;
};

// The latest result of one check on one host.
struct StoredResult {
  std::string agentId;
  std::string checkId;
  std::string title;
  CheckStatus status = CheckStatus::Error;
  Severity severity = Severity::Medium;
  std::string message;
  std::string remediation;
  std::string evidenceJson;  // JSON array of {source, observed, expected}
  std::int64_t since = 0;    // when this status/evidence was first observed
  std::string reportId;
};

// A host's status for one check at a time: a current status (at = since) or a change (at = when it changed).
struct StatusRow {
  std::string agentId;
  std::string checkId;
  CheckStatus status = CheckStatus::Error;
  Severity severity = Severity::Medium;
  std::int64_t at = 0;
};

struct HostResultCounts {
  std::string agentId;
  int pass = 0;
  int fail = 0;
  int error = 0;
  int notApplicable = 0;
};

// A check failing somewhere in the fleet (revoked hosts excluded).
struct FailingCheck {
  std::string checkId;
  std::string title;
  Severity severity = Severity::Medium;
  int hosts = 0;
  int hostsStale = 0;          // of `hosts`, silent ones: their last known result fails (posture.hpp, isStale)
  std::int64_t firstSeen = 0;  // the oldest current failure
};

// What the writer needs of a report besides SQL: hashes and per-result evidence text. prepareReport computes it
// on the network thread that parsed the report, so the single writer thread only runs SQL.
struct PreparedReport {
  std::string reportSha256;            // of the canonical report JSON: the evidence log's hash
  std::string bodySha256;              // of the bytes received
  std::string storedBody;              // the bytes received, compressed (collector/store/body_codec.hpp)
  std::vector<std::string> evidence;   // per result: its evidence as a JSON array
  std::vector<std::string> digests;    // per result: what counts as a change (status, severity, evidence)
  std::string resultsDigest;           // over all results: unchanged means the report is a heartbeat
};

struct IngestRequest {
  std::string agentId;  // from the client certificate
  Report report;
  std::string rawBody;  // the bytes received; only needed when `prepared` is absent (it holds them compressed)
  std::int64_t receivedAt = 0;
  std::optional<PreparedReport> prepared;  // when absent the writer prepares it itself
};

// `canonicalSha256`: canonicalReportSha256 of the document the caller already parsed; when empty, rawBody is
// parsed again to compute it. `bodyIsCanonical`: rawBody is byte for byte the canonical text (as agents send it),
// so its hash is the same and is not computed twice.
// `dictionary`: Store::bodyDictionary(), held by the caller for the call.
PreparedReport prepareReport(const Report& report, std::string_view rawBody, std::string canonicalSha256 = {},
                             bool bodyIsCanonical = false, const BodyDictionary* dictionary = nullptr);

// NotCurrent: a short report (annexa.unchanged/1) whose full report is not the host's state, whose digest differs
// from that state, or that is too far from it (kUnchangedLongestSeconds). Nothing is stored; the agent sends the
// full report instead.
enum class IngestOutcome { Stored, Duplicate, NotCurrent };

struct DailyPostureRow {
  std::string day;  // YYYY-MM-DD (UTC)
  std::string controlId;
  std::string status;
  int passing = 0;
  int failing = 0;
  int error = 0;
  int stale = 0;
};

// One entry of the evidence log, a hash chain over every stored report (docs/evidence.md).
struct EvidenceEntry {
  std::int64_t seq = 0;
  std::string agentId;
  std::string reportId;
  std::int64_t receivedAt = 0;
  std::string reportSha256;  // of the canonical report JSON
  std::string prevHash;      // entry_hash of seq - 1; 64 zeros for seq 1
  std::string entryHash;
};

// What became of the report an entry names: its body, kept; purged by retention (row kept); or gone.
enum class EvidenceBody { Present, Purged, Missing };

// An entry with its report's body, for verification.
struct EvidenceRecord {
  EvidenceEntry entry;
  EvidenceBody body = EvidenceBody::Missing;
  std::string bodyBytes;  // Present only
  std::string bodyDamage;  // Present, but the stored bytes do not decode (why); bodyBytes is then empty
};

// The chain's head at `seq`, signed with the collector's server key.
struct SignedHead {
  std::int64_t seq = 0;
  std::string entryHash;
  std::int64_t signedAt = 0;
  std::string signerFingerprint;  // "SHA256:…" of the server certificate
  std::string signature;          // DER ECDSA over evidenceHeadSigningString(...)
};

// The entries received in a period, for an evidence export.
struct EvidenceRange {
  std::int64_t firstSeq = 0;
  std::int64_t lastSeq = 0;
  std::string headHash;  // entry_hash at lastSeq
  // The first signed head at or after lastSeq: the signature that commits to the whole range, if any yet.
  std::optional<SignedHead> signedHead;
};

// What the storage queue (collector/ingest/ingest_queue.hpp) needs of a store: a batch committed in one transaction
// (readers see it) and durable once a later syncCommitted() returns. syncCommitted may run on another thread while
// the next batch is written: the queue's pipelined group commit.
class IngestSink {
 public:
  virtual ~IngestSink() = default;
  virtual std::vector<IngestOutcome> ingestUnsynced(const std::vector<IngestRequest>& batch) = 0;
  // Makes every batch committed before the call durable; throws when the disk refuses. One thread at a time.
  virtual void syncCommitted() = 0;
};

// The storage interface, in four parts that callers take separately (a part needs only what it reads or writes),
// and Store, which a backend implements as a whole (SQLite today; docs/storage.md).

// Who may talk to the collector: enrollment tokens, agents, operator certificates, revocations.
class AgentRegistry {
 public:
  virtual ~AgentRegistry() = default;
  // Enrollment tokens: only the hash of a token is stored.
  virtual void addToken(const TokenRecord& token, const std::string& tokenHash) = 0;
  // Uses one use of a valid token; the error says why it was refused (unknown, expired, used up, revoked).
  virtual Result<TokenRecord> redeemToken(const std::string& tokenHash, std::int64_t now) = 0;
  // Whether the token could be redeemed now (the same refusals as redeemToken), without using it: enrollment asks
  // before it spends a signature on an anonymous request.
  virtual Result<TokenRecord> checkToken(const std::string& tokenHash, std::int64_t now) = 0;
  // Redeems the token and records the agent in one transaction: a used token always has its agent.
  virtual Result<TokenRecord> enrollAgent(const std::string& tokenHash, std::int64_t now, AgentRecord agent) = 0;
  virtual std::vector<TokenRecord> listTokens() = 0;
  virtual bool revokeToken(const std::string& id, std::int64_t now) = 0;

  virtual void addAgent(const AgentRecord& agent) = 0;
  virtual std::optional<AgentRecord> findAgent(const std::string& id) = 0;
  virtual std::vector<AgentRecord> listAgents() = 0;
  virtual bool revokeAgent(const std::string& id, std::int64_t now) = 0;
  // The enrolled, unrevoked agent with this machine id, if any (a second enrollment of the machine is refused).
  virtual std::optional<AgentRecord> activeAgentWithMachineId(const std::string& machineId) = 0;
  // The agent's identity events, oldest first (at most kMaxEventsPerAgent are kept per agent).
  virtual std::vector<AgentEvent> agentEvents(const std::string& agentId) = 0;

  // Records an operator certificate; the operator's earlier certificates (same name) are revoked.
  virtual void addOperator(const OperatorRecord& op) = 0;
  // Every operator certificate ever issued, revoked ones included (by name, then issue time).
  virtual std::vector<OperatorRecord> listOperators() = 0;
  // Revokes the certificate with this serial, or every valid one of the operator with this name; returns the serials.
  virtual std::vector<std::string> revokeOperator(const std::string& serialOrName, std::int64_t now) = 0;
  // Serial numbers of every revoked agent and operator certificate.
  virtual std::set<std::string> revokedSerials() = 0;
};

// Reports as they arrive and the current results they leave behind.
class ReportStore : public IngestSink {
 public:
  // Stores a batch in one transaction, on disk when this returns; a report_id already stored for that agent is a
  // Duplicate.
  virtual std::vector<IngestOutcome> ingest(const std::vector<IngestRequest>& batch) = 0;
  // A backend whose commits are durable by themselves keeps these (IngestSink).
  std::vector<IngestOutcome> ingestUnsynced(const std::vector<IngestRequest>& batch) override { return ingest(batch); }
  void syncCommitted() override {}
  virtual std::vector<StoredResult> currentResults(const std::optional<std::string>& agentId = std::nullopt) = 0;
  // Current results (with evidence) of the given checks on every host.
  virtual std::vector<StoredResult> currentResultsForChecks(const std::vector<std::string>& checkIds) = 0;
  // Status only (no evidence): what the posture engine needs for the whole fleet.
  virtual std::vector<StatusRow> currentStatuses() = 0;
  // Per host, how many current results have each status (counted by the database, not in memory).
  virtual std::vector<HostResultCounts> resultCountsByAgent() = 0;
  // In-scope hosts whose current result fails, per check; staleness is judged at `now`.
  virtual std::vector<FailingCheck> failingChecks(std::int64_t now) = 0;
  virtual std::vector<StatusRow> changesBetween(std::int64_t from, std::int64_t to) = 0;
  virtual std::int64_t reportCount() = 0;
  virtual std::optional<std::string> rawReport(const std::string& agentId, const std::string& reportId) = 0;
  // The dictionary new bodies are compressed with; null until one is trained.
  virtual std::shared_ptr<const BodyDictionary> bodyDictionary() = 0;
  // Trains one from the latest bodies once enough reports are stored and none exists yet; true when it made one.
  virtual bool trainBodyDictionary(std::int64_t now) = 0;
  // Deletes stored report bodies received before `cutoff`; returns how many.
  virtual std::int64_t purgeReportsBefore(std::int64_t cutoff) = 0;
};

// The hash-chained evidence log and its signed heads (docs/evidence.md).
class EvidenceLogStore {
 public:
  virtual ~EvidenceLogStore() = default;
  // Evidence log (docs/evidence.md). ingest() appends one entry per stored report in its own transaction.
  virtual std::optional<EvidenceEntry> evidenceHead() = 0;
  // Up to `limit` entries after `afterSeq` in seq order, each with its report body (verification pages).
  virtual std::vector<EvidenceRecord> evidenceRecords(std::int64_t afterSeq, int limit) = 0;
  // Entries received in [from, to), seq order.
  virtual std::vector<EvidenceEntry> evidenceEntries(std::int64_t from, std::int64_t to) = 0;
  virtual std::optional<EvidenceRange> evidenceRange(std::int64_t from, std::int64_t to) = 0;
  virtual void addSignedHead(const SignedHead& head) = 0;
  virtual std::optional<SignedHead> latestSignedHead() = 0;
  virtual std::vector<SignedHead> signedHeads() = 0;  // seq order
};

// The fleet as it was: results history and the daily posture rows.
class HistoryStore {
 public:
  virtual ~HistoryStore() = default;
  // The fleet as it was at instant `t` (observed time), rebuilt from history.
  // Agents enrolled by `t`; revokedAt only when revoked by `t`; lastSeen = the latest report observed by `t`.
  // Descriptive fields (hostname, OS) are today's.
  virtual std::vector<AgentRecord> agentsAt(std::int64_t t) = 0;
  // Each host's latest result per check at `t` (at = since); checks the host had stopped reporting are absent.
  virtual std::vector<StatusRow> statusesAt(std::int64_t t) = 0;
  // As statusesAt, with evidence. History keeps no messages: title/message/remediation are today's when the
  // check is still reported, empty otherwise.
  virtual std::vector<StoredResult> resultsAt(std::int64_t t, const std::optional<std::string>& agentId) = 0;

  virtual void saveDailyPosture(const std::vector<DailyPostureRow>& rows) = 0;
  virtual std::vector<DailyPostureRow> dailyPosture(const std::string& fromDay, const std::string& toDay,
                                                     const std::optional<std::string>& controlId) = 0;
};

class Store : public AgentRegistry, public ReportStore, public EvidenceLogStore, public HistoryStore {};

struct SqliteTuning {
  // Past this many pages in the write-ahead log, the writer checkpoints between two batches (~32 MB).
  int walCheckpointFrames = 8192;
  // A body dictionary is trained once this many reports are stored, from the latest `dictionarySamples` bodies.
  std::int64_t dictionaryAfterReports = 2000;
  int dictionarySamples = 500;
};

// Opens (creating and migrating when needed) the SQLite database: WAL, one writer, pooled readers.
std::unique_ptr<Store> openSqliteStore(const std::filesystem::path& path, SqliteTuning tuning = {});

}  // namespace annexa::collector
