// Enrollment tokens: minted in one place for the API (POST /api/v1/tokens) and the CLI (`token create`), with
// the same limits. Only the token's SHA-256 is stored; the secret is shown once.
#pragma once

#include <cstdint>
#include <string>

#include "collector/store/store.hpp"
#include "common/result.hpp"

namespace annexa::collector {

inline constexpr std::int64_t kMinTokenTtlSeconds = 60;
inline constexpr std::int64_t kMaxTokenTtlSeconds = 30LL * 86400;
inline constexpr std::int64_t kMaxTokenUses = 100000;

struct TokenRequest {
  std::int64_t ttlSeconds = 86400;
  std::int64_t uses = 1;
  std::string label;
  bool allowNoMachineId = false;
  bool allowDuplicateMachineId = false;
};

struct MintedToken {
  TokenRecord record;
  std::string secret;  // "anx_" + 48 hex digits
};

// A TTL or use count out of bounds is an error naming the bounds.
Result<MintedToken> mintEnrollmentToken(Store& store, const TokenRequest& request, std::int64_t now);

}  // namespace annexa::collector
