// Whether a value can be called from .ppl code: a function, a builtin, a
// bound method, or a native object (handlers, guides, nn modules), whose
// call() raises a clear error if it is not callable after all.
#pragma once

#include "runtime/value.h"

namespace kiln::rt {

inline bool is_callable(const Value& v) {
  return v.is(ObjKind::kFunction) || v.is(ObjKind::kBuiltin) || v.is(ObjKind::kBoundMethod) ||
         v.is(ObjKind::kNative);
}

}  // namespace kiln::rt
