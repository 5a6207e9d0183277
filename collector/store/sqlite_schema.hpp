// Schema migrations of the collector's own tables (agents, reports, results, evidence log).
#pragma once

#include "collector/store/sqlite.hpp"

namespace annexa::collector {

inline constexpr int kStoreSchemaVersion = 6;

// Migrates step by step up to `targetVersion` (tests stop early to build an old database the real way).
void migrateStore(Database& db, int targetVersion = kStoreSchemaVersion);

}  // namespace annexa::collector
