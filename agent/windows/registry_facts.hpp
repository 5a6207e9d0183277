// Registry values as facts: what a probe read (absent, a number, text) or why it could not, and the evidence line
// that names the path and the value seen. Shared by the Windows checks, so none of them includes another.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/windows/windows_view.hpp"
#include "common/model.hpp"

namespace annexa::agent {

// Nearly every Windows check reads HKEY_LOCAL_MACHINE.
inline constexpr RegistryHive kHklm = RegistryHive::LocalMachine;

struct RegistryFact {
  std::string location;  // "HKLM\\SYSTEM\\...\\Name"
  std::optional<RegistryValue> value;
  std::string error;  // non-empty: the value could not be read

  bool readable() const { return error.empty(); }
  bool present() const { return readable() && value.has_value(); }
  // A DWORD or QWORD value; nullopt when absent, unreadable or of another type.
  std::optional<std::uint64_t> number() const;
  // A string value; nullopt when absent, unreadable or of another type.
  std::optional<std::string> text() const;
  // "4", "\"NTP\"", "absent", "unreadable (reason)", "REG_BINARY (8 bytes)".
  std::string describe() const;
  Evidence evidence(std::string expected) const;
};

RegistryFact readRegistry(const WindowsView& view, RegistryHive hive, std::string_view key, std::string_view name);

// A policy value (under SOFTWARE\Policies) overrides the local setting when present, as Windows applies it.
const RegistryFact& effective(const RegistryFact& policy, const RegistryFact& local);

// FILETIME (100 ns ticks since 1601-01-01) to seconds since 1970-01-01.
std::int64_t fileTimeToUnix(std::uint64_t fileTime);

}  // namespace annexa::agent
