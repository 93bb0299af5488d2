// The builtin table (frontend/builtins.def) as data for the front end: names
// for resolution, arities and keywords for call checks, summaries for docs
// and the REPL's completion. The runtime binds implementations to the same
// indices.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

enum class BuiltinKind : uint8_t { kFunction, kConstant, kEffect };

enum class BuiltinId : uint16_t {
#define BUILTIN(name, ...) k_##name,
#define CONSTANT(name, ...) k_##name,
#define EFFECT(name, ...) k_##name,
#include "frontend/builtins.def"
#undef BUILTIN
#undef CONSTANT
#undef EFFECT
  kCount
};

struct BuiltinInfo {
  std::string_view name;
  BuiltinKind kind;
  int min_args;  // positional
  int max_args;  // positional; -1 = any number
  std::vector<std::string_view> keywords;  // {"*"} = any keyword
  std::string_view summary;

  bool accepts_keyword(std::string_view kw) const;
};

const std::vector<BuiltinInfo>& builtin_table();
std::optional<uint32_t> find_builtin(std::string_view name);

// The reserved words of the language (for "did you mean", the REPL and docs).
const std::vector<std::string_view>& keyword_list();

}  // namespace kiln
