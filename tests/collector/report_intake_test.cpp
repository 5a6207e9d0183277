// The ingest path's reader (simdjson, with nlohmann where only it knows the answer) must read every body exactly
// as nlohmann alone does: the same typed report, the same canonical evidence hash, the same error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collector/store/evidence_chain.hpp"
#include "collector/ingest/report_intake.hpp"
#include "common/json.hpp"
#include "common/model.hpp"

namespace annexa::collector {
namespace {

struct Reading {
  std::string error;   // empty when read
  std::string report;  // toJson(report).dump()
  std::string sha256;
  bool operator==(const Reading&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Reading& r) {
  return out << (r.error.empty() ? "report " + r.report.substr(0, 120) + " sha " + r.sha256 : "error " + r.error);
}

Reading viaIntake(const std::string& body) {
  const auto read = readReceivedReport(body);
  if (!read) return {read.error(), "", ""};
  return {"", toJson(read->report).dump(), read->canonicalSha256};
}

// The reference: nlohmann's DOM, as the collector read every report before simdjson.
Reading viaNlohmann(const std::string& body) {
  const auto document = parseJson(body);
  if (!document) return {document.error(), "", ""};
  const auto report = reportFromJson(*document);
  if (!report) return {report.error(), "", ""};
  return {"", toJson(*report).dump(), canonicalReportSha256(*document)};
}

Report sampleReport() {
  Report report;
  report.reportId = "4f0c6f0e-0b7e-4a57-9a53-3c1d0e2f9a10";
  report.agentVersion = "0.1.0";
  report.agentId = "a1b2c3d4-0000-4000-8000-000000000001";
  report.host = {"web-01", {"debian", "12", "Debian GNU/Linux 12 (bookworm)"}, "6.1.0-18-amd64", "0123456789abcdef"};
  report.startedAt = "2026-11-01T10:00:00Z";
  report.durationMs = 42;
  report.droppedReports = 3;
  for (int i = 0; i < 5; ++i) {
    CheckResult r;
    r.check = "check." + std::to_string(i);
    r.title = "Check number " + std::to_string(i);
    r.status = i % 2 ? CheckStatus::Fail : CheckStatus::Pass;
    r.severity = Severity::High;
    r.controls = {"A.8.5", "A.8.9"};
    r.evidence = {{"/etc/ssh/sshd_config", "PermitRootLogin no", "no"}, {"/proc/sys/kernel/x", "2", ">= 1"}};
    r.message = "ok";
    r.remediation = "set it";
    report.results.push_back(r);
  }
  return report;
}

std::string sampleBody() { return toJson(sampleReport()).dump(); }

// `body` with the first occurrence of `from` replaced by `to`.
std::string edited(std::string body, const std::string& from, const std::string& to) {
  const auto at = body.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) body.replace(at, from.size(), to);
  return body;
}

std::string nested(int depth) {
  return edited(sampleBody(), "\"duration_ms\"", "\"deep\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') +
                                                     ",\"duration_ms\"");
}

void expectSameReading(const std::string& body) {
  const auto expected = viaNlohmann(body);
  EXPECT_EQ(viaIntake(body), expected) << "body: " << body.substr(0, 200);
}

TEST(ReportIntakeTest, AnAgentsReportReadsAsNlohmannReadsIt) {
  const auto body = sampleBody();
  const auto reading = viaIntake(body);
  ASSERT_TRUE(reading.error.empty()) << reading.error;
  EXPECT_EQ(reading.report, body);  // every field survives
  EXPECT_EQ(reading.sha256, evidenceReportSha256(body));
  expectSameReading(body);
}

TEST(ReportIntakeTest, SaysWhetherTheBodyIsItsOwnCanonicalText) {
  const auto compact = readReceivedReport(sampleBody());
  ASSERT_TRUE(compact);
  EXPECT_TRUE(compact->bodyIsCanonical);  // as agents send it: then the body's hash is the canonical one
  const auto pretty = readReceivedReport(nlohmann::json::parse(sampleBody()).dump(2));
  ASSERT_TRUE(pretty);
  EXPECT_FALSE(pretty->bodyIsCanonical);
  const auto withFloat = readReceivedReport(edited(sampleBody(), "\"duration_ms\":42", "\"duration_ms\":4.5"));
  ASSERT_TRUE(withFloat);  // read by nlohmann, which answers the same question
  EXPECT_TRUE(withFloat->bodyIsCanonical);
  EXPECT_FALSE(readReceivedReport(edited(sampleBody(), "\"duration_ms\":42", "\"duration_ms\":4.50"))->bodyIsCanonical);
}

TEST(ReportIntakeTest, ALargeBodyReadsTheSameOnItsOwnParser) {
  auto report = sampleReport();
  const auto one = report.results.front();
  for (int i = 0; i < 1500; ++i) {
    report.results.push_back(one);
    report.results.back().check = "large." + std::to_string(i);
    report.results.back().message = std::string(100, 'm');
  }
  const auto body = toJson(report).dump();
  ASSERT_GT(body.size(), 256u * 1024);  // past what a network thread's own parser keeps
  const auto reading = viaIntake(body);
  ASSERT_TRUE(reading.error.empty()) << reading.error;
  EXPECT_EQ(reading.report, body);
  expectSameReading(body);
  expectSameReading(sampleBody());  // and the thread's parser still reads the small ones
}

TEST(ReportIntakeTest, LayoutKeyOrderAndEscapesDoNotChangeTheCanonicalHash) {
  const auto document = nlohmann::json::parse(sampleBody());
  const std::string pretty = document.dump(2);
  expectSameReading(pretty);
  EXPECT_EQ(viaIntake(pretty).sha256, viaIntake(sampleBody()).sha256);
  // Keys out of order, at the top and inside an unknown nested object.
  expectSameReading(edited(sampleBody(), "{\"agent\"", "{\"zz\":{\"b\":1,\"a\":[true,false,null]},\"agent\""));
  expectSameReading(R"({"schema":"annexa.report/1","started_at":"t","report_id":"r","host":{"os":{"id":"x"},"hostname":"h"},"results":[]})");
  // Escapes, non-ASCII text, a surrogate pair and control characters.
  expectSameReading(edited(sampleBody(), "PermitRootLogin no", R"(caf\u00e9 \"q\" \\ \/ \n\t\b\f\r \u0001 é \ud83d\ude00 日本)"));
  // A UTF-8 byte-order mark before the document.
  expectSameReading("\xEF\xBB\xBF" + sampleBody());
}

TEST(ReportIntakeTest, NumbersReadAsNlohmannReadsThem) {
  for (const std::string value : {"0", "-0", "-7", "9223372036854775807", "9223372036854775808", "18446744073709551615",
                                  "18446744073709551616", "99999999999999999999999", "1.5", "1e3", "-0.0", "1E400"}) {
    SCOPED_TRACE(value);
    expectSameReading(edited(sampleBody(), "\"duration_ms\":42", "\"duration_ms\":" + value));
    expectSameReading(edited(sampleBody(), "\"dropped_reports\":3", "\"dropped_reports\":" + value));
    expectSameReading(edited(sampleBody(), "{\"agent\"", "{\"extra\":[" + value + "],\"agent\""));
  }
}

TEST(ReportIntakeTest, ARepeatedKeyKeepsItsLastValueAsInNlohmann) {
  const auto body = edited(sampleBody(), "\"report_id\":", R"("report_id":"first","report_id":)");
  expectSameReading(body);
  EXPECT_NE(viaIntake(body).report.find(sampleReport().reportId), std::string::npos);
  expectSameReading(edited(sampleBody(), "\"check\":\"check.0\"", R"("check":"check.0","check":"other")"));
}

TEST(ReportIntakeTest, NestingDepthIsLimitedAsBefore) {
  expectSameReading(nested(kDefaultMaxJsonDepth));
  EXPECT_TRUE(viaIntake(nested(kDefaultMaxJsonDepth)).error.empty());
  expectSameReading(nested(kDefaultMaxJsonDepth + 1));
  EXPECT_NE(viaIntake(nested(kDefaultMaxJsonDepth + 1)).error.find("nests deeper"), std::string::npos);
}

TEST(ReportIntakeTest, BrokenBodiesAreRefusedWithNlohmannsWords) {
  const auto body = sampleBody();
  const std::vector<std::string> broken = {
      "", " ", "null", "[]", "42", "\"text\"", "{", body.substr(0, body.size() / 2), body + "x", body + body,
      edited(body, "\"host\":{", "\"host\":{,"), edited(body, "PermitRootLogin no", "a\x01z"),
      edited(body, "PermitRootLogin no", "\xff\xfe"), edited(body, "PermitRootLogin no", "\xC3"),
      edited(body, "PermitRootLogin no", R"(\ud800)"), edited(body, "PermitRootLogin no", R"(\udc00 x)"),
      edited(body, "PermitRootLogin no", R"(\ud83d\u0041)"), edited(body, "PermitRootLogin no", R"(\x)"),
      std::string("{\"a\":1}\0", 8)};
  for (const auto& b : broken) {
    SCOPED_TRACE(b.substr(0, 60));
    expectSameReading(b);
    EXPECT_FALSE(viaIntake(b).error.empty());
  }
}

TEST(ReportIntakeTest, SchemaViolationsGetTheSameMessage) {
  const auto body = sampleBody();
  for (const auto& b : {edited(body, "\"schema\":\"annexa.report/1\"", "\"schema\":\"annexa.report/2\""),
                        edited(body, "\"schema\":\"annexa.report/1\"", "\"schema\":1"),
                        edited(body, "\"report_id\":\"4f0c6f0e-0b7e-4a57-9a53-3c1d0e2f9a10\"", "\"report_id\":\"\""),
                        edited(body, "\"status\":\"fail\"", "\"status\":\"maybe\""),
                        edited(body, "\"severity\":\"high\"", "\"severity\":[]"),
                        edited(body, "\"controls\":[\"A.8.5\"", "\"controls\":[5"),
                        edited(body, "\"evidence\":[", "\"evidence\":[1,"),
                        edited(body, "\"evidence\":[", "\"evidence\":{\"a\":["),
                        edited(body, "\"check\":\"check.3\"", "\"check\":\"\""),
                        edited(body, "\"host\":{", "\"host\":[{"),
                        edited(body, "\"results\":[", "\"results\":[7,")}) {
    SCOPED_TRACE(b.substr(0, 80));
    const auto reading = viaIntake(b);
    EXPECT_FALSE(reading.error.empty());
    expectSameReading(b);
  }
}

}  // namespace
}  // namespace annexa::collector
