#include "collector/api/http.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace annexa::collector {
namespace {

std::string percentDecode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

}  // namespace

ApiResponse jsonOk(const nlohmann::json& body, int status) { return {status, body.dump(), "application/json"}; }

ApiResponse jsonError(int status, const std::string& message) {
  return {status, nlohmann::json{{"error", message}}.dump(), "application/json"};
}

std::pair<std::string, Query> splitTarget(const std::string& target) {
  const auto mark = target.find('?');
  Query query;
  if (mark != std::string::npos) {
    for (const auto& pair : text::split(std::string_view(target).substr(mark + 1), '&')) {
      if (pair.empty()) continue;
      const auto eq = pair.find('=');
      query[percentDecode(pair.substr(0, eq))] = eq == std::string::npos ? "" : percentDecode(pair.substr(eq + 1));
    }
  }
  return {percentDecode(target.substr(0, mark)), query};
}

}  // namespace annexa::collector
