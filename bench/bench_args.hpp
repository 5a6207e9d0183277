// Command-line numbers for the benchmarks: a bad value is a usage error (exit 2), never a silent default.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace annexa::bench {

inline int numberArg(const char* program, const char* text, const char* flag, int max) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (*end != '\0' || v < 1 || v > max) {
    std::fprintf(stderr, "%s: %s needs a number between 1 and %d\n", program, flag, max);
    std::exit(2);
  }
  return static_cast<int>(v);
}

}  // namespace annexa::bench
