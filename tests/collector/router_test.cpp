// The route table: matching, parameters, method and role checks, labels; and the real API's table itself.
#include <gtest/gtest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "collector/api/router.hpp"
#include "tests/collector/api_fixture.hpp"

namespace annexa::collector {
namespace {

PeerIdentity peer(pki::Role role, const std::string& serial = "01") { return {true, "someone", role, serial}; }

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(&revocations_) {
    const auto echo = [](const std::string& name) {
      return [name](const RouteContext& c) {
        std::string out = name;
        for (const auto& p : c.params) out += "|" + p;
        return ApiResponse{200, out, "text/plain"};
      };
    };
    router_.add("GET", "/healthz", Access::Anyone, echo("health"));
    router_.add("POST", "/api/v1/reports", Access::Agent, echo("reports"));
    router_.add("GET", "/api/v1/nc/{id}", Access::Operator, echo("nc"));
    router_.add("GET", "/api/v1/nc/proposals", Access::Operator, echo("proposals"));
    router_.add("POST", "/api/v1/nc/{id}", Access::Admin, echo("nc-write"));
    router_.add("GET", "/api/v1/controls/{control}", Access::Operator, echo("control"));
    router_.add("GET", "/api/v1/exports/{job}/files/{file...}", Access::Operator, echo("file"));
  }

  ApiResponse call(const std::string& method, const std::string& target, PeerIdentity who = {}) {
    ApiResponse out{0, "", ""};
    int answers = 0;
    router_.dispatch({method, target, "", who, "127.0.0.1"}, [&](ApiResponse r) {
      out = std::move(r);
      ++answers;
    });
    EXPECT_EQ(answers, 1) << method << " " << target;
    return out;
  }

  RevocationList revocations_;
  Router router_;
};

TEST_F(RouterTest, ParametersAreMatchedByKindAndALiteralBeatsAParameter) {
  EXPECT_EQ(call("GET", "/api/v1/nc/12", peer(pki::Role::Viewer)).body, "nc|12");
  EXPECT_EQ(call("GET", "/api/v1/nc/proposals", peer(pki::Role::Viewer)).body, "proposals");
  EXPECT_EQ(call("GET", "/api/v1/controls/A.8.34", peer(pki::Role::Viewer)).body, "control|A.8.34");
  EXPECT_EQ(call("GET", "/api/v1/exports/job-1/files/csv/hosts.csv", peer(pki::Role::Viewer)).body,
            "file|job-1|csv/hosts.csv");
  // Values outside the kind match no route.
  for (const char* target : {"/api/v1/nc/012", "/api/v1/nc/x", "/api/v1/nc/1234567890123456789", "/api/v1/controls/A.9.1",
                             "/api/v1/controls/A.5.123", "/api/v1/exports/job-1/files", "/api/v1/nc/12/"})
    EXPECT_EQ(call("GET", target, peer(pki::Role::Viewer)).status, 404) << target;
}

TEST_F(RouterTest, AKnownPathWithAnotherMethodIs405) {
  const auto r = call("DELETE", "/api/v1/nc/12", peer(pki::Role::Admin));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "use GET or POST");
}

TEST_F(RouterTest, RolesComeFromTheTable) {
  EXPECT_EQ(call("GET", "/healthz").status, 200);
  EXPECT_EQ(call("POST", "/api/v1/reports").status, 403);
  EXPECT_EQ(call("POST", "/api/v1/reports", peer(pki::Role::Admin)).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/reports", peer(pki::Role::Agent)).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/nc/1").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/nc/1", peer(pki::Role::Agent)).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/nc/1", peer(pki::Role::Viewer)).status, 200);
  const auto viewerWrite = call("POST", "/api/v1/nc/1", peer(pki::Role::Viewer));
  EXPECT_EQ(viewerWrite.status, 403);
  EXPECT_EQ(nlohmann::json::parse(viewerWrite.body)["error"], "the viewer role is read-only");
  EXPECT_EQ(call("POST", "/api/v1/nc/1", peer(pki::Role::Admin)).status, 200);
}

TEST_F(RouterTest, ARevokedOperatorIsRefusedOnAnOpenConnection) {
  revocations_.add("77");
  EXPECT_EQ(call("GET", "/api/v1/nc/1", peer(pki::Role::Admin, "77")).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/nc/1", peer(pki::Role::Admin, "78")).status, 200);
}

TEST_F(RouterTest, UnknownPathsAre404OnlyForOperators) {
  EXPECT_EQ(call("GET", "/api/v1/secret").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/secret", peer(pki::Role::Agent)).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/secret", peer(pki::Role::Viewer)).status, 404);
}

TEST_F(RouterTest, HandlerFailuresBecome400Or500) {
  router_.add("GET", "/type", Access::Anyone, [](const RouteContext&) -> ApiResponse {
    return {200, std::to_string(nlohmann::json("text").get<int>()), ""};
  });
  router_.add("GET", "/boom", Access::Anyone, [](const RouteContext&) -> ApiResponse {
    throw std::runtime_error("disk on fire");
  });
  EXPECT_EQ(call("GET", "/type").status, 400);
  const auto boom = call("GET", "/boom");
  EXPECT_EQ(boom.status, 500);
  EXPECT_NE(boom.body.find("disk on fire"), std::string::npos);
}

TEST_F(RouterTest, LabelsAreThePatterns) {
  EXPECT_EQ(router_.label("/api/v1/nc/12?x=1"), "/api/v1/nc/{id}");
  EXPECT_EQ(router_.label("/api/v1/nc/proposals"), "/api/v1/nc/proposals");
  EXPECT_EQ(router_.label("/api/v1/nc/abc"), "other");
}

TEST_F(RouterTest, ATableMistakeIsCaughtWhenTheRouteIsAdded) {
  const Router::Handler none = [](const RouteContext&) { return ApiResponse{}; };
  EXPECT_THROW(router_.add("GET", "/healthz", Access::Anyone, none), std::logic_error);
  EXPECT_THROW(router_.add("GET", "/api/v1/{unknown}", Access::Anyone, none), std::logic_error);
}

// The API's own table: every write needs an admin, except starting an export (which only reads); only health and
// enrollment are open; only reports need an agent.
TEST(ApiRouteTable, WritesNeedAnAdminAndOnlyHealthAndEnrollmentAreOpen) {
  test::ApiFixture fixture;
  int routes = 0;
  for (const auto& route : fixture.api.router().routes()) {
    ++routes;
    const auto name = route.method + " " + route.pattern;
    if (route.access == Access::Anyone) {
      EXPECT_TRUE(name == "GET /healthz" || name == "POST /api/v1/enroll") << name;
    } else if (route.access == Access::Agent) {
      EXPECT_EQ(name, "POST /api/v1/reports");
    } else if (route.method != "GET") {
      EXPECT_TRUE(route.access == Access::Admin || name == "POST /api/v1/exports") << name;
    }
  }
  EXPECT_GT(routes, 50);
}

}  // namespace
}  // namespace annexa::collector
