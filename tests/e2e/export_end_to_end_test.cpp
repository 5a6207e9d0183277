// The dashboard's export client against a real collector over mutual TLS (in process, with the test runner
// in place of the evidence-pack writer): the bytes saved locally are the bytes the runner wrote.
#include <gtest/gtest.h>

#include <fstream>

#include "dashboard/export_client.hpp"
#include "tests/collector/export_harness.hpp"

namespace annexa::dashboard {
namespace {
namespace fs = std::filesystem;

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Exchange exchangeOver(std::shared_ptr<HttpsClient> client) {
  return [client](std::string_view method, const std::string& target, const std::string& body) {
    return client->request(method, target, body);
  };
}

TEST(ExportEndToEnd, AViewerExportsThroughTheCollectorAndGetsVerifiedFiles) {
  annexa::test::ExportCollector c;
  auto tls = c.collector.operatorTls("auditor", pki::Role::Viewer);
  ExportClient client(exchangeOver(std::make_shared<HttpsClient>(c.collector.endpoint(), tls)),
                      ExportClientOptions{std::chrono::milliseconds(20), std::chrono::seconds(30)});
  const auto folder = c.collector.scratch() / "evidence" / "20261123-090027";
  ASSERT_TRUE(client.start({"2026-10-01", "2026-11-01", "", "web", folder}));
  ASSERT_TRUE(annexa::test::waitFor([&] { return client.status().phase == ExportPhase::Running && client.status().total == 3; }));
  EXPECT_EQ(client.status().stage, "collecting posture");
  c.gate.open();
  ASSERT_TRUE(annexa::test::waitFor([&] { return !client.status().working(); }, std::chrono::seconds(30)));
  const auto status = client.status();
  ASSERT_EQ(status.phase, ExportPhase::Done) << status.error;
  ASSERT_EQ(status.files.size(), 2u);
  EXPECT_EQ(readAll(folder / "assessment-results.json"), annexa::test::kExportJson);
  EXPECT_EQ(readAll(folder / "csv" / "hosts.csv"), annexa::test::kExportCsv);
  EXPECT_EQ(c.gate.request().hosts, "web");
  EXPECT_EQ(c.gate.request().from, *parseRfc3339("2026-10-01"));
}

TEST(ExportEndToEnd, ACollectorWithoutARunnerIsReportedNotCrashedOn) {
  annexa::test::ExportCollector c(false);
  ExportClient client(exchangeOver(std::make_shared<HttpsClient>(c.collector.endpoint(), c.collector.admin())),
                      ExportClientOptions{std::chrono::milliseconds(20), std::chrono::seconds(30)});
  ASSERT_TRUE(client.start({"", "", "", "", c.collector.scratch() / "out"}));
  ASSERT_TRUE(annexa::test::waitFor([&] { return !client.status().working(); }));
  EXPECT_EQ(client.status().phase, ExportPhase::Failed);
  EXPECT_NE(client.status().error.find("HTTP 501"), std::string::npos) << client.status().error;
}

}  // namespace
}  // namespace annexa::dashboard
