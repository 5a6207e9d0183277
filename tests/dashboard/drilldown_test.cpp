// The drill-down view models without ImGui: a control's results failures first and sortable, the failing hosts
// of a check, which exception accepts a failure, the SoA's exclusions as N/A, and the register forms.
#include <gtest/gtest.h>

#include "dashboard/drilldown.hpp"
#include "dashboard/edit_form.hpp"
#include "dashboard/ui.hpp"
#include "tests/dashboard/fake_api.hpp"

namespace annexa::dashboard {
namespace {

ResultRow result(const std::string& check, ResultStatus status, const std::string& observed = "") {
  ResultRow r;
  r.check = check;
  r.status = status;
  r.message = "message of " + check;
  if (!observed.empty()) r.evidence = {{"/etc/x", observed, "wanted"}};
  return r;
}

std::shared_ptr<const ControlDetail> detailOf(std::string id = "A.8.5") {
  auto d = std::make_shared<ControlDetail>();
  d->control.id = std::move(id);
  d->hosts = {{"h-pass", "alpha", false, {result("ssh.root", ResultStatus::Pass)}},
              {"h-stale", "bravo", true, {result("ssh.root", ResultStatus::Pass)}},
              {"h-fail", "charlie", false, {result("ssh.root", ResultStatus::Fail, "yes")}},
              {"h-error", "delta", false, {result("ssh.root", ResultStatus::Error)}},
              {"h-fail2", "echo", true, {result("ssh.root", ResultStatus::Fail, "prohibit-password"),
                                         result("ssh.mfa", ResultStatus::Fail, "off")}}};
  return d;
}

std::vector<std::string> order(ControlResultModel& model) {
  std::vector<std::string> out;
  for (const auto& ref : model.rows()) {
    const auto& h = model.detail()->hosts[ref.host];
    out.push_back(h.hostname + ":" + h.results[ref.result].check);
  }
  return out;
}

TEST(ControlResults, FailingHostsFirstThenErrorStalePass) {
  ControlResultModel model;
  model.setData(detailOf());
  EXPECT_EQ(order(model), (std::vector<std::string>{"charlie:ssh.root", "echo:ssh.mfa", "echo:ssh.root",
                                                    "delta:ssh.root", "bravo:ssh.root", "alpha:ssh.root"}));
  model.setSort(ControlResultColumn::Host, false);
  EXPECT_EQ(order(model).front(), "echo:ssh.mfa");  // ties by rank: failures first within a host
  EXPECT_EQ(order(model).back(), "alpha:ssh.root");
  model.setSort(ControlResultColumn::Check, true);
  EXPECT_EQ(order(model).front(), "echo:ssh.mfa");
  EXPECT_EQ(drillRank(detailOf()->hosts[1], detailOf()->hosts[1].results[0]), DrillRank::Stale);
  EXPECT_EQ(label(DrillRank::Stale), "STALE");
}

TEST(ControlResults, SortsOnlyWhenDataOrSortChangeAndSaysWhenTheControlChanged) {
  ControlResultModel model;
  const auto detail = detailOf();
  model.setData(detail);
  EXPECT_TRUE(model.takeControlChanged());
  EXPECT_FALSE(model.takeControlChanged());
  for (int frame = 0; frame < 50; ++frame) {
    model.setData(detail);
    model.setSort(ControlResultColumn::Status, true);
    (void)model.rows();
  }
  EXPECT_EQ(model.rebuilds(), 1u);
  model.setData(detailOf());  // the same control refreshed: rows rebuilt, scroll position kept
  (void)model.rows();
  EXPECT_EQ(model.rebuilds(), 2u);
  EXPECT_FALSE(model.takeControlChanged());
  model.setData(detailOf("A.8.9"));
  EXPECT_TRUE(model.takeControlChanged());
}

TEST(Findings, TheFailingHostsOfACheckWithWhatWasObserved) {
  const auto detail = detailOf();
  const auto rows = failingHostsOf(*detail, "ssh.root");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(detail->hosts[rows[0].host].hostname, "charlie");
  EXPECT_EQ(detail->hosts[rows[1].host].hostname, "echo");
  EXPECT_EQ(observedText(detail->hosts[rows[1].host].results[rows[1].result]), "prohibit-password  (want: wanted)");
  EXPECT_EQ(observedText(result("x", ResultStatus::Fail)), "message of x");
  EXPECT_TRUE(failingHostsOf(*detail, "no.such.check").empty());
}

ExceptionRow exception(std::int64_t id, const std::string& scope, ExceptionState state, const std::string& host,
                       const std::string& check, const std::string& control) {
  ExceptionRow e;
  e.id = id;
  e.scope = scope;
  e.state = state;
  e.hostId = host;
  e.check = check;
  e.control = control;
  return e;
}

TEST(Exceptions, CoverFailuresAsTheCollectorDoes) {
  ExceptionRegister reg;
  reg.rows = {exception(1, "host_check", ExceptionState::Valid, "h-fail", "ssh.root", ""),
              exception(2, "check", ExceptionState::Expired, "", "ssh.mfa", ""),
              exception(3, "control", ExceptionState::Valid, "", "", "A.8.9"),
              exception(4, "check", ExceptionState::Revoked, "", "ssh.root", "")};
  const ExceptionCover cover(reg);
  ASSERT_NE(cover.find("h-fail", "ssh.root", "A.8.5"), nullptr);
  EXPECT_EQ(cover.find("h-fail", "ssh.root", "A.8.5")->id, 1);
  EXPECT_EQ(cover.find("h-other", "ssh.root", "A.8.5"), nullptr);  // another host; #4 is revoked
  EXPECT_EQ(cover.find("h-fail", "ssh.mfa", "A.8.5"), nullptr);     // #2 expired: the failure counts again
  EXPECT_EQ(cover.find("h-other", "ssh.mfa", "A.8.9")->id, 3);     // the control's exception, on that control
  EXPECT_EQ(cover.findForAll("h-other", "ssh.mfa", {"A.8.5", "A.8.9"}), nullptr);  // A.8.5 still fails
  EXPECT_EQ(cover.findForAll("h-fail", "ssh.root", {"A.8.5", "A.8.9"})->id, 1);
  EXPECT_EQ(cover.wholeCheck("ssh.root", "A.8.5"), nullptr);  // only one host is accepted
  EXPECT_EQ(cover.wholeCheck("ssh.root", "A.8.9")->id, 3);
  EXPECT_EQ(cover.perHost("ssh.root").size(), 1u);
  EXPECT_EQ(acceptedLabel(*cover.find("h-fail", "ssh.root", "")), "ACCEPTED (exception #1)");
}

TEST(Applicability, ExcludedControlsAreNotApplicableInCountsAndHistory) {
  auto soa = parseSoa(test::FakeApi::soa().dump());
  ASSERT_TRUE(soa) << soa.error();
  const auto excluded = excludedControls(*soa);
  EXPECT_EQ(excluded, (std::set<std::string>{"A.7.4"}));
  auto fleet = parsePosture(test::FakeApi::posture().dump());
  ASSERT_TRUE(fleet) << fleet.error();
  const auto themes = themesWithExclusions(*fleet, excluded);
  const auto physical = std::find_if(themes.begin(), themes.end(), [](const ThemeCounts& t) { return t.theme == "Physical"; });
  ASSERT_NE(physical, themes.end());
  EXPECT_EQ(physical->partial, 0);  // A.7.4 was partial
  EXPECT_EQ(physical->notApplicable, 1);
  EXPECT_EQ(shownStatus(fleet->controls[4], excluded), ControlStatus::NotApplicable);
  EXPECT_EQ(shownStatus(fleet->controls[1], excluded), ControlStatus::Failing);

  std::vector<ThemeDay> history = {{"2026-11-22", "Physical", 0, 1, 0, 0, 0, 0}, {"2026-11-23", "Physical", 1, 0, 0, 0, 0, 0}};
  applyExclusions(history, {{"A.7.4", {{"2026-11-22", ControlStatus::Failing, 0, 1, 0, 0}, {"2026-11-23", ControlStatus::Passing, 1, 0, 0, 0}}}},
                  fleet->controls);
  EXPECT_EQ(history[0].failing, 0);
  EXPECT_EQ(history[0].notApplicable, 1);
  EXPECT_EQ(history[1].passing, 0);
  EXPECT_EQ(history[1].notApplicable, 1);
}

TEST(Risks, AnAcceptedRiskIsNeverATreatmentNotEffective) {
  auto risks = parseRisks(test::FakeApi::risks().dump());
  ASSERT_TRUE(risks) << risks.error();
  EXPECT_TRUE(treatmentNotEffective((*risks)[0]));  // mitigate, A.8.5 failing
  auto accepted = (*risks)[0];
  accepted.treatment = "accept";
  EXPECT_FALSE(treatmentNotEffective(accepted));
}

TEST(Readiness, TheLegendListsEveryBandIncludingWellPrepared) {
  EXPECT_EQ(bandsLegend(defaultReadinessBands()), "0-14 High risk, 15-21 Moderate risk, 22-25 Low risk, 26-28 Well prepared");
  auto readiness = parseReadiness(test::FakeApi::readiness().dump());  // "bands": [] → the documented ones
  ASSERT_TRUE(readiness) << readiness.error();
  EXPECT_EQ(readiness->bands.size(), 4u);
}

TEST(Forms, OnlyChangedFieldsAreSentTypedAsTheCollectorReadsThem) {
  RiskRow row;
  row.id = 7;
  row.title = "Laptop theft";
  row.likelihood = 2;
  row.impact = 3;
  row.treatment = "mitigate";
  row.controlsText = "A.8.1";
  auto form = riskForm(row);
  EXPECT_FALSE(form.dirty());
  EXPECT_EQ(*changedFields(form), nlohmann::json::object());
  form.field("likelihood")->value = "4";
  form.field("controls")->value = "A.8.1, A.5.9 ,";
  form.field("due_date")->value = "";
  auto body = changedFields(form);
  ASSERT_TRUE(body) << body.error();
  EXPECT_EQ(*body, (nlohmann::json{{"likelihood", 4}, {"controls", {"A.8.1", "A.5.9"}}}));
  form.field("impact")->value = "three";
  ASSERT_FALSE(changedFields(form));
  EXPECT_NE(changedFields(form).error().find("impact"), std::string::npos);

  auto soa = soaForm(SoaRow{});
  soa.field("applicable")->value = "false";
  EXPECT_EQ(*changedFields(soa), (nlohmann::json{{"applicable", false}}));
  auto fresh = newExceptionForm();
  fresh.field("check")->value = "ssh.root";
  EXPECT_EQ(*filledFields(fresh), (nlohmann::json{{"scope", "host_check"}, {"check", "ssh.root"}}));
}

TEST(Forms, ACollectorErrorIsShownNextToTheFieldItNames) {
  auto form = ncTransitionForm(NcRow{});
  // The collector's own messages (collector/isms_model.cpp).
  EXPECT_EQ(fieldOfError(form, "HTTP 400: corrective_action needs the action, its owner and a due date"), "corrective_action");
  EXPECT_EQ(fieldOfError(form, "HTTP 400: cannot move a non-conformity from open to closed"), "to");
  EXPECT_EQ(fieldOfError(form, "HTTP 400: the action_due must be a date"), "action_due");  // not "action" or "due"
  EXPECT_EQ(fieldOfError(form, "HTTP 500: the database is locked"), "");  // "to" only as a word of its own
  EXPECT_EQ(fieldOfError(newExceptionForm(), "HTTP 400: an exception needs an approver"), "approver");
  auto risk = riskForm(RiskRow{});
  EXPECT_EQ(fieldOfError(risk, "likelihood must be 1-5"), "likelihood");
}

TEST(Forms, AHostIsNamedByHostnameOrAgentIdAndAmbiguityIsAnError) {
  std::vector<HostRow> hosts(3);
  hosts[0].id = "a1", hosts[0].hostname = "web";
  hosts[1].id = "b2", hosts[1].hostname = "web";
  hosts[2].id = "c3", hosts[2].hostname = "db";
  EXPECT_EQ(*resolveHost(hosts, " db "), "c3");
  EXPECT_EQ(*resolveHost(hosts, "b2"), "b2");
  const auto ambiguous = resolveHost(hosts, "web");
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().find("2 hosts are called \"web\""), std::string::npos) << ambiguous.error();
  EXPECT_NE(ambiguous.error().find("a1, b2"), std::string::npos);
  EXPECT_FALSE(resolveHost(hosts, "mail"));
  EXPECT_FALSE(resolveHost(hosts, ""));
}

TEST(Forms, ARouteBuiltFromTheCollectorsIdsIsOnlyPlainSegments) {
  EXPECT_TRUE(safeTarget("/api/v1/readiness/program.scope"));
  EXPECT_TRUE(safeTarget("/api/v1/nonconformities/12/transition"));
  EXPECT_FALSE(safeTarget("/api/v1/readiness/../operators"));
  EXPECT_FALSE(safeTarget("/api/v1/soa/A.5.1?x=1"));
  EXPECT_FALSE(safeTarget("/api/v1/soa/A 5"));
  EXPECT_FALSE(safeTarget("/api/v1/soa//x"));
  EXPECT_FALSE(safeTarget("/metrics"));
}

}  // namespace
}  // namespace annexa::dashboard
