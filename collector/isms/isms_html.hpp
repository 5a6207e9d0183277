// Small helpers for the HTML reports the collector writes (SoA, management review): every piece of user text
// goes through htmlEscape.
#pragma once

#include <string>
#include <string_view>

namespace annexa::collector::isms {

// Escapes & < > " ' for element content and quoted attribute values.
std::string htmlEscape(std::string_view s);

}  // namespace annexa::collector::isms
