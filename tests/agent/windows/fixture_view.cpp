#include "tests/agent/windows/fixture_view.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/text.hpp"

namespace annexa::test {
namespace {

using agent::RegistryHive;
using agent::RegistryValue;

std::string keyId(RegistryHive hive, std::string_view key) {
  return text::toLower(std::string(agent::toString(hive)) + "\\" + std::string(key));
}

std::pair<RegistryHive, std::string> splitHive(std::string_view path) {
  const auto slash = path.find('\\');
  const auto hive = path.substr(0, slash);
  const std::string rest = slash == std::string_view::npos ? "" : std::string(path.substr(slash + 1));
  if (hive == "HKEY_LOCAL_MACHINE" || hive == "HKLM") return {RegistryHive::LocalMachine, rest};
  if (hive == "HKEY_CURRENT_USER" || hive == "HKCU") return {RegistryHive::CurrentUser, rest};
  throw std::runtime_error(".reg: unsupported hive " + std::string(hive));
}

std::vector<unsigned char> parseHexBytes(std::string_view text) {
  std::vector<unsigned char> bytes;
  for (const auto& part : text::split(text, ',')) {
    const auto byte = text::trim(part);
    if (byte.empty()) continue;
    bytes.push_back(static_cast<unsigned char>(std::stoul(std::string(byte), nullptr, 16)));
  }
  return bytes;
}

// UTF-16LE bytes (as hex(2)/hex(7) hold them) to UTF-8, for the ASCII the fixtures use.
std::string narrowUtf16(const std::vector<unsigned char>& bytes) {
  std::string out;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) out += static_cast<char>(bytes[i]);
  while (!out.empty() && out.back() == '\0') out.pop_back();
  for (auto& c : out)
    if (c == '\0') c = '\n';
  return out;
}

RegistryValue parseData(std::string_view data) {
  RegistryValue value;
  if (text::startsWith(data, "\"")) {
    if (data.size() < 2 || data.back() != '"') throw std::runtime_error(".reg: unterminated string");
    value.type = RegistryValue::Type::String;
    for (std::size_t i = 1; i + 1 < data.size(); ++i) {
      if (data[i] == '\\' && i + 2 < data.size()) ++i;
      value.text += data[i];
    }
  } else if (text::startsWith(data, "dword:")) {
    value.type = RegistryValue::Type::Dword;
    value.number = std::stoul(std::string(data.substr(6)), nullptr, 16);
  } else if (text::startsWith(data, "hex(b):")) {
    value.type = RegistryValue::Type::Qword;
    const auto bytes = parseHexBytes(data.substr(7));
    for (std::size_t i = bytes.size(); i-- > 0;) value.number = (value.number << 8) | bytes[i];
  } else if (text::startsWith(data, "hex(7):") || text::startsWith(data, "hex(2):")) {
    value.type = data[4] == '7' ? RegistryValue::Type::MultiString : RegistryValue::Type::ExpandString;
    value.text = narrowUtf16(parseHexBytes(data.substr(7)));
  } else if (text::startsWith(data, "hex:")) {
    value.type = RegistryValue::Type::Binary;
    value.bytes = parseHexBytes(data.substr(4));
  } else {
    throw std::runtime_error(".reg: unsupported value " + std::string(data));
  }
  return value;
}

}  // namespace

void FixtureWindowsView::loadRegFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream content;
  content << in.rdbuf();
  applyRegText(content.str());
}

void FixtureWindowsView::applyRegText(std::string_view content) {
  std::string current;  // key id of the section being read
  std::string pending;  // a value continued with '\' at the end of the line
  for (auto raw : text::lines(content)) {
    auto line = text::trim(raw);
    if (!pending.empty()) {
      pending += std::string(line);
      if (!pending.empty() && pending.back() == '\\') {
        pending.pop_back();
        continue;
      }
      line = pending;
    }
    if (line.empty() || line.front() == ';' || line == "REGEDIT4" ||
        line == "Windows Registry Editor Version 5.00")
      continue;
    if (line.back() == '\\' && pending.empty()) {
      pending = std::string(line.substr(0, line.size() - 1));
      continue;
    }
    const std::string whole(line);
    pending.clear();
    if (whole.front() == '[') {
      if (whole.back() != ']') throw std::runtime_error(".reg: bad key line " + whole);
      const bool remove = whole[1] == '-';
      const auto [hive, key] = splitHive(std::string_view(whole).substr(remove ? 2 : 1, whole.size() - (remove ? 3 : 2)));
      const auto id = keyId(hive, key);
      if (remove) {
        for (auto it = keys_.begin(); it != keys_.end();)
          it = (it->first == id || text::startsWith(it->first, id + "\\")) ? keys_.erase(it) : std::next(it);
        current.clear();
      } else {
        // Creating a key creates its parents, as regedit does.
        for (auto slash = id.find('\\'); slash != std::string::npos; slash = id.find('\\', slash + 1))
          keys_[id.substr(0, slash)];
        keys_[id];
        current = id;
      }
      continue;
    }
    if (current.empty() || whole.front() != '"') throw std::runtime_error(".reg: value outside a key: " + whole);
    const auto close = whole.find("\"=", 1);
    if (close == std::string::npos) throw std::runtime_error(".reg: bad value line " + whole);
    const auto name = text::toLower(whole.substr(1, close - 1));
    const auto data = std::string_view(whole).substr(close + 2);
    if (data == "-") keys_[current].erase(name);
    else keys_[current][name] = parseData(data);
  }
}

void FixtureWindowsView::setValue(RegistryHive hive, std::string_view key, std::string_view name, RegistryValue value) {
  keys_[keyId(hive, key)][text::toLower(std::string(name))] = std::move(value);
}

Result<std::optional<RegistryValue>> FixtureWindowsView::registryValue(RegistryHive hive, std::string_view key,
                                                                       std::string_view name) const {
  if (!registryError_.empty()) return makeError(registryError_);
  const auto found = keys_.find(keyId(hive, key));
  if (found == keys_.end()) return std::optional<RegistryValue>{};
  const auto value = found->second.find(text::toLower(std::string(name)));
  if (value == found->second.end()) return std::optional<RegistryValue>{};
  return std::optional<RegistryValue>{value->second};
}

Result<bool> FixtureWindowsView::registryKeyExists(RegistryHive hive, std::string_view key) const {
  if (!registryError_.empty()) return makeError(registryError_);
  return keys_.count(keyId(hive, key)) > 0;
}

Result<std::optional<agent::LocalAccount>> FixtureWindowsView::localAccountByRid(std::uint32_t rid) const {
  if (rid != 501) return makeError("the fixture knows only the Guest account");
  return guestAnswer;
}

Result<std::optional<agent::ServiceStatus>> FixtureWindowsView::service(std::string_view name) const {
  const auto found = services.find(name);
  if (found == services.end()) return makeError("service " + std::string(name) + " not in the fixture");
  return found->second;
}

Result<std::vector<agent::WmiObject>> FixtureWindowsView::wmiQuery(std::string_view wmiNamespace, std::string_view,
                                                                   const std::vector<std::string>&) const {
  const auto found = wmiAnswers.find(wmiNamespace);
  if (found == wmiAnswers.end()) return makeError("WMI namespace " + std::string(wmiNamespace) + " not in the fixture");
  return found->second;
}

}  // namespace annexa::test
