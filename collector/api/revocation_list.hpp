// Serial numbers refused at the TLS handshake and per request; refreshed from the store by maintenance, updated at
// once on revocation through the API.
#pragma once

#include <set>
#include <shared_mutex>
#include <string>

namespace annexa::collector {

class RevocationList {
 public:
  // True when the list changed.
  bool replace(std::set<std::string> serials);
  void add(const std::string& serial);
  bool isRevoked(const std::string& serial) const;

 private:
  mutable std::shared_mutex mutex_;
  std::set<std::string> serials_;
};

}  // namespace annexa::collector
