// The evidence pack commands.
// `annexa-collector export --data DIR --out PACK [--from D] [--to D] [--at D] [--hosts PATTERNS] [--force]`:
//   writes an audit evidence pack (pack.hpp); progress on stderr. Exit 0 written, 2 error.
// `annexa-collector verify-pack DIR [--ca-fingerprint SHA256:…]`: checks an audit evidence pack.
//   Exit codes: 0 intact, 1 problems found (each printed with the file it concerns), 2 usage error.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace annexa::collector {

// `args` as after the program name: "verify-pack", DIR, options (a leading "verify-pack" is optional).
int runExportCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int runVerifyPackCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace annexa::collector
