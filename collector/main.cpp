#include <iostream>

#include "collector/app/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return annexa::collector::runCollectorCli(args, std::cout, std::cerr);
}
