// The evidence pack commands.
// `annexa-collector export --data DIR --out PACK [--from D] [--to D] [--at D] [--hosts PATTERNS] [--force]`:
//   writes an audit evidence pack (pack.hpp); progress on stderr. Exit 0 written, 2 error.
// `annexa-collector verify-pack DIR [--ca-fingerprint SHA256:…]`: checks an audit evidence pack.
//   Exit codes: 0 intact, 1 problems found (each printed with the file it concerns), 2 usage error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "collector/app/data_dir.hpp"
#include "collector/pack/export_jobs.hpp"
#include "collector/pack/pack.hpp"
#include "collector/pack/pack_gather.hpp"

namespace annexa::collector {

// `args` as after the program name: "verify-pack", DIR, options (a leading "verify-pack" is optional).
struct ExportedPack {
  pack::WrittenPack pack;
  std::size_t hosts = 0;
  std::size_t results = 0;
  std::string caFingerprint;
};

// Gathers the pack's data from the data directory's database and writes it signed with the server key:
// what `export` does, and what the exports API runs in the background.
Result<ExportedPack> exportPackFromDataDir(const DataDir& dir, Store& store, const ExportRequest& scope,
                                           std::int64_t now, const std::filesystem::path& out, bool overwrite,
                                           const pack::PackProgress& progress);
// The exports API's runner (export_jobs.hpp) for a served data directory.
ExportRunner exportRunner(const DataDir& dir, Store& store, std::function<std::int64_t()> clock);

int runExportCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int runVerifyPackCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace annexa::collector
