// Tensor dtypes as runtime values: float32, float64, int64 (the builtin
// constants), and whatever else .dtype reports (int32, bool, ...). One shared
// object per dtype, so `x.dtype == float64` and `is` compare identities.
// Names are Kiln's (float64, not torch.float64) so a printed dtype reads back.
#pragma once

#include <c10/core/ScalarType.h>

#include <optional>
#include <string_view>

#include "runtime/value.h"

namespace kiln::rt {

struct DtypeObject final : Object {
  c10::ScalarType type;
  explicit DtypeObject(c10::ScalarType t) : Object(ObjKind::kNative), type(t) {}
  std::string type_name() const override { return "dtype"; }
  std::string to_string() const override;
};

// "float32", "float64", "int64", "int32", "bool", ...
std::string_view dtype_name(c10::ScalarType type);
// The shared dtype value.
Value dtype_value(c10::ScalarType type);
bool is_dtype(const Value& v);
// A dtype= argument: null or None -> nullopt; a dtype value -> its type; else raises.
std::optional<c10::ScalarType> dtype_arg(const Value* v, std::string_view callee);

}  // namespace kiln::rt
