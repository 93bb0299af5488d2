// Arguments of a call as the callee sees them: positional values, then
// keyword values with their names. A view: it owns nothing and lives only for
// the duration of the call.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

struct CallArgs {
  const Value* pos = nullptr;
  size_t npos = 0;
  const Value* kw_values = nullptr;
  const std::string* kw_names = nullptr;
  size_t nkw = 0;
  // What is being called, for error messages ("len", "Normal", "list.append").
  std::string_view callee;

  const Value& operator[](size_t i) const { return pos[i]; }
  size_t size() const { return npos; }
  // The keyword argument `name`, or null if not given.
  const Value* kw(std::string_view name) const {
    for (size_t i = 0; i < nkw; ++i)
      if (kw_names[i] == name) return &kw_values[i];
    return nullptr;
  }
  // Positional i if given, else keyword `name`, else null.
  const Value* get(size_t i, std::string_view name) const {
    if (i < npos) return &pos[i];
    return kw(name);
  }
};

// Owning argument list for calls made from C++ (handlers, inference, builtins
// calling back into user functions).
struct ArgList {
  std::vector<Value> values;  // positional then keyword
  std::vector<std::string> names;  // keyword names, one per trailing keyword value
  size_t npos = 0;

  ArgList() = default;
  ArgList(std::initializer_list<Value> positional) : values(positional), npos(positional.size()) {}
  void push(Value v) {
    values.insert(values.begin() + npos, std::move(v));
    ++npos;
  }
  void push_kw(std::string name, Value v) {
    names.push_back(std::move(name));
    values.push_back(std::move(v));
  }
  CallArgs view(std::string_view callee = {}) const {
    return CallArgs{values.data(), npos, values.data() + npos, names.data(), names.size(), callee};
  }
};

}  // namespace kiln::rt
