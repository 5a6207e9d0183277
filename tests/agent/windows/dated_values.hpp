// The time-relative registry values a committed .reg file cannot hold (Defender's signature date, the last update
// install), as .reg text: for the native fixture tests and for the Wine tests alike.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "common/clock.hpp"

namespace annexa::test {

// A REG_BINARY FILETIME (100 ns ticks since 1601) for seconds since the epoch: "hex:00,a1,…".
inline std::string fileTimeHex(std::int64_t unixSeconds) {
  auto ticks = static_cast<std::uint64_t>(unixSeconds + 11644473600LL) * 10000000ULL;
  std::string out = "hex:";
  for (int i = 0; i < 8; ++i, ticks >>= 8) {
    char byte[4];
    std::snprintf(byte, sizeof byte, "%02x", static_cast<unsigned>(ticks & 0xff));
    out += (i ? "," : "") + std::string(byte);
  }
  return out;
}

inline std::string datedRegistryValues(std::int64_t signaturesAt, std::int64_t updatedAt) {
  const auto date = formatRfc3339(updatedAt);
  return "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates]\n"
         "\"SignaturesLastUpdated\"=" + fileTimeHex(signaturesAt) + "\n\n"
         "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\Results\\Install]\n"
         "\"LastSuccessTime\"=\"" + date.substr(0, 10) + " " + date.substr(11, 8) + "\"\n";
}

}  // namespace annexa::test
