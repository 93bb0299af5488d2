#include "stdlib/tensor/dtype.h"

#include <array>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"

namespace kiln::rt {

std::string DtypeObject::to_string() const { return std::string(dtype_name(type)); }

std::string_view dtype_name(c10::ScalarType type) {
  switch (type) {
    case c10::ScalarType::Float:
      return "float32";
    case c10::ScalarType::Double:
      return "float64";
    case c10::ScalarType::Half:
      return "float16";
    case c10::ScalarType::BFloat16:
      return "bfloat16";
    case c10::ScalarType::Long:
      return "int64";
    case c10::ScalarType::Int:
      return "int32";
    case c10::ScalarType::Short:
      return "int16";
    case c10::ScalarType::Char:
      return "int8";
    case c10::ScalarType::Byte:
      return "uint8";
    case c10::ScalarType::Bool:
      return "bool";
    case c10::ScalarType::ComplexFloat:
      return "complex64";
    case c10::ScalarType::ComplexDouble:
      return "complex128";
    default:
      return c10::toString(type);
  }
}

Value dtype_value(c10::ScalarType type) {
  // Built once; the values hold references for the life of the process.
  static const std::array<Value, static_cast<size_t>(c10::ScalarType::NumOptions)> values = [] {
    std::array<Value, static_cast<size_t>(c10::ScalarType::NumOptions)> v;
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = make_value(new DtypeObject(static_cast<c10::ScalarType>(i)));
    return v;
  }();
  return values[static_cast<size_t>(type)];
}

bool is_dtype(const Value& v) {
  return v.is(ObjKind::kNative) && dynamic_cast<const DtypeObject*>(v.obj()) != nullptr;
}

std::optional<c10::ScalarType> dtype_arg(const Value* v, std::string_view callee) {
  if (v == nullptr || v->is_none()) return std::nullopt;
  if (!is_dtype(*v)) raise_arg_type(callee, "dtype", "a dtype such as float32", *v);
  return v->as<DtypeObject>()->type;
}

KILN_REGISTER_BUILTINS {
  register_constant(BuiltinId::k_float32, dtype_value(c10::ScalarType::Float));
  register_constant(BuiltinId::k_float64, dtype_value(c10::ScalarType::Double));
  register_constant(BuiltinId::k_int64, dtype_value(c10::ScalarType::Long));
}

}  // namespace kiln::rt
