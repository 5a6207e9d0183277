#include <gtest/gtest.h>

#include "agent/checks/kernel.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

TEST(KernelAslr, EvaluatesLiveValue) {
  EXPECT_EQ(evaluateAslr({"2", std::nullopt, ""}, true).status, CheckStatus::Pass);
  const auto partial = evaluateAslr({"1", std::nullopt, ""}, true);
  EXPECT_EQ(partial.status, CheckStatus::Fail);
  ASSERT_EQ(partial.evidence.size(), 1u);
  EXPECT_EQ(partial.evidence[0].observed, "kernel.randomize_va_space = 1");
  EXPECT_EQ(partial.evidence[0].source, "/proc/sys/kernel/randomize_va_space");
}

TEST(KernelAslr, LiveSystemWithoutValueIsAnError) {
  EXPECT_EQ(evaluateAslr({std::nullopt, std::nullopt, ""}, true).status, CheckStatus::Error);
}

TEST(KernelAslr, OfflineImageUsesConfigThenKernelDefault) {
  EXPECT_EQ(evaluateAslr({std::nullopt, "0", "/etc/sysctl.d/10.conf"}, false).status, CheckStatus::Fail);
  EXPECT_EQ(evaluateAslr({std::nullopt, std::nullopt, ""}, false).status, CheckStatus::Pass);
}

TEST(KernelAslr, FixtureTrees) {
  FixtureRoot hardened("kernel/hardened");
  auto result = runCheckOn(hardened, "kernel.aslr");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.9"}));

  FixtureRoot weak("kernel/weak");
  result = runCheckOn(weak, "kernel.aslr");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_FALSE(result.evidence.empty());
  EXPECT_EQ(result.evidence[0].observed, "kernel.randomize_va_space = 0");
  EXPECT_FALSE(result.remediation.empty());
}

}  // namespace
}  // namespace annexa::agent::checks
