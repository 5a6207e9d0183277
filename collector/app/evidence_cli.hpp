// `annexa-collector docs|records … --data DIR`: documents under review and records of recurring activities.
// Changes are recorded in the audit trail as made by "cli". Exit codes: 0 done, 1 refused (invalid input or unknown
// id: the message says which), 2 usage or fatal error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "collector/evidence/evidence_verify.hpp"

namespace annexa::collector {

bool isEvidenceCommand(std::string_view command);
// `now` = 0 uses the system clock (tests pass a fixed time).
int runEvidenceCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now = 0);

// verify-log's check of document and record entries against the registers and files of a data directory.
IsmsItemCheck ismsItemCheck(const std::filesystem::path& dataDir);

}  // namespace annexa::collector
