// verify-log: walks the whole evidence chain and every signed head (docs/evidence.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "collector/store/store.hpp"

typedef struct x509_st X509;

namespace annexa::collector {

struct EvidenceProblem {
  enum class Kind { Entry, Head };
  Kind kind = Kind::Entry;
  std::int64_t seq = 0;
  std::string agentId;   // entries only (empty when the entry itself is missing)
  std::string reportId;  // entries only
  std::string reason;
};

struct EvidenceVerification {
  std::int64_t entries = 0;
  std::int64_t lastSeq = 0;
  std::int64_t purgedBodies = 0;       // bodies deleted by retention: not tampering
  std::int64_t ismsItems = 0;          // entries of documents and records (agent kIsmsEvidenceAgent)
  std::int64_t signedHeads = 0;
  std::optional<std::int64_t> lastSignedSeq;
  std::int64_t unsignedEntries = 0;    // after the last signed head: not yet signed, not an error
  std::vector<EvidenceProblem> problems;  // in chain order; the first is the first break
  bool intact() const { return problems.empty(); }
};

// Checks an entry of an ISMS evidence item against its row and files: the reason it does not hold, if any.
using IsmsItemCheck = std::function<std::optional<std::string>(const EvidenceEntry&)>;

// `serverCertificate` checks the heads' signatures. `progress` (optional) hears the number of entries
// checked every `progressEvery` entries. Without `checkIsmsItem`, entries of ISMS items are problems.
EvidenceVerification verifyEvidenceLog(EvidenceLogStore& store, X509* serverCertificate,
                                       const std::function<void(std::int64_t)>& progress = {},
                                       std::int64_t progressEvery = 100000, const IsmsItemCheck& checkIsmsItem = {});

// One line: "entry 42 (agent …, report …): reason" or "signed head at 42: reason".
std::string describe(const EvidenceProblem& problem);
nlohmann::json toJson(const EvidenceVerification& result);

}  // namespace annexa::collector
