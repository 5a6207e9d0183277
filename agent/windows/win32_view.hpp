// WindowsView on the running Windows: registry (RegOpenKeyEx/RegQueryValueEx, 64-bit view), NetUserModalsGet,
// NetUserGetInfo, NetLocalGroupGetMembers, AuditQuerySystemPolicy, the service manager, GetDiskFreeSpaceEx and WMI
// through COM. Only this file and the platform layer call Windows.
#pragma once

#include <memory>
#include <string>

#include "agent/windows/windows_view.hpp"

namespace annexa::agent {

std::unique_ptr<WindowsView> makeWin32View();

// UTF-16 (Windows' wide strings) to UTF-8 and back.
std::string toUtf8(const wchar_t* text, std::size_t length);
std::string toUtf8(const std::wstring& text);
std::wstring toWide(std::string_view text);
// "Windows error 5: Access is denied."
std::string describeWindowsError(unsigned long code);

}  // namespace annexa::agent
