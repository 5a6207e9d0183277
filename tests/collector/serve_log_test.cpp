// `annexa-collector serve --log-format json`: one structured line per event on stderr (common/log.hpp), from the
// real command: start, an enrollment, a refused report with its reason, stop. No secret reaches the log.
#include <gtest/gtest.h>

#include <signal.h>

#include <sstream>
#include <thread>

#include "agent/enrollment.hpp"
#include "collector/app/cli.hpp"
#include "common/text.hpp"
#include "tests/collector/collector_harness.hpp"

namespace annexa::collector {
namespace {
namespace fs = std::filesystem;

std::vector<nlohmann::json> jsonLines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << "not one JSON object per line: " << line;
    lines.push_back(std::move(parsed));
  }
  return lines;
}

TEST(ServeLog, OneJsonLinePerEventWithALevelAndNoSecrets) {
  test::FixtureRoot root;
  const std::string data = (root.path() / "data").string();
  std::ostringstream initOut, initErr, tokenOut, tokenErr;
  ASSERT_EQ(runCollectorCli({"init", "--data", data}, initOut, initErr), 0) << initErr.str();
  const std::string marker = "CA fingerprint (agents pin this): ";
  const auto at = initOut.str().find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string fingerprint = initOut.str().substr(at + marker.size(), initOut.str().find('\n', at) - at - marker.size());
  ASSERT_EQ(runCollectorCli({"token", "create", "--data", data, "--format", "json"}, tokenOut, tokenErr), 0);
  const std::string token = nlohmann::json::parse(tokenOut.str()).at("token");

  const fs::path portFile = root.path() / "port";
  std::ostringstream serveOut, serveErr;
  int status = -1;
  std::thread serve([&] {
    status = runCollectorCli({"serve", "--data", data, "--listen", "127.0.0.1:0", "--port-file", portFile.string(),
                              "--log-format", "json"},
                             serveOut, serveErr);
  });
  ASSERT_TRUE(test::waitFor([&] { return !test::readFileOrEmpty(portFile).empty(); }));
  const std::string url = "https://127.0.0.1:" + std::string(text::trim(test::readFileOrEmpty(portFile)));

  auto identity = agent::enrollAgent({url, token, fingerprint, agent::StateDir{root.path() / "agent"}, 900, false});
  ASSERT_TRUE(identity.ok()) << identity.error();
  auto endpoint = parseServerUrl(url);
  HttpsClient client(*endpoint, ClientTls{identity->caPem, "", identity->certificatePem, identity->privateKeyPem});
  auto refused = client.request("POST", "/api/v1/reports", "{\"not\": \"a report\"}");
  ASSERT_TRUE(refused.ok()) << refused.error();
  EXPECT_EQ(refused->status, 400);

  ::kill(::getpid(), SIGTERM);  // what systemd sends; serve finishes in-flight requests and returns
  serve.join();
  ASSERT_EQ(status, 0) << serveErr.str();

  const auto lines = jsonLines(serveErr.str());
  std::vector<std::string> events;
  for (const auto& line : lines) {
    EXPECT_TRUE(line.contains("time") && line.contains("level")) << line;
    events.push_back(line.value("event", ""));
  }
  EXPECT_EQ(events, (std::vector<std::string>{"start", "enrolled", "refused", "stop"})) << serveErr.str();
  EXPECT_EQ(lines.at(0).at("listen"), url);
  EXPECT_EQ(lines.at(1).at("agent_id"), identity->agentId);
  EXPECT_EQ(lines.at(2).at("level"), "warning");
  EXPECT_EQ(lines.at(2).at("reason"), "malformed");
  EXPECT_EQ(serveErr.str().find(token), std::string::npos) << "the enrollment token must never be logged";
}

TEST(ServeLog, AnUnknownFormatIsAUsageError) {
  std::ostringstream out, err;
  EXPECT_EQ(runCollectorCli({"serve", "--data", "/nonexistent", "--log-format", "xml"}, out, err), 2);
  EXPECT_NE(err.str().find("--log-format must be text or json"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace annexa::collector
