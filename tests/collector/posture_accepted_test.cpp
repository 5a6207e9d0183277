#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector/posture/posture.hpp"

namespace annexa::collector {
namespace {

constexpr std::int64_t kNow = 1795424427;

AgentRecord host(const std::string& id) {
  AgentRecord a;
  a.id = id;
  a.lastSeen = kNow;
  return a;
}

const ControlPosture& control(const FleetPosture& p, const std::string& id) {
  for (const auto& c : p.controls)
    if (c.control->id == id) return c;
  throw std::runtime_error("no control " + id);
}

// Accepts failures of h1 only, and only when counted for A.8.2.
const AcceptedFailure kAcceptH1OnA82 = [](const StatusRow& row, std::string_view controlId) {
  return row.agentId == "h1" && controlId == "A.8.2";
};

TEST(PostureAccepted, AcceptedFailuresAreNeitherFailingNorPassing) {
  const std::vector<StatusRow> rows = {{"h1", "ssh.permit_root_login", CheckStatus::Fail, Severity::High, kNow},
                                       {"h2", "ssh.permit_root_login", CheckStatus::Pass, Severity::High, kNow}};
  const auto p = computePosture(Catalog::builtin(), CheckMapping::builtin(), {host("h1"), host("h2")}, rows, kNow,
                                kAcceptH1OnA82);
  const auto& a82 = control(p, "A.8.2");
  EXPECT_EQ(a82.status, ControlStatus::Accepted);
  EXPECT_EQ(a82.hostsAccepted, 1);
  EXPECT_EQ(a82.hostsPassing, 1);
  EXPECT_EQ(a82.hostsFailing, 0);
  EXPECT_EQ(control(p, "A.8.5").status, ControlStatus::Failing);  // same check, other control: not accepted
  const auto j = toJson(p);
  EXPECT_EQ(j["summary"]["controls"]["accepted"], 1);
  EXPECT_EQ(toJson(a82)["hosts"]["accepted"], 1);
  EXPECT_EQ(toJson(a82)["status"], "accepted");
}

TEST(PostureAccepted, AnUnacceptedFailureOrAnErrorStillDecides) {
  const std::vector<StatusRow> rows = {{"h1", "ssh.permit_root_login", CheckStatus::Fail, Severity::High, kNow},
                                       {"h2", "ssh.permit_root_login", CheckStatus::Error, Severity::High, kNow}};
  auto p = computePosture(Catalog::builtin(), CheckMapping::builtin(), {host("h1"), host("h2")}, rows, kNow,
                          kAcceptH1OnA82);
  EXPECT_EQ(control(p, "A.8.2").status, ControlStatus::Partial);
  p = computePosture(Catalog::builtin(), CheckMapping::builtin(), {host("h1"), host("h2")}, rows, kNow);
  EXPECT_EQ(control(p, "A.8.2").status, ControlStatus::Failing);  // without exceptions: unchanged behaviour
  EXPECT_EQ(control(p, "A.8.2").hostsAccepted, 0);
}

}  // namespace
}  // namespace annexa::collector
