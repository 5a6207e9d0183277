#include "collector/store/sqlite_evidence.hpp"

#include "collector/store/evidence_chain.hpp"
#include "collector/store/sqlite_rows.hpp"

namespace annexa::collector::evidence_sql {
namespace {

constexpr const char* kEntryColumns = "seq, agent_id, report_id, received_at, report_sha256, prev_hash, entry_hash";
constexpr const char* kHeadColumns = "seq, entry_hash, signed_at, signer_fingerprint, signature";

EvidenceEntry readEntry(const Statement& q, int first = 0) {
  return {q.columnInt(first), q.columnText(first + 1), q.columnText(first + 2), q.columnInt(first + 3),
          q.columnText(first + 4), q.columnText(first + 5), q.columnText(first + 6)};
}

SignedHead readHead(const Statement& q) {
  return {q.columnInt(0), q.columnText(1), q.columnInt(2), q.columnText(3), q.columnText(4)};
}

std::optional<EvidenceEntry> entryAt(Database& db, std::int64_t seq) {
  auto q = db.prepare(std::string("SELECT ") + kEntryColumns + " FROM evidence_log WHERE seq = ?");
  q.bind(1, seq);
  if (!q.step()) return std::nullopt;
  auto entry = readEntry(q);
  q.reset();
  return entry;
}

std::optional<SignedHead> oneHead(Statement q) {
  if (!q.step()) return std::nullopt;
  auto head = readHead(q);
  q.reset();
  return head;
}

}  // namespace

void append(Database& writer, const std::string& agentId, const std::string& reportId, std::int64_t receivedAt,
            const std::string& reportSha256) {
  const auto previous = head(writer);
  EvidenceEntry entry{previous ? previous->seq + 1 : 1, agentId, reportId, receivedAt, reportSha256,
                      previous ? previous->entryHash : kEvidenceGenesisHash, ""};
  entry.entryHash = evidenceEntryHash(entry);
  writer.prepare(std::string("INSERT INTO evidence_log (") + kEntryColumns + ") VALUES (?,?,?,?,?,?,?)")
      .bind(1, entry.seq).bind(2, entry.agentId).bind(3, entry.reportId).bind(4, entry.receivedAt)
      .bind(5, entry.reportSha256).bind(6, entry.prevHash).bind(7, entry.entryHash).run();
}

std::optional<EvidenceEntry> head(Database& db) {
  auto q = db.prepare(std::string("SELECT ") + kEntryColumns + " FROM evidence_log ORDER BY seq DESC LIMIT 1");
  if (!q.step()) return std::nullopt;
  auto entry = readEntry(q);
  q.reset();
  return entry;
}

std::vector<EvidenceRecord> records(Database& db, std::int64_t afterSeq, int limit, const rows::DictionaryLookup& dictionaries) {
  auto q = db.prepare(
      "SELECT e.seq, e.agent_id, e.report_id, e.received_at, e.report_sha256, e.prev_hash, e.entry_hash, "
      "r.report_id IS NOT NULL, r.body IS NULL, r.body, r.encoding FROM evidence_log e "
      "LEFT JOIN reports r ON r.agent_id = e.agent_id AND r.report_id = e.report_id "
      "WHERE e.seq > ? ORDER BY e.seq LIMIT ?");
  q.bind(1, afterSeq).bind(2, limit);
  std::vector<EvidenceRecord> out;
  while (q.step()) {
    EvidenceRecord record{readEntry(q), EvidenceBody::Missing, {}, {}};
    if (q.columnInt(7) != 0) record.body = q.columnInt(8) != 0 ? EvidenceBody::Purged : EvidenceBody::Present;
    if (record.body == EvidenceBody::Present) {
      auto body = rows::readBody(q, 9, 10, dictionaries);
      if (body) record.bodyBytes = std::move(*body);
      else record.bodyDamage = body.error();
    }
    out.push_back(std::move(record));
  }
  return out;
}

std::vector<EvidenceEntry> entriesReceived(Database& db, std::int64_t from, std::int64_t to) {
  auto q = db.prepare(std::string("SELECT ") + kEntryColumns +
                      " FROM evidence_log WHERE received_at >= ? AND received_at < ? ORDER BY seq");
  q.bind(1, from).bind(2, to);
  std::vector<EvidenceEntry> out;
  while (q.step()) out.push_back(readEntry(q));
  return out;
}

std::optional<EvidenceRange> rangeReceived(Database& db, std::int64_t from, std::int64_t to) {
  auto q = db.prepare("SELECT min(seq), max(seq) FROM evidence_log WHERE received_at >= ? AND received_at < ?");
  q.bind(1, from).bind(2, to);
  q.step();
  if (q.isNull(0)) {
    q.reset();
    return std::nullopt;
  }
  EvidenceRange range{q.columnInt(0), q.columnInt(1), "", std::nullopt};
  q.reset();
  if (const auto last = entryAt(db, range.lastSeq)) range.headHash = last->entryHash;
  range.signedHead = oneHead(
      db.prepare(std::string("SELECT ") + kHeadColumns + " FROM evidence_heads WHERE seq >= ? ORDER BY seq, id LIMIT 1")
          .bind(1, range.lastSeq));
  return range;
}

void addSignedHead(Database& writer, const SignedHead& h) {
  writer.prepare(std::string("INSERT INTO evidence_heads (") + kHeadColumns + ") VALUES (?,?,?,?,?)")
      .bind(1, h.seq).bind(2, h.entryHash).bind(3, h.signedAt).bind(4, h.signerFingerprint).bindBlob(5, h.signature)
      .run();
}

std::optional<SignedHead> latestSignedHead(Database& db) {
  return oneHead(db.prepare(std::string("SELECT ") + kHeadColumns + " FROM evidence_heads ORDER BY id DESC LIMIT 1"));
}

std::vector<SignedHead> signedHeads(Database& db) {
  auto q = db.prepare(std::string("SELECT ") + kHeadColumns + " FROM evidence_heads ORDER BY seq, id");
  std::vector<SignedHead> out;
  while (q.step()) out.push_back(readHead(q));
  return out;
}

}  // namespace annexa::collector::evidence_sql
