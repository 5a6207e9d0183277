// Report bodies are kept compressed (zstd): JSON reports shrink about five-fold, and every report is kept for
// the retention period (400 days by default), so this is most of the database and of the writer's I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace annexa::collector {

// How a stored body is encoded (reports.encoding).
inline constexpr std::string_view kBodyJson = "json";  // as received (rows stored before schema 3)
inline constexpr std::string_view kBodyZstd = "zstd";

std::string compressBody(std::string_view body);
// The bytes as received. An error (never an exception) when the stored bytes are not a whole zstd frame or
// would expand beyond maxSize: a damaged or edited row.
Result<std::string> decompressBody(std::string_view stored, std::size_t maxSize);

}  // namespace annexa::collector
