#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/collector/pack_fixture.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector::pack::test {
namespace {

using nlohmann::json;

struct PackOscal : ::testing::Test {
  CollectorKeys keys;
  PackData data = samplePack(keys);
  std::string text = written(data, [](const PackData& d, std::ostream& o) { writeAssessmentResults(d, o); });
  json doc = json::parse(text);
  const json& result = doc["assessment-results"]["results"][0];

  const json* findingFor(const std::string& controlId) const {
    for (const auto& f : result["findings"])
      if (f["target"]["target-id"] == controlId) return &f;
    return nullptr;
  }
  const ControlPosture& postureOf(const std::string& controlId) const {
    for (const auto& c : data.posture.controls)
      if (c.control->id == controlId) return c;
    throw std::runtime_error("no control " + controlId);
  }
};

TEST_F(PackOscal, ValidatesAgainstTheNistSchema) {
  const auto run = validateOscal(text);
  ASSERT_NE(run.exitCode, 3) << "python3-jsonschema is required for this test (scripts/install-deps): "
                             << run.output;
  ASSERT_NE(run.exitCode, 127) << "python3 is required for this test (scripts/install-deps): " << run.output;
  EXPECT_EQ(run.exitCode, 0) << run.output;

  // The validator does reject what the schema forbids.
  json broken = doc;
  broken["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "mostly";
  broken["assessment-results"]["metadata"].erase("title");
  const auto rejected = validateOscal(broken.dump());
  EXPECT_EQ(rejected.exitCode, 1) << rejected.output;
  EXPECT_NE(rejected.output.find("2 schema violation(s)"), std::string::npos) << rejected.output;
}

TEST_F(PackOscal, FindingStatesFollowThePosture) {
  // The fixture has a passing (A.8.2), a failing (A.8.24) and an accepted (A.8.5) control.
  ASSERT_EQ(postureOf("A.8.2").status, ControlStatus::Passing);
  ASSERT_NE(postureOf("A.8.24").status, ControlStatus::Passing);
  ASSERT_EQ(postureOf("A.8.5").status, ControlStatus::Accepted);
  ASSERT_NE(findingFor("A.8.2"), nullptr);
  EXPECT_EQ((*findingFor("A.8.2"))["target"]["status"]["state"], "satisfied");
  EXPECT_EQ((*findingFor("A.8.24"))["target"]["status"]["state"], "not-satisfied");
  EXPECT_EQ((*findingFor("A.8.24"))["target"]["status"]["reason"], "fail");
  EXPECT_EQ((*findingFor("A.8.5"))["target"]["status"]["state"], "not-satisfied");
  EXPECT_EQ((*findingFor("A.8.5"))["target"]["status"]["reason"], "other");
  EXPECT_EQ(findingFor("A.7.10"), nullptr) << "excluded by the SoA";
}

TEST_F(PackOscal, FindingsReferToObservationsAndRisksThatExist) {
  std::set<std::string> observations;
  for (const auto& o : result["observations"]) observations.insert(o["uuid"].get<std::string>());
  EXPECT_EQ(observations.size(), data.results.size());
  std::set<std::string> risks;
  for (const auto& r : result["risks"]) risks.insert(r["uuid"].get<std::string>());
  ASSERT_EQ(risks.size(), 1u) << "only the risk linked to a control";
  EXPECT_EQ(result["risks"][0]["status"], "open") << "its control fails, so the treatment does not work yet";

  for (const auto& f : result["findings"]) {
    for (const auto& o : f.value("related-observations", json::array()))
      EXPECT_TRUE(observations.count(o["observation-uuid"].get<std::string>())) << f["title"];
    for (const auto& r : f.value("related-risks", json::array()))
      EXPECT_TRUE(risks.count(r["risk-uuid"].get<std::string>())) << f["title"];
  }
  const auto& crypto = *findingFor("A.8.24");
  EXPECT_EQ(crypto["related-observations"].size(), 3u) << "disk.root_encrypted on three hosts";
  EXPECT_EQ(crypto["related-risks"][0]["risk-uuid"], result["risks"][0]["uuid"]);
}

TEST_F(PackOscal, ReviewedControlsAreTheApplicableSoaControls) {
  std::set<std::string> applicable;
  for (const auto& s : data.soa)
    if (s.applicable) applicable.insert(s.controlId);
  std::set<std::string> reviewed;
  for (const auto& c : result["reviewed-controls"]["control-selections"][0]["include-controls"])
    reviewed.insert(c["control-id"].get<std::string>());
  EXPECT_EQ(reviewed, applicable);
  EXPECT_EQ(reviewed.size(), 92u);
  EXPECT_EQ(result["findings"].size(), 92u);
}

TEST_F(PackOscal, HostsAreInventoryItemsThatObservationsName) {
  std::set<std::string> items;
  for (const auto& item : result["local-definitions"]["inventory-items"]) items.insert(item["uuid"].get<std::string>());
  EXPECT_EQ(items.size(), data.hosts.size());
  for (const auto& o : result["observations"]) {
    EXPECT_EQ(o["methods"], json::array({"TEST"}));
    EXPECT_TRUE(items.count(o["subjects"][0]["subject-uuid"].get<std::string>()));
    EXPECT_EQ(o["collected"], "2026-11-23T08:50:27Z");
  }
}

TEST_F(PackOscal, SameDataGivesTheSameBytes) {
  const auto again = written(data, [](const PackData& d, std::ostream& o) { writeAssessmentResults(d, o); });
  EXPECT_EQ(again, text);
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  EXPECT_TRUE(std::regex_match(doc["assessment-results"]["uuid"].get<std::string>(), uuid));
  EXPECT_EQ(nameUuid("x"), nameUuid("x"));
  EXPECT_NE(nameUuid("x"), nameUuid("y"));
  PackData later = data;
  later.at += 3600;
  EXPECT_NE(written(later, [](const PackData& d, std::ostream& o) { writeAssessmentResults(d, o); }), text);
}

TEST_F(PackOscal, FailuresOfStaleHostsStayFindingsAndSaySo) {
  const auto staleData = samplePack(keys, true);
  const auto staleDoc = json::parse(written(staleData, [](const PackData& d, std::ostream& o) {
    writeAssessmentResults(d, o);
  }));
  const auto& staleResult = staleDoc["assessment-results"]["results"][0];
  const json* a824 = nullptr;
  for (const auto& f : staleResult["findings"])
    if (f["target"]["target-id"] == "A.8.24") a824 = &f;
  ASSERT_NE(a824, nullptr);
  EXPECT_EQ((*a824)["target"]["status"]["state"], "not-satisfied");
  EXPECT_EQ((*a824)["target"]["status"]["reason"], "fail");
  EXPECT_NE((*a824)["description"].get<std::string>().find("1 failing (1 of them stale"), std::string::npos)
      << (*a824)["description"];
  bool staleProp = false;
  for (const auto& p : (*a824)["props"])
    if (p["name"] == "hosts-failing-stale") staleProp = p["value"] == "1";
  EXPECT_TRUE(staleProp);
  int staleObservations = 0;
  for (const auto& o : staleResult["observations"])
    for (const auto& p : o["props"])
      if (p["name"] == "host-stale") ++staleObservations;
  EXPECT_EQ(staleObservations, 2);  // agent-3's two results
  EXPECT_EQ(text.find("host-stale"), std::string::npos);
}

}  // namespace
}  // namespace annexa::collector::pack::test
