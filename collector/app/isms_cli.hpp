// `annexa-collector soa|exceptions|risks|nc|readiness|calendar|management-review … --data DIR`: the ISMS registers from the command line.
// Changes are recorded in the audit trail as made by "cli". Exit codes: 0 done, 1 refused (invalid input or
// unknown id: the message says which), 2 usage or fatal error.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace annexa::collector {

bool isIsmsCommand(std::string_view command);
// `now` = 0 uses the system clock (tests pass a fixed time).
int runIsmsCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now = 0);

}  // namespace annexa::collector
