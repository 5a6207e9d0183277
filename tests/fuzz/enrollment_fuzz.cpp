// POST /api/v1/enroll through the collector's real Api over a real data directory: the request body is read,
// the CSR verified, a certificate signed and the token redeemed. Whatever the body, the answer is 201, 400, 403
// or 409 (a 500 means an exception escaped the request's validation). The corpus uses the token "anx_fuzz", which
// this collector accepts without limit and with or without a (duplicate) machine id, so mutations reach the CSR
// and host fields behind the token check. Each request comes from a new source address, so the throttle of
// failed enrollments (429) never answers in place of the validation under test.
#include <nlohmann/json.hpp>

#include "collector/api/api.hpp"
#include "collector/app/data_dir.hpp"
#include "collector/ingest/ingest_queue.hpp"
#include "collector/api/metrics.hpp"
#include "common/catalog.hpp"
#include "common/digest.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace annexa::collector;

constexpr std::int64_t kNow = 1'800'000'000;

class EnrollingCollector {
 public:
  EnrollingCollector() : data_{scratch_.path() / "data"} {
    if (!initDataDir(data_, {})) annexa::fuzz::propertyBroken("initDataDir", __FILE__, __LINE__);
    store_ = openSqliteStore(data_.database());
    auto ca = loadCertificateAuthority(data_);
    if (!ca) annexa::fuzz::propertyBroken("loadCertificateAuthority", __FILE__, __LINE__);
    ca_ = std::move(*ca);
    const std::int64_t unlimited = std::int64_t{1} << 40;
    store_->addToken({"fuzz", "fuzz", kNow, kNow + unlimited, unlimited, std::nullopt, true, true},
                     annexa::sha256Hex("anx_fuzz"));
    queue_ = std::make_unique<IngestQueue>(*store_);
    api_ = std::make_unique<Api>(*store_, *queue_, metrics_, revocations_, ca_, annexa::Catalog::builtin(),
                                 annexa::CheckMapping::builtin(), ApiOptions{}, [] { return kNow; });
  }

  ApiResponse enroll(std::string body) {
    ApiResponse answer{0, "", ""};
    const auto source = "10." + std::to_string(requests_ >> 16 & 255) + "." + std::to_string(requests_ >> 8 & 255) +
                        "." + std::to_string(requests_ & 255);
    ++requests_;
    api_->handle({"POST", "/api/v1/enroll", std::move(body), {}, source},
                 [&](ApiResponse r) { answer = std::move(r); });
    return answer;
  }

 private:
  annexa::fuzz::ScratchDir scratch_;
  DataDir data_;
  std::unique_ptr<Store> store_;
  CertificateAuthority ca_;
  std::unique_ptr<IngestQueue> queue_;
  Metrics metrics_;
  RevocationList revocations_;
  std::unique_ptr<Api> api_;
  std::uint32_t requests_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static EnrollingCollector collector;
  const auto answer = collector.enroll(std::string(annexa::fuzz::asText(data, size)));
  ANNEXA_FUZZ_CHECK(answer.status == 201 || answer.status == 400 || answer.status == 403 || answer.status == 409);
  const auto body = nlohmann::json::parse(answer.body, nullptr, false);
  ANNEXA_FUZZ_CHECK(body.is_object());
  if (answer.status == 201) ANNEXA_FUZZ_CHECK(body.contains("certificate") && body.contains("agent_id"));
  return 0;
}
