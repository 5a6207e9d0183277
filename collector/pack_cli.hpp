// `annexa-collector verify-pack DIR [--ca-fingerprint SHA256:…]`: checks an audit evidence pack.
// Exit codes: 0 intact, 1 problems found (each printed with the file it concerns), 2 usage error.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace annexa::collector {

// `args` as after the program name: "verify-pack", DIR, options (a leading "verify-pack" is optional).
int runVerifyPackCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace annexa::collector
