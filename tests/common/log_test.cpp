// Structured event lines (common/log.hpp): the text and JSON forms, escaping, the journald priority prefix.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/log.hpp"

namespace annexa::log {
namespace {

const auto kTime = std::chrono::system_clock::time_point(std::chrono::seconds(1796666400));  // 2026-12-07T18:00:00Z

TEST(LogLine, TextIsOneLogfmtLineWithTimeLevelAndEvent) {
  EXPECT_EQ(formatLine(Format::Text, false, kTime, Level::Info, "enrolled", {{"agent_id", "6f0c"}, {"hostname", "web 1"}}),
            "2026-12-07T18:00:00Z level=info event=enrolled agent_id=6f0c hostname=\"web 1\"");
  EXPECT_EQ(formatLine(Format::Text, true, kTime, Level::Error, "storage_error", {{"error", "disk I/O error"}}),
            "<3>2026-12-07T18:00:00Z level=error event=storage_error error=\"disk I/O error\"");
  EXPECT_EQ(formatLine(Format::Text, true, kTime, Level::Warning, "refused", {{"reason", ""}}),
            "<4>2026-12-07T18:00:00Z level=warning event=refused reason=\"\"");
}

TEST(LogLine, AHostileValueCannotForgeALine) {
  const std::string hostile = "x\nlevel=error event=forged \"quoted\" \\ \x1b[31m";
  const auto text = formatLine(Format::Text, false, kTime, Level::Info, "enrolled", {{"hostname", hostile}});
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("hostname=\"x\\x0alevel=error event=forged \\\"quoted\\\" \\\\ \\x1b[31m\""), std::string::npos)
      << text;

  const auto json = formatLine(Format::Json, false, kTime, Level::Info, "enrolled", {{"hostname", hostile + "\xff"}});
  EXPECT_EQ(json.find('\n'), std::string::npos) << json;
  const auto parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed.at("time"), "2026-12-07T18:00:00Z");
  EXPECT_EQ(parsed.at("level"), "info");
  EXPECT_EQ(parsed.at("event"), "enrolled");
  EXPECT_EQ(parsed.at("hostname").get<std::string>().substr(0, 2), "x\n");  // escaped by JSON, not lost
}

TEST(LogSink, SilentUntilConfiguredThenOneLinePerEvent) {
  std::ostringstream out;
  event(Level::Info, "start");  // not configured: nowhere
  configure(Format::Json, out, false);
  event(Level::Info, "start", {{"listen", "https://127.0.0.1:8443"}});
  event(Level::Warning, "refused", {{"reason", "malformed"}});
  disable();
  event(Level::Info, "stop");
  std::istringstream lines(out.str());
  std::string line;
  std::vector<nlohmann::json> events;
  while (std::getline(lines, line)) events.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(events.size(), 2u) << out.str();
  EXPECT_EQ(events[0].at("listen"), "https://127.0.0.1:8443");
  EXPECT_EQ(events[1].at("level"), "warning");
  EXPECT_EQ(events[1].at("reason"), "malformed");
}

TEST(LogFormat, TextOrJsonOnly) {
  EXPECT_EQ(parseFormat("json").value(), Format::Json);
  EXPECT_EQ(parseFormat("text").value(), Format::Text);
  EXPECT_FALSE(parseFormat("xml").ok());
}

}  // namespace
}  // namespace annexa::log
