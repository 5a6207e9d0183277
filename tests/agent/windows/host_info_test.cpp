#include "agent/windows/host_info.hpp"

#include <gtest/gtest.h>

#include "tests/agent/windows/fixture_view.hpp"

namespace annexa::agent {
namespace {

TEST(WindowsHostInfo, OsIdVersionBuildAndMachineGuid) {
  test::FixtureWindowsView view;
  view.osVersionAnswer = OsVersion{10, 0, 22631, "Windows 11 Pro", "23H2"};
  view.applyRegText("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography]\n"
                    "\"MachineGuid\"=\"6f1c2d3e-0000-4000-8000-000000000001\"\n");
  const auto host = describeWindowsHost(view, "laptop-7");
  EXPECT_EQ(host.hostname, "laptop-7");
  EXPECT_EQ(host.os.id, "windows");
  EXPECT_EQ(host.os.version, "10.0.22631");
  EXPECT_EQ(host.os.prettyName, "Windows 11 Pro 23H2 (build 22631)");
  EXPECT_EQ(host.kernel, "Windows NT 10.0.22631");
  EXPECT_EQ(host.machineId, "6f1c2d3e-0000-4000-8000-000000000001");
}

TEST(WindowsHostInfo, UnknownVersionStillSaysWindows) {
  test::FixtureWindowsView view;
  const auto host = describeWindowsHost(view, "h");
  EXPECT_EQ(host.os.id, "windows");
  EXPECT_TRUE(host.os.version.empty());
}

}  // namespace
}  // namespace annexa::agent
