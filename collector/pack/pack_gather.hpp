// Gathers one evidence pack's data from the collector's database: the fleet as it stood at `at` (hosts, results,
// control posture with the exceptions valid then), the ISMS registers, the daily trend over the period and the
// stretch of the evidence log the period covers. The writers (pack.hpp) turn it into files.
#pragma once

#include <cstdint>
#include <string>

#include "collector/isms/isms_service.hpp"
#include "collector/pack/pack_model.hpp"
#include "collector/store/store.hpp"
#include "common/catalog.hpp"
#include "common/result.hpp"

namespace annexa::collector::pack {


// True when `hosts` is empty or one of its patterns matches the hostname or the agent id.
bool hostSelected(const std::string& hosts, const std::string& hostname, const std::string& agentId);

struct GatherInputs {
  Store& store;
  isms::IsmsStore& isms;
  const Catalog& catalog;
  const CheckMapping& mapping;
  isms::IsmsOptions options;
  CollectorIdentity collector;
};

Result<PackData> gatherPack(const GatherInputs& in, const ExportRequest& scope, std::int64_t now,
                            const PackProgress& progress = {});

}  // namespace annexa::collector::pack
