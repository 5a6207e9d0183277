// One file as a probe saw it: absent, present but unreadable (and why), or its content.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "agent/system_view.hpp"

namespace annexa::agent {

// What reading one file told a probe: it is absent, present but unreadable (and why), or its content.
// Shared by the kernel, boot, desktop, disk and usb probes, which must tell "not there" from "could not read".
struct FileProbe {
  enum class State { Missing, Unreadable, Read };
  State state = State::Missing;
  std::string text;  // the content when Read, the reason when Unreadable

  static FileProbe missing() { return {}; }
  static FileProbe unreadable(std::string reason) { return {State::Unreadable, std::move(reason)}; }
  static FileProbe read(std::string content) { return {State::Read, std::move(content)}; }
  bool isRead() const { return state == State::Read; }
  bool isMissing() const { return state == State::Missing; }
  bool isUnreadable() const { return state == State::Unreadable; }
};

FileProbe probeFile(const SystemView& system, std::string_view path, std::size_t maxBytes = 1024 * 1024);

}  // namespace annexa::agent
