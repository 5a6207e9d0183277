#include <gtest/gtest.h>

#include <regex>

#include "agent/check.hpp"
#include "common/catalog.hpp"

namespace annexa::agent {
namespace {

TEST(CheckRegistry, EveryCheckIsMappedAndDescribed) {
  const std::regex idPattern("^[a-z0-9_]+\\.[a-z0-9_]+$");
  for (const auto& check : CheckRegistry::instance().checks()) {
    const std::string id(check.spec.id);
    EXPECT_TRUE(std::regex_match(id, idPattern)) << id;
    EXPECT_TRUE(CheckMapping::builtin().contains(id)) << id << " has no row in configs/check-mapping.json";
    EXPECT_FALSE(check.spec.title.empty()) << id;
    EXPECT_FALSE(check.spec.rationale.empty()) << id;
    EXPECT_FALSE(check.spec.remediation.empty()) << id;
  }
}

TEST(CheckRegistry, FindsByIdAndKeepsIdOrder) {
  const auto& checks = CheckRegistry::instance().checks();
  ASSERT_FALSE(checks.empty());
  for (std::size_t i = 1; i < checks.size(); ++i) EXPECT_LT(checks[i - 1].spec.id, checks[i].spec.id);
  EXPECT_NE(CheckRegistry::instance().find("kernel.aslr"), nullptr);
  EXPECT_EQ(CheckRegistry::instance().find("kernel.nope"), nullptr);
}

}  // namespace
}  // namespace annexa::agent
