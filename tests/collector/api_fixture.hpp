// The real Api over a temporary SQLite store with the ISMS registers, called in-process (no TLS): for tests of
// routing, roles and register routes. Header-only: the test glob compiles *_test.cpp files only.
#pragma once

#include <string>

#include "collector/api/api.hpp"
#include "tests/collector/isms_fixture.hpp"

namespace annexa::test {

struct ApiFixture {
  ApiFixture()
      : queue(*f.store),
        api(*f.store, queue, metrics, revocations, ca, Catalog::builtin(), CheckMapping::builtin(),
            collector::ApiOptions{}, [] { return collector::isms::test::kNow; }, {&f.service, nullptr}) {}
  ~ApiFixture() { queue.stop(); }

  collector::ApiResponse call(const std::string& method, const std::string& target,
                              const collector::PeerIdentity& peer, const std::string& body = "") {
    collector::ApiResponse out;
    api.handle({method, target, body, peer, "127.0.0.1"}, [&](collector::ApiResponse r) { out = std::move(r); });
    return out;
  }

  collector::isms::test::IsmsFixture f;
  collector::IngestQueue queue;
  collector::Metrics metrics;
  collector::RevocationList revocations;
  collector::CertificateAuthority ca;
  collector::Api api;
};

}  // namespace annexa::test
