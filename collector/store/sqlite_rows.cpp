#include "collector/store/sqlite_rows.hpp"

#include "collector/store/body_codec.hpp"

namespace annexa::collector::rows {

std::optional<std::int64_t> optionalInt(const Statement& s, int i) {
  return s.isNull(i) ? std::nullopt : std::optional<std::int64_t>(s.columnInt(i));
}

AgentRecord readAgent(const Statement& s) {
  AgentRecord a;
  a.id = s.columnText(0);
  a.hostname = s.columnText(1);
  a.machineId = s.columnText(2);
  a.osId = s.columnText(3);
  a.osVersion = s.columnText(4);
  a.osName = s.columnText(5);
  a.kernel = s.columnText(6);
  a.agentVersion = s.columnText(7);
  a.certSerial = s.columnText(8);
  a.certNotAfter = s.columnInt(9);
  a.enrolledAt = s.columnInt(10);
  a.lastSeen = optionalInt(s, 11);
  a.intervalSeconds = s.columnInt(12);
  a.revokedAt = optionalInt(s, 13);
  a.tokenId = s.columnText(14);
  return a;
}

Result<std::string> readBody(const Statement& s, int bodyColumn, int encodingColumn, const DictionaryLookup& dictionaries) {
  auto stored = s.columnText(bodyColumn);
  if (s.columnText(encodingColumn) != kBodyZstd) return stored;
  // Bodies are at most the server's body limit (1 MiB by default); anything far larger is not one of ours.
  constexpr std::size_t kMaxBody = 256u << 20;
  const auto id = bodyDictionaryId(stored);
  const auto dictionary = id != 0 ? dictionaries(id) : nullptr;
  return decompressBody(stored, kMaxBody, dictionary.get());
}

StatusRow readStatusRow(const Statement& s) {
  return {s.columnText(0), s.columnText(1), parseCheckStatus(s.columnText(2)).value_or(CheckStatus::Error),
          parseSeverity(s.columnText(3)).value_or(Severity::Medium), s.columnInt(4)};
}

std::vector<StoredResult> readResults(Statement& q) {
  std::vector<StoredResult> out;
  while (q.step()) {
    StoredResult r;
    r.agentId = q.columnText(0);
    r.checkId = q.columnText(1);
    r.title = q.columnText(2);
    r.status = parseCheckStatus(q.columnText(3)).value_or(CheckStatus::Error);
    r.severity = parseSeverity(q.columnText(4)).value_or(Severity::Medium);
    r.message = q.columnText(5);
    r.remediation = q.columnText(6);
    r.evidenceJson = q.columnText(7);
    r.since = q.columnInt(8);
    r.reportId = q.columnText(9);
    out.push_back(std::move(r));
  }
  q.reset();
  return out;
}

}  // namespace annexa::collector::rows
