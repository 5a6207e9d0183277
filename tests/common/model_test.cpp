#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/model.hpp"
#include "common/random.hpp"
#include "common/result_digest.hpp"
#include "common/text.hpp"

namespace annexa {
namespace {

Report sampleReport() {
  Report report;
  report.reportId = uuid4();
  report.agentVersion = "0.1.0";
  report.host = {"web-01", {"debian", "12", "Debian GNU/Linux 12 (bookworm)"}, "6.1.0-18-amd64", "abc123"};
  report.startedAt = "2026-11-23T09:00:00Z";
  report.durationMs = 12;
  CheckResult r;
  r.check = "ssh.permit_root_login";
  r.title = "SSH root login disabled";
  r.status = CheckStatus::Fail;
  r.severity = Severity::High;
  r.controls = {"A.8.2", "A.8.5"};
  r.evidence = {{"/etc/ssh/sshd_config", "PermitRootLogin yes", "no or prohibit-password"}};
  r.message = "root may log in with a password";
  r.remediation = "Set PermitRootLogin no";
  report.results.push_back(r);
  return report;
}

TEST(Report, RoundTripsThroughJson) {
  const Report original = sampleReport();
  const auto parsed = parseReport(toJson(original).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->reportId, original.reportId);
  EXPECT_EQ(parsed->host.hostname, "web-01");
  EXPECT_EQ(parsed->host.os.version, "12");
  ASSERT_EQ(parsed->results.size(), 1u);
  const auto& r = parsed->results[0];
  EXPECT_EQ(r.status, CheckStatus::Fail);
  EXPECT_EQ(r.severity, Severity::High);
  EXPECT_EQ(r.controls, original.results[0].controls);
  EXPECT_EQ(r.evidence, original.results[0].evidence);
}

TEST(Report, JsonUsesTheDocumentedFieldNames) {
  const auto j = toJson(sampleReport());
  EXPECT_EQ(j["schema"], "annexa.report/1");
  EXPECT_TRUE(j["agent"]["version"].is_string());
  EXPECT_TRUE(j["host"]["os"]["id"].is_string());
  EXPECT_TRUE(j["host"]["machine_id"].is_string());
  EXPECT_EQ(j["results"][0]["status"], "fail");
  EXPECT_EQ(j["results"][0]["evidence"][0]["expected"], "no or prohibit-password");
}

TEST(Report, RejectsBadInputWithClearMessages) {
  auto j = toJson(sampleReport());
  j["schema"] = "annexa.report/9";
  EXPECT_NE(reportFromJson(j).error().find("unsupported report schema"), std::string::npos);

  j = toJson(sampleReport());
  j["results"][0]["status"] = "maybe";
  EXPECT_NE(reportFromJson(j).error().find("unknown status \"maybe\""), std::string::npos);

  j = toJson(sampleReport());
  j.erase("report_id");
  EXPECT_NE(reportFromJson(j).error().find("report_id"), std::string::npos);

  EXPECT_FALSE(parseReport("not json").ok());
  EXPECT_FALSE(parseReport("[]").ok());
}

Report shortReportOf(const Report& full) {
  Report shortReport = full;
  shortReport.reportId = uuid4();
  shortReport.results.clear();
  shortReport.unchangedSince = UnchangedSince{full.reportId, digestResults(full.results).resultsDigest};
  return shortReport;
}

TEST(UnchangedReport, RoundTripsWithoutResults) {
  const auto original = shortReportOf(sampleReport());
  const auto j = toJson(original);
  EXPECT_EQ(j["schema"], "annexa.unchanged/1");
  EXPECT_FALSE(j.contains("results"));
  const auto parsed = parseReport(j.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(toJson(*parsed)["schema"], "annexa.unchanged/1");
  EXPECT_EQ(parsed->unchangedSince, original.unchangedSince);
  EXPECT_EQ(parsed->host.machineId, "abc123");
  EXPECT_TRUE(parsed->results.empty());
  EXPECT_FALSE(parseReport(toJson(sampleReport()).dump())->unchangedSince.has_value());
}

TEST(UnchangedReport, RejectsAMissingReferenceABadDigestAndResults) {
  const auto valid = toJson(shortReportOf(sampleReport()));
  auto j = valid;
  j.erase("same_as");
  EXPECT_NE(reportFromJson(j).error().find("same_as"), std::string::npos);
  j = valid;
  j["results_digest"] = "ABC";
  EXPECT_NE(reportFromJson(j).error().find("64 lower-case hex digits"), std::string::npos);
  j = valid;
  j["results"] = nlohmann::json::array();
  EXPECT_NE(reportFromJson(j).error().find("has no \"results\""), std::string::npos);
}

TEST(UnchangedReport, AStoredBodyNamesItsFullReportOnlyWhenShort) {
  const auto full = sampleReport();
  EXPECT_EQ(unchangedReference(toJson(shortReportOf(full)).dump()), full.reportId);
  auto mentions = full;
  mentions.results[0].evidence[0].observed = std::string(kUnchangedSchema);  // a full report may quote it
  EXPECT_EQ(unchangedReference(toJson(mentions).dump()), std::nullopt);
  EXPECT_EQ(unchangedReference(R"({"schema": ["annexa.unchanged/1"], "same_as": "x"})"), std::nullopt);
  EXPECT_EQ(unchangedReference(R"({"schema": "annexa.unchanged/1", "same_as": "x", trunc)"), std::nullopt);
  EXPECT_EQ(unchangedReference(R"({"schema": "annexa.unchanged/1"})"), std::string());
}

TEST(ResultDigest, FollowsStatusSeverityAndEvidenceNotWording) {
  const auto base = sampleReport().results;
  auto reworded = base;
  reworded[0].message = "reworded";
  reworded[0].title = "retitled";
  auto severity = base;
  severity[0].severity = Severity::Critical;
  auto observed = base;
  observed[0].evidence[0].observed = "PermitRootLogin no";
  const auto digest = [](const std::vector<CheckResult>& r) { return digestResults(r).resultsDigest; };
  EXPECT_TRUE(isResultsDigest(digest(base)));
  EXPECT_EQ(digest(base), digest(reworded));
  EXPECT_NE(digest(base), digest(severity));
  EXPECT_NE(digest(base), digest(observed));
  EXPECT_EQ(digestResults(base).evidence[0],
            R"([{"expected":"no or prohibit-password","observed":"PermitRootLogin yes","source":"/etc/ssh/sshd_config"}])");
}

TEST(Json, DepthLimitStopsDeepNesting) {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_FALSE(jsonDepthWithin(deep, 32));
  EXPECT_TRUE(jsonDepthWithin("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", 2));
  const auto parsed = parseJson(deep);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("deeper than"), std::string::npos);
}

TEST(Clock, FormatsAndParsesRfc3339) {
  EXPECT_EQ(formatRfc3339(std::int64_t{0}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatRfc3339(std::int64_t{1795424427}), "2026-11-23T09:00:27Z");
  EXPECT_EQ(parseRfc3339("2026-11-23T09:00:27Z"), 1795424427);
  EXPECT_EQ(parseRfc3339("2026-11-23T10:00:27+01:00"), 1795424427);
  EXPECT_EQ(parseRfc3339("2026-11-23T09:00:27.250Z"), 1795424427);
  EXPECT_EQ(parseRfc3339("2026-11-23"), 1795392000);
  EXPECT_FALSE(parseRfc3339("2026-13-01").has_value());
  EXPECT_FALSE(parseRfc3339("yesterday").has_value());
  EXPECT_FALSE(parseRfc3339("2026-11-23T09:00:27").has_value());
}

TEST(Random, Uuid4HasVersionAndVariantBits) {
  const auto id = uuid4();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
  EXPECT_NE(uuid4(), id);
}

TEST(Text, Base64EncodesWithPaddingAsRfc4648) {
  // RFC 4648 section 10 test vectors, and bytes above 0x7f.
  EXPECT_EQ(text::base64Encode(""), "");
  EXPECT_EQ(text::base64Encode("f"), "Zg==");
  EXPECT_EQ(text::base64Encode("fo"), "Zm8=");
  EXPECT_EQ(text::base64Encode("foo"), "Zm9v");
  EXPECT_EQ(text::base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(text::base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(Text, SplitsTrimsAndStripsComments) {
  EXPECT_EQ(text::trim("  a b \t"), "a b");
  EXPECT_EQ(text::splitWords(" Ciphers  aes128-ctr,aes256-ctr\t"),
            (std::vector<std::string>{"Ciphers", "aes128-ctr,aes256-ctr"}));
  EXPECT_EQ(text::stripComment("value # comment"), "value");
  EXPECT_EQ(text::stripComment("\"a # b\" # c"), "\"a # b\"");
  long long n = 0;
  EXPECT_TRUE(text::parseInt(" 42 ", n));
  EXPECT_EQ(n, 42);
  EXPECT_FALSE(text::parseInt("4x", n));
  EXPECT_TRUE(text::iequals("PermitRootLogin", "permitrootlogin"));
}

TEST(Text, CountsTakeTheRightNumber) {
  EXPECT_EQ(text::countOf(0, "host"), "0 hosts");
  EXPECT_EQ(text::countOf(1, "host"), "1 host");
  EXPECT_EQ(text::countOf(2, "host"), "2 hosts");
}

}  // namespace
}  // namespace annexa
