#include <gtest/gtest.h>

#include "agent/checks/tls.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

OpensslSetting setting(std::string key, std::string value) {
  return {"system_default_sect", std::move(key), std::move(value), "/etc/ssl/openssl.cnf", 20};
}

SystemTlsFacts facts(std::optional<OpensslSetting> min, std::vector<std::string> libraries) {
  SystemTlsFacts f;
  f.configFile = "/etc/ssl/openssl.cnf";
  f.chain = "openssl_conf = init → ssl_conf = ssl → system_default = system_default_sect";
  f.minProtocol = std::move(min);
  f.libraries = std::move(libraries);
  return f;
}

TEST(TlsOpensslConfig, SectionsIncludesAndLastAssignmentWins) {
  OpensslConfig config;
  std::string section = "default";
  std::vector<std::string> included;
  const auto result = parseOpensslConfig(
      "openssl_conf = init # comment\n"
      "[ init ]\n"
      "ssl_conf = ssl\n"
      ".include = /etc/ssl/extra.cnf\n"
      "name = \"quoted value\"\n"
      "[ssl]\n"
      "MinProtocol = TLSv1\n"
      "MinProtocol = TLSv1.3\n",
      "/etc/ssl/openssl.cnf", section, config, [&](std::string_view path, std::string& current) {
        included.emplace_back(path);
        EXPECT_EQ(current, "init");  // an included file continues the current section
        return success();
      });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(included, (std::vector<std::string>{"/etc/ssl/extra.cnf"}));
  ASSERT_NE(config.find("default", "openssl_conf"), nullptr);
  EXPECT_EQ(config.find("default", "openssl_conf")->value, "init");
  EXPECT_EQ(config.find("init", "name")->value, "quoted value");
  const auto* min = config.find("ssl", "minprotocol", true);
  ASSERT_NE(min, nullptr);
  EXPECT_EQ(min->value, "TLSv1.3");
  EXPECT_EQ(min->where(), "/etc/ssl/openssl.cnf:8");
  EXPECT_EQ(config.find("ssl", "minprotocol"), nullptr);  // structural lookups are case-sensitive
  EXPECT_EQ(section, "ssl");
}

TEST(TlsOpensslConfig, ProtocolRanks) {
  EXPECT_EQ(tlsProtocolRank("SSLv3"), 0);
  EXPECT_EQ(tlsProtocolRank("tlsv1.2"), 3);
  EXPECT_EQ(tlsProtocolRank("TLSv1.3"), 4);
  EXPECT_EQ(tlsProtocolRank("TLSv9"), std::nullopt);
}

TEST(TlsSystemMinProtocol, Evaluation) {
  auto result = evaluateSystemMinProtocol(facts(setting("MinProtocol", "TLSv1.2"), {"/usr/lib/libssl.so.1.1"}));
  EXPECT_EQ(result.status, CheckStatus::Pass);
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0].source, "/etc/ssl/openssl.cnf:20");
  EXPECT_EQ(result.evidence[0].observed, "MinProtocol = TLSv1.2");

  EXPECT_EQ(evaluateSystemMinProtocol(facts(setting("MinProtocol", "TLSv1.1"), {})).status, CheckStatus::Fail);
  EXPECT_EQ(evaluateSystemMinProtocol(facts(setting("MinProtocol", "TLS1.2"), {})).status, CheckStatus::Error);

  // No minimum configured: OpenSSL 3 refuses < TLS 1.2 unless the security level is 0; 1.x accepts TLS 1.0.
  result = evaluateSystemMinProtocol(facts(std::nullopt, {"/usr/lib/x86_64-linux-gnu/libssl.so.3"}));
  EXPECT_EQ(result.status, CheckStatus::Pass);
  EXPECT_EQ(result.evidence[0].observed, "MinProtocol not set (openssl_conf = init → ssl_conf = ssl → "
                                         "system_default = system_default_sect)");
  auto seclevel0 = facts(std::nullopt, {"/usr/lib/libssl.so.3"});
  seclevel0.cipherString = setting("CipherString", "DEFAULT:@SECLEVEL=0");
  EXPECT_EQ(evaluateSystemMinProtocol(seclevel0).status, CheckStatus::Fail);
  EXPECT_EQ(evaluateSystemMinProtocol(facts(setting("MinProtocol", "None"), {"/usr/lib/libssl.so.3"})).status,
            CheckStatus::Pass);
  EXPECT_EQ(evaluateSystemMinProtocol(facts(std::nullopt, {"/usr/lib/libssl.so.3", "/usr/lib/libssl.so.1.1"})).status,
            CheckStatus::Fail);
  EXPECT_EQ(evaluateSystemMinProtocol(facts(std::nullopt, {})).status, CheckStatus::Error);

  // RHEL family: LEGACY fails whatever the back-end says.
  auto legacy = facts(setting("TLS.MinProtocol", "TLSv1.2"), {"/usr/lib64/libssl.so.3"});
  legacy.cryptoPolicy = "LEGACY:AD-SUPPORT";
  EXPECT_EQ(evaluateSystemMinProtocol(legacy).status, CheckStatus::Fail);

  EXPECT_EQ(evaluateSystemMinProtocol(SystemTlsFacts{}).status, CheckStatus::NotApplicable);
  EXPECT_EQ(evaluateSystemMinProtocol(Result<SystemTlsFacts>(makeError("cannot read"))).status, CheckStatus::Error);
}

