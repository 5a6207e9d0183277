#include <gtest/gtest.h>

#include <regex>

#include "tests/collector/pack_fixture.hpp"

namespace annexa::collector::pack::test {
namespace {

struct PackHtml : ::testing::Test {
  CollectorKeys keys;
  PackData data = samplePack(keys);
  std::string html = written(data, writeReportHtml);
};

TEST_F(PackHtml, IsSelfContained) {
  const std::regex remote(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase);
  EXPECT_FALSE(std::regex_search(html, remote));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
}

TEST_F(PackHtml, EscapesAHostileHostname) {
  EXPECT_EQ(html.find(kHostileHostname), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos)
      << "the failing host is listed under its control";
  EXPECT_NE(html.find("ext4 &lt;plain&gt;"), std::string::npos) << "its observed evidence, escaped";
}

TEST_F(PackHtml, ShowsTheAuditorWhatTheyAskFor) {
  for (const char* expected :
       {"2026-11-23T09:00:27Z", "20 / 27", "Moderate risk", "Statement of Applicability",
        "No removable storage media, cloud only", "Root disk not encrypted, on one host",
        "Legacy backup job, replaced in Q1", "2026-12-13T09:00:27Z", "Stolen disk exposes customer data",
        data.evidenceLog.headHash.c_str(), "entries 1 to 42"})
    EXPECT_NE(html.find(expected), std::string::npos) << expected;
}

TEST_F(PackHtml, CapsLongHostListsWithACountOfTheRest) {
  for (int i = 0; i < 40; ++i) {
    const auto id = "bulk-" + std::to_string(i);
    data.hosts.push_back({id, "bulk-host-" + std::to_string(i), "Debian", kAt, false});
    data.results.push_back(result(id, "disk.root_encrypted", CheckStatus::Fail));
  }
  const auto big = written(data, writeReportHtml);
  EXPECT_NE(big.find("and 16 more results not passing"), std::string::npos);  // 41 failing, 25 listed
  EXPECT_EQ(big.find("bulk-host-39<"), std::string::npos);
}

TEST_F(PackHtml, AStaleHostsFailureStaysAndIsMarkedStale) {
  const auto stale = written(samplePack(keys, true), writeReportHtml);
  EXPECT_NE(stale.find("Failing (of which stale)"), std::string::npos);
  // A.8.24 row: agent-3's last known failure still counts, marked as from a stale host.
  const auto row = stale.find("<td>A.8.24</td>");
  ASSERT_NE(row, std::string::npos);
  const auto rowEnd = stale.find("</tr>", row);
  EXPECT_NE(stale.substr(row, rowEnd - row).find("<td>1 (1)</td>"), std::string::npos)
      << stale.substr(row, rowEnd - row);
  EXPECT_NE(stale.find("&lt;script&gt;alert(1)&lt;/script&gt; <i>(stale: last known result)</i>"), std::string::npos);
  EXPECT_EQ(html.find("(stale: last known result)"), std::string::npos) << "no stale mark when every host reports";
}

}  // namespace
}  // namespace annexa::collector::pack::test
