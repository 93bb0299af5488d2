// An optional interface for native objects (ObjKind::kNative) that behave
// like containers in .ppl code: obj[key], `for x in obj`, len(obj). The
// value operations look for it with dynamic_cast, so objects that are not
// containers pay nothing.
#pragma once

#include <cstdint>

#include "runtime/value.h"

namespace kiln::rt {

class ContainerProtocol {
 public:
  virtual ~ContainerProtocol() = default;
  // obj[key]; raises KilnError for a missing key.
  virtual Value get_item(const Value& key) const = 0;
  // The elements `for x in obj` visits, as a list or tuple Value.
  virtual Value iteration_items() const = 0;
  virtual int64_t length() const = 0;
};

}  // namespace kiln::rt
