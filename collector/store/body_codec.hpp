// Report bodies are kept compressed (zstd): JSON reports shrink about five-fold, and every report is kept for
// the retention period (400 days by default), so this is most of the database and of the writer's I/O. Once the
// fleet has sent enough reports, a dictionary trained on them (body_dictionaries) shrinks new bodies five-fold
// again: reports repeat their check titles, remediation text and evidence sources.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace annexa::collector {

// How a stored body is encoded (reports.encoding).
inline constexpr std::string_view kBodyJson = "json";  // as received (rows stored before schema 3)
inline constexpr std::string_view kBodyZstd = "zstd";  // a zstd frame, which names its dictionary if it has one

// A zstd dictionary, ready to compress and decompress with; immutable, shared between threads.
class BodyDictionary {
 public:
  // Trains one on sample bodies; nullopt when zstd finds too little to learn from.
  static std::optional<std::string> train(const std::vector<std::string>& samples);
  // Loads trained bytes; an error when they are not a zstd dictionary.
  static Result<std::shared_ptr<const BodyDictionary>> load(std::string bytes);
  ~BodyDictionary();
  BodyDictionary(const BodyDictionary&) = delete;
  BodyDictionary& operator=(const BodyDictionary&) = delete;

  std::uint32_t id() const { return id_; }
  const std::string& bytes() const { return bytes_; }

 private:
  struct Handles;
  BodyDictionary(std::string bytes, std::uint32_t id, std::unique_ptr<Handles> handles);
  std::string bytes_;
  std::uint32_t id_;
  std::unique_ptr<Handles> handles_;
  friend std::string compressBody(std::string_view, const BodyDictionary*);
  friend Result<std::string> decompressBody(std::string_view, std::size_t, const BodyDictionary*);
};

std::string compressBody(std::string_view body, const BodyDictionary* dictionary = nullptr);
// The id of the dictionary a stored body was compressed with; 0 for none (or not a zstd frame).
std::uint32_t bodyDictionaryId(std::string_view stored);
// The bytes as received. An error (never an exception) when the stored bytes are not a whole zstd frame, would
// expand beyond maxSize, or need a dictionary other than `dictionary`: a damaged or edited row.
Result<std::string> decompressBody(std::string_view stored, std::size_t maxSize,
                                   const BodyDictionary* dictionary = nullptr);

}  // namespace annexa::collector
