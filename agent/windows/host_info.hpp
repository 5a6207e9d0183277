// The report's host section on Windows: os.id "windows", the version with its build, the edition and release.
#pragma once

#include <string>

#include "agent/windows/windows_view.hpp"
#include "common/model.hpp"

namespace annexa::agent {

// `hostname` comes from the caller (GetComputerNameEx on the live host).
HostInfo describeWindowsHost(const WindowsView& view, std::string hostname);

}  // namespace annexa::agent
