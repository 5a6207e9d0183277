#include <gtest/gtest.h>

#include <regex>

#include "collector/isms/csv.hpp"
#include "tests/collector/pack_fixture.hpp"

namespace annexa::collector::pack::test {
namespace {

using CsvWriter = void (*)(const PackData&, std::ostream&);

struct PackCsv : ::testing::Test {
  CollectorKeys keys;
  PackData data = samplePack(keys);

  csv::Table table(CsvWriter write, const std::string& requiredColumn) const {
    auto parsed = csv::parseTable(written(data, write), {requiredColumn});
    EXPECT_TRUE(parsed.ok()) << parsed.error();
    return parsed.valueOr(csv::Table{});
  }
};

// Every record ends in CRLF; a bare LF may only appear inside a quoted field.
void expectCrlfRecords(const std::string& text) {
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (text[i] == '\n' && !quoted) {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at byte " << i;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quote";
  EXPECT_TRUE(text.ends_with("\r\n"));
}

TEST_F(PackCsv, EveryFileHasItsHeaderRowAndCrlfLineEnds) {
  const std::vector<std::pair<CsvWriter, std::string>> files = {
      {writeControlsCsv,
       "control,iso2013,theme,title,applicable,status,hosts_passing,hosts_failing,hosts_error,"
       "hosts_stale,hosts_accepted,mapped_checks\r\n"},
      {writeResultsCsv,
       "host,agent_id,check,title,status,severity,observed_at,since,evidence_source,"
       "evidence_observed,evidence_expected,report_id,report_sha256\r\n"},
      {writeSoaCsv,
       "control,title,applicable,justification,implementation,owner,status,reviewed_at,updated_at,"
       "updated_by,manual_evidence\r\n"},
      {writeNonConformitiesCsv,
       "id,kind,state,title,description,control,checks,source,root_cause,corrective_action,"
       "action_owner,action_due,overdue,verification,reopen_count,created_at,updated_at,"
       "closed_at\r\n"},
      {writeExceptionsCsv,
       "id,scope,agent_id,host,check,control,justification,approver,valid_from,expires_at,"
       "revoked_at,valid_at_posture,created_at,created_by\r\n"},
      {writeRisksCsv,
       "id,title,assets,threat,vulnerability,likelihood,impact,score,level,treatment,controls,owner,"
       "due_date,residual_likelihood,residual_impact,residual_score,treatment_effective,"
       "failing_controls\r\n"},
  };
  for (const auto& [write, header] : files) {
    const auto text = written(data, write);
    EXPECT_TRUE(text.starts_with(header)) << text.substr(0, 200);
    expectCrlfRecords(text);
  }
}

TEST_F(PackCsv, CommasQuotesAndNewlinesAreQuotedAndRoundTrip) {
  const auto text = written(data, writeResultsCsv);
  EXPECT_NE(text.find("\"PasswordAuthentication yes, \"\"forced\"\"\nsecond line\""), std::string::npos);
  const auto results = table(writeResultsCsv, "evidence_observed");
  ASSERT_EQ(results.records.size(), data.results.size());
  bool found = false;
  for (const auto& r : results.records) found = found || r.at("evidence_observed") == kAwkwardObserved;
  EXPECT_TRUE(found);
  const auto soa = table(writeSoaCsv, "owner");
  EXPECT_EQ(soa.records.at(0).at("owner"), "IT, Security");
}

// An agent controls its hostname and evidence: in results.csv they must not become spreadsheet formulas.
TEST_F(PackCsv, AgentControlledCellsCannotBecomeFormulas) {
  data.hosts[0].hostname = "=cmd|' /C calc'!A0";
  data.results[0].result.evidence = {{"@SUM(1+1)", "+1", "-2"}};
  const auto text = written(data, writeResultsCsv);
  EXPECT_EQ(text.find("\r\n=cmd"), std::string::npos);
  EXPECT_NE(text.find("\r\n'=cmd|' /C calc'!A0,agent-1,"), std::string::npos) << text;
  EXPECT_NE(text.find(",'@SUM(1+1),'+1,'-2,"), std::string::npos) << text;
  // The table reader gives back what the agent sent.
  const auto results = table(writeResultsCsv, "host");
  EXPECT_EQ(results.records.at(0).at("host"), "=cmd|' /C calc'!A0");
}

TEST_F(PackCsv, TimesAreIso8601Utc) {
  const std::regex iso(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)");
  const auto results = table(writeResultsCsv, "observed_at");
  for (const auto& r : results.records) {
    EXPECT_TRUE(std::regex_match(r.at("observed_at"), iso)) << r.at("observed_at");
    EXPECT_TRUE(std::regex_match(r.at("since"), iso)) << r.at("since");
  }
  const auto exceptions = table(writeExceptionsCsv, "expires_at");
  ASSERT_EQ(exceptions.records.size(), 1u);
  EXPECT_EQ(exceptions.records[0].at("expires_at"), "2026-12-13T09:00:27Z");
  EXPECT_EQ(exceptions.records[0].at("valid_at_posture"), "yes");
  EXPECT_EQ(exceptions.records[0].at("revoked_at"), "");
}

TEST_F(PackCsv, ControlsShowStatusAtTheInstantAndExclusions) {
  const auto controls = table(writeControlsCsv, "status");
  ASSERT_EQ(controls.records.size(), 93u);
  std::map<std::string, std::map<std::string, std::string>> byId;
  for (const auto& r : controls.records) byId[r.at("control")] = r;
  EXPECT_EQ(byId["A.8.2"].at("status"), "passing");
  EXPECT_EQ(byId["A.8.5"].at("status"), "accepted");
  EXPECT_EQ(byId["A.8.5"].at("hosts_accepted"), "1");
  EXPECT_EQ(byId["A.7.10"].at("applicable"), "no");
  EXPECT_EQ(byId["A.7.10"].at("status"), "not_applicable");
  EXPECT_NE(byId["A.8.24"].at("mapped_checks").find("disk.root_encrypted"), std::string::npos);
  const auto risks = table(writeRisksCsv, "treatment_effective");
  EXPECT_EQ(risks.records.at(0).at("treatment_effective"), "no");
  EXPECT_EQ(risks.records.at(0).at("failing_controls"), "A.8.24");
}

}  // namespace
}  // namespace annexa::collector::pack::test
