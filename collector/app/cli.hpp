// The annexa-collector command line (kept out of main.cpp so tests can drive it).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace annexa::collector {

int runCollectorCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace annexa::collector
