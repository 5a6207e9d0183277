#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "common/catalog.hpp"

namespace annexa {
namespace {

TEST(Catalog, BuiltinHasAll93ControlsInFourThemes) {
  const auto& catalog = Catalog::builtin();
  ASSERT_EQ(catalog.controls().size(), 93u);
  std::map<std::string, int> perTheme;
  for (const auto& c : catalog.controls()) ++perTheme[c.theme];
  EXPECT_EQ(perTheme["Organizational"], 37);
  EXPECT_EQ(perTheme["People"], 8);
  EXPECT_EQ(perTheme["Physical"], 14);
  EXPECT_EQ(perTheme["Technological"], 34);
  EXPECT_EQ(catalog.controls().front().id, "A.5.1");
  EXPECT_EQ(catalog.controls().back().id, "A.8.34");
}

TEST(Catalog, ElevenControlsAreNewIn2022) {
  std::set<std::string> fresh;
  for (const auto& c : Catalog::builtin().controls())
    if (c.newIn2022) fresh.insert(c.id);
  EXPECT_EQ(fresh, (std::set<std::string>{"A.5.7", "A.5.23", "A.5.30", "A.7.4", "A.8.9", "A.8.10", "A.8.11", "A.8.12",
                                          "A.8.16", "A.8.23", "A.8.28"}));
}

TEST(Catalog, CrosswalkCoversAll114LegacyControls) {
  const auto& catalog = Catalog::builtin();
  ASSERT_EQ(catalog.legacyControls().size(), 114u);
  for (const auto& legacy : catalog.legacyControls())
    EXPECT_FALSE(catalog.successorsOf(legacy.id).empty()) << legacy.id << " has no 2022 successor";
}

TEST(Catalog, TechnicalComplianceReviewMapsToTwoControls) {
  const auto successors = Catalog::builtin().successorsOf("A.18.2.3");
  ASSERT_EQ(successors.size(), 2u);
  EXPECT_EQ(successors[0]->id, "A.5.36");
  EXPECT_EQ(successors[1]->id, "A.8.8");
}

TEST(Catalog, KnownRowsMatchAnnexB) {
  const auto& catalog = Catalog::builtin();
  EXPECT_EQ(catalog.find("A.8.24")->iso2013, (std::vector<std::string>{"A.10.1.1", "A.10.1.2"}));
  EXPECT_EQ(catalog.find("A.5.15")->iso2013, (std::vector<std::string>{"A.9.1.1", "A.9.1.2"}));
  EXPECT_EQ(catalog.find("A.8.8")->iso2013, (std::vector<std::string>{"A.12.6.1", "A.18.2.3"}));
  EXPECT_EQ(catalog.find("A.8.24")->title, "Use of cryptography");
  EXPECT_EQ(Catalog::themeOf("A.7.14"), "Physical");
  EXPECT_EQ(Catalog::themeOf("A.7.15"), "");
  EXPECT_EQ(Catalog::themeOf("A.9.1"), "");
}

// Builds a small valid-looking document and breaks it in one way at a time.
nlohmann::json builtinDocument() { return nlohmann::json::parse(embeddedCatalogJson()); }

TEST(Catalog, RejectsDuplicateControl) {
  auto doc = builtinDocument();
  doc["controls"][1]["id"] = "A.5.1";
  const auto parsed = Catalog::parse(doc.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("duplicate control A.5.1"), std::string::npos) << parsed.error();
}

TEST(Catalog, RejectsWrongTheme) {
  auto doc = builtinDocument();
  doc["controls"][0]["theme"] = "Physical";
  const auto parsed = Catalog::parse(doc.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("A.5.1: theme"), std::string::npos) << parsed.error();
}

TEST(Catalog, RejectsUnknownLegacyReference) {
  auto doc = builtinDocument();
  doc["controls"][0]["iso2013"].push_back("A.19.1.1");
  const auto parsed = Catalog::parse(doc.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("unknown 2013 control A.19.1.1"), std::string::npos) << parsed.error();
}

TEST(Catalog, RejectsIncompleteCrosswalk) {
  auto doc = builtinDocument();
  // A.8.8 carries A.12.6.1 alone: dropping it leaves that 2013 control without a successor.
  for (auto& c : doc["controls"])
    if (c["id"] == "A.8.8") c["iso2013"] = nlohmann::json::array({"A.18.2.3"});
  const auto parsed = Catalog::parse(doc.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("A.12.6.1 is not mapped"), std::string::npos) << parsed.error();
}

TEST(Catalog, RejectsMissingControlAndMalformedJson) {
  auto doc = builtinDocument();
  doc["controls"].erase(doc["controls"].size() - 1);
  const auto parsed = Catalog::parse(doc.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("expected 93 controls, found 92"), std::string::npos) << parsed.error();

  const auto garbage = Catalog::parse("{\"controls\": [");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().find("malformed JSON"), std::string::npos);
}

TEST(Catalog, LoadFileReportsMissingFile) {
  const auto loaded = Catalog::loadFile("/nonexistent/annex-a.json");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().find("no such file"), std::string::npos);
}

TEST(CheckMapping, BuiltinReferencesOnlyCatalogControls) {
  const auto& mapping = CheckMapping::builtin();
  EXPECT_GE(mapping.entries().size(), 45u);
  for (const auto& [check, controls] : mapping.entries())
    for (const auto& c : controls) EXPECT_NE(Catalog::builtin().find(c), nullptr) << check << " → " << c;
  EXPECT_EQ(mapping.controlsFor("ssh.permit_root_login"), (std::vector<std::string>{"A.8.2", "A.8.5"}));
  EXPECT_TRUE(mapping.controlsFor("no.such.check").empty());
}

TEST(CheckMapping, RejectsUnknownControl) {
  const auto parsed = CheckMapping::parse(R"({"checks":{"x.y":["A.9.9"]}})", Catalog::builtin());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("x.y: unknown control"), std::string::npos) << parsed.error();
}

}  // namespace
}  // namespace annexa
