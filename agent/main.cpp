#include <iostream>

#include "agent/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return annexa::agent::runAgentCli(args, std::cout, std::cerr);
}
