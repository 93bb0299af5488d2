// The param store (Pyro's global param store): learnable tensors by name,
// shared by every model and guide of the process.
//
// Each param is kept as an **unconstrained** leaf tensor u (requires_grad,
// what optimizers update in place) together with its constraint. A param
// site returns the **constrained** value biject_to(constraint)(u),
// recomputed on every call so gradients flow back to u:
//
//   sigma = param("sigma", tensor(2.0), constraint=constraints.positive)
//   # stores u = log(2.0); returns exp(u), a function of the leaf u
//
// Without a constraint (or with constraints.real) the transform is the
// identity and the site returns the leaf itself.
//
// Pyro's rules, kept on purpose:
//   - the first call initializes; later calls ignore their init and their
//     constraint (a different constraint on a later call is not an error:
//     the stored one wins, silently, as in Pyro);
//   - an init must satisfy its constraint, and must not sit on a boundary
//     where the unconstrained value would be infinite (interval ends);
//   - nn modules register their parameters as "<module name>$$$<param path>"
//     (register_module_params), sharing the module's own tensors.
//
// Saving and loading to a file: runtime/param_store_file.h. The language
// sees the store through get_param_store() (stdlib/param_store_builtins.cpp).
//
// Failure: every user-triggerable error is a KilnError naming the param; a
// failed call leaves the store unchanged.
//
// Threading: a mutex guards the table. Stored constraint and transform
// values are made immortal (runtime/value.h) so param sites may run on
// several threads; the tensors themselves are shared, so updating them
// while another thread reads is the caller's concern.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

class ParamStore {
 public:
  // One param as saved and loaded: its name, its unconstrained leaf and its
  // constraint value.
  struct Entry {
    std::string name;
    at::Tensor unconstrained;
    Value constraint;
  };

  // Separates a module's name from a parameter's path in the store (Pyro's
  // "$$$"): module("net", net) stores "net$$$layer1.weight".
  static constexpr const char* kModuleSeparator = "$$$";

  // The process-wide store used by param sites.
  static ParamStore& global();

  // The constrained value of `name`. If there is none, stores make_init()'s
  // result under `constraint` first (see set); make_init is not called when
  // the param exists, and then `constraint` is ignored (the stored one
  // wins). `constraint` is a constraint value (stdlib/distributions/
  // constraint.h) or None for constraints.real.
  at::Tensor get_or_init(const std::string& name, const std::function<at::Tensor()>& make_init,
                         const Value& constraint = Value());

  // biject_to(constraint)(unconstrained), with the graph back to the leaf.
  at::Tensor constrained(const std::string& name) const;
  // The leaf that optimizers update.
  at::Tensor unconstrained(const std::string& name) const;
  // The stored constraint value (constraints.real for unconstrained params).
  Value constraint(const std::string& name) const;
  // constrained, unconstrained and constraint raise KilnError if `name` is absent.

  // Stores the constrained value `value`: u = biject_to(constraint).inv(value),
  // detached, a copy, requiring grad. Integer and bool values become float32.
  // The first form keeps the constraint of an existing param (real for a new
  // one); the second replaces it. Raises KilnError if value violates it.
  void set(const std::string& name, const at::Tensor& value);
  void set(const std::string& name, const at::Tensor& value, const Value& constraint);

  bool contains(const std::string& name) const;
  bool erase(const std::string& name);
  void clear();
  // Names in the order they were first stored.
  std::vector<std::string> names() const;
  size_t size() const;

  // (name, unconstrained leaf) in store order: what an optimizer steps.
  std::vector<std::pair<std::string, at::Tensor>> named_unconstrained() const;
  // Every param, in store order (save_params).
  std::vector<Entry> entries() const;
  // Replaces the same-named params and appends the others in `entries`'
  // order (load_params). Every entry is checked first (a floating-point
  // leaf, a continuous constraint): if one is bad, nothing changes.
  void update(std::vector<Entry> entries);

  // The entry point for nn modules (Pyro's module(name, net)): registers
  // each (path, tensor) as "<prefix>$$$<path>", unconstrained. A name not in
  // the store stores the module's own tensor, not a copy, so optimizer steps
  // on the store move the module; a name already stored keeps the stored
  // tensor (e.g. one loaded from a file). Returns, in input order, the tensor
  // now stored under each name, for the caller to put back into the module
  // (Pyro's update_module_params). Tensors must be floating-point leaves.
  std::vector<at::Tensor> register_module_params(
      const std::string& prefix, const std::vector<std::pair<std::string, at::Tensor>>& named_tensors);

 private:
  // What is kept per name. constraint and transform are immortal values.
  struct Record {
    at::Tensor unconstrained;
    Value constraint;
    Value transform;        // biject_to(constraint)
    bool identity = false;  // constraints.real: the constrained value is the leaf
  };

  // Converts and checks a constrained value into a record (no lock held);
  // `role` ("initial value", "value") words the errors.
  static Record make_record(const std::string& name, const at::Tensor& value, const Value& constraint,
                            std::string_view role);
  // A record for an already unconstrained leaf (load, modules).
  static Record wrap_unconstrained(const std::string& name, at::Tensor u, const Value& constraint);
  static at::Tensor constrain(const Record& r);
  Record find(const std::string& name) const;  // raises if absent
  void store_locked(const std::string& name, Record r);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Record> params_;
  std::vector<std::string> order_;
};

}  // namespace kiln::rt