TEST(TlsSystemMinProtocol, FixtureTrees) {
  FixtureRoot debian11("tls/debian11");
  auto result = runCheckOn(debian11, "tls.system_min_protocol");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/ssl/openssl.cnf:25");
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.24"}));

  FixtureRoot debian12("tls/debian12");
  result = runCheckOn(debian12, "tls.system_min_protocol");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].observed, "MinProtocol not set (openssl_conf = openssl_init, but [openssl_init] has "
                                         "no ssl_conf)");
  EXPECT_EQ(result.evidence[1].source, "/usr/lib/x86_64-linux-gnu/libssl.so.3");

  // The same configuration with only OpenSSL 1.1 installed accepts TLS 1.0.
  debian12.remove("/usr/lib/x86_64-linux-gnu/libssl.so.3");
  debian12.write("/usr/lib/x86_64-linux-gnu/libssl.so.1.1", "");
  EXPECT_EQ(runCheckOn(debian12, "tls.system_min_protocol").status, CheckStatus::Fail);

  FixtureRoot weak("tls/weak");
  result = runCheckOn(weak, "tls.system_min_protocol");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/ssl/openssl.d/90-legacy-clients.cnf:2");
  EXPECT_EQ(result.evidence[0].observed, "minprotocol = TLSv1");

  FixtureRoot rhel("tls/rhel_legacy");
  result = runCheckOn(rhel, "tls.system_min_protocol");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/crypto-policies/config");

  // DEFAULT policy: the back-end included into [crypto_policy] sets the minimum.
  rhel.write("/etc/crypto-policies/config", "DEFAULT\n");
  rhel.write("/etc/crypto-policies/back-ends/opensslcnf.config",
             "CipherString = @SECLEVEL=2:kEECDH\nTLS.MinProtocol = TLSv1.2\nDTLS.MinProtocol = DTLSv1.2\n");
  result = runCheckOn(rhel, "tls.system_min_protocol");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/crypto-policies/back-ends/opensslcnf.config:2");
  EXPECT_EQ(result.evidence[0].observed, "TLS.MinProtocol = TLSv1.2");

  // A configuration that cannot be read is an error.
  rhel.remove("/etc/crypto-policies/back-ends/opensslcnf.config");
  result = runCheckOn(rhel, "tls.system_min_protocol");
  EXPECT_EQ(result.status, CheckStatus::Error) << result.message;

  FixtureRoot none;
  EXPECT_EQ(runCheckOn(none, "tls.system_min_protocol").status, CheckStatus::NotApplicable);
}

}  // namespace
}  // namespace annexa::agent::checks
