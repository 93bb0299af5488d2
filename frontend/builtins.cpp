#include "frontend/builtins.h"

#include <unordered_map>

namespace kiln {

namespace {

std::vector<std::string_view> split_keywords(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    out.push_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

bool BuiltinInfo::accepts_keyword(std::string_view kw) const {
  for (std::string_view k : keywords)
    if (k == kw || k == "*") return true;
  return false;
}

const std::vector<BuiltinInfo>& builtin_table() {
  static const std::vector<BuiltinInfo> table = {
#define BUILTIN(name, lo, hi, kws, summary) \
  {#name, BuiltinKind::kFunction, lo, hi, split_keywords(kws), summary},
#define CONSTANT(name, summary) {#name, BuiltinKind::kConstant, 0, 0, {}, summary},
#define EFFECT(name, lo, hi, kws, summary) \
  {#name, BuiltinKind::kEffect, lo, hi, split_keywords(kws), summary},
#include "frontend/builtins.def"
#undef BUILTIN
#undef CONSTANT
#undef EFFECT
  };
  return table;
}

std::optional<uint32_t> find_builtin(std::string_view name) {
  static const auto index = [] {
    std::unordered_map<std::string_view, uint32_t> m;
    const auto& t = builtin_table();
    for (uint32_t i = 0; i < t.size(); ++i) m.emplace(t[i].name, i);
    return m;
  }();
  auto it = index.find(name);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

const std::vector<std::string_view>& keyword_list() {
  static const std::vector<std::string_view> words = {
      "sample", "param",  "observe", "plate", "def",    "return", "if",     "elif",
      "else",   "for",    "in",      "while", "break",  "continue", "pass", "with",
      "as",     "assert", "import",  "lambda", "and",   "or",     "not",    "is",
      "True",   "False",  "None"};
  return words;
}

}  // namespace kiln
