// The annexa-agent command line. Kept out of main.cpp so tests can drive it with streams.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace annexa::agent {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFatal = 2;

// Runs `annexa-agent ARGS…`; returns the process exit code.
int runAgentCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace annexa::agent
