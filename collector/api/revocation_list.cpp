#include "collector/api/revocation_list.hpp"

#include <mutex>

namespace annexa::collector {

bool RevocationList::replace(std::set<std::string> serials) {
  std::unique_lock lock(mutex_);
  if (serials == serials_) return false;
  serials_ = std::move(serials);
  return true;
}

void RevocationList::add(const std::string& serial) {
  std::unique_lock lock(mutex_);
  serials_.insert(serial);
}

bool RevocationList::isRevoked(const std::string& serial) const {
  std::shared_lock lock(mutex_);
  return serials_.count(serial) > 0;
}

}  // namespace annexa::collector
