// The param store (Pyro's global param store): learnable tensors by name,
// shared by every model and guide of the process. A param site looks its
// name up here and initializes it from the program's init value the first
// time; optimizers update the stored tensors in place.
//
// Stored tensors are leaves with requires_grad, in unconstrained space.
// Constraints (param(..., constraint=positive)) come with the distribution
// library's constraints and transforms; until then params are unconstrained.
//
// Threading: a mutex guards the table; the tensors themselves are shared, so
// updating them while another thread reads is the caller's concern.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace kiln::rt {

class ParamStore {
 public:
  // The process-wide store used by param sites.
  static ParamStore& global();

  // The tensor stored as `name`; if there is none, stores make_init()'s
  // result first (see set). make_init is not called when the param exists.
  at::Tensor get_or_init(const std::string& name, const std::function<at::Tensor()>& make_init);
  // Stores a detached copy of `value` that requires grad, replacing any
  // previous one; integer and bool values become float32.
  void set(const std::string& name, const at::Tensor& value);
  // Raises KilnError if absent.
  at::Tensor get(const std::string& name) const;
  bool contains(const std::string& name) const;
  bool erase(const std::string& name);
  void clear();
  // Names in the order they were first stored.
  std::vector<std::string> names() const;
  size_t size() const;

 private:
  at::Tensor store_locked(const std::string& name, const at::Tensor& value);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, at::Tensor> params_;
  std::vector<std::string> order_;
};

}  // namespace kiln::rt
