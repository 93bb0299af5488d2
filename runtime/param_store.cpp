#include "runtime/param_store.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/tensor/dtype.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

std::string param_label(const std::string& name) { return "param '" + name + "'"; }

// None means constraints.real. Params are real-valued tensors, so discrete
// constraints (which have no bijection to the reals) are refused here too,
// whoever calls the store.
const Constraint& check_constraint(const std::string& name, const Value& constraint) {
  if (constraint.is_none()) return *as_constraint(constraint_of(ConstraintKind::kReal));
  const Constraint* c = as_constraint(constraint);
  if (c == nullptr)
    raise(param_label(name) + ": constraint must be a constraint such as constraints.positive, got " +
          type_name(constraint));
  if (c->is_discrete())
    raise(param_label(name) + ": constraints." + c->name() +
              " is discrete, but a param is a real-valued tensor",
          "use a continuous constraint (positive, interval(lo, hi), simplex, ...)");
  return *c;
}

Value constraint_value(const Value& constraint) {
  return constraint.is_none() ? constraint_of(ConstraintKind::kReal) : constraint;
}

// "got -1.0" or "but value[1] = -1.0": the first element of `value` where
// `ok` fails. `ok` covers value's batch dims (the constraint's event dims
// reduced) and may be broadcast larger by tensor bounds, so both are
// brought to one elementwise shape first.
std::string describe_failure(const at::Tensor& value, const at::Tensor& ok, int64_t event_dim) {
  std::vector<int64_t> shape = ok.sizes().vec();
  const auto event = value.sizes().slice(static_cast<size_t>(value.dim() - event_dim));
  shape.insert(shape.end(), event.begin(), event.end());
  at::Tensor element_ok = ok;
  for (int64_t i = 0; i < event_dim; ++i) element_ok = element_ok.unsqueeze(-1);
  return describe_violation("value", value.expand(shape), element_ok.expand(shape));
}

}  // namespace

ParamStore& ParamStore::global() {
  static ParamStore store;
  return store;
}

ParamStore::Record ParamStore::make_record(const std::string& name, const at::Tensor& value,
                                           const Value& constraint, std::string_view role) {
  const Constraint& c = check_constraint(name, constraint);
  const std::string label = param_label(name);
  return torch_guard(label, [&] {
    at::Tensor v = value.detach();
    if (at::isComplexType(v.scalar_type()))
      raise(label + ": a param must be a real tensor, got dtype " + std::string(dtype_name(v.scalar_type())));
    if (!at::isFloatingType(v.scalar_type())) v = v.to(kDefaultFloat);
    const std::string shown = "constraints." + c.name();
    if (v.dim() < c.event_dim())
      raise(label + ": " + shown + " applies to events of " + std::to_string(c.event_dim()) +
            " dims, but the value has shape " + shape_to_string(v.sizes().vec()));
    const at::Tensor ok = c.check(v);
    if (!ok.all().item<bool>())
      raise(label + ": " + std::string(role) + " is outside " + shown + " (" + c.requirement() + "), " +
            describe_failure(v, ok, c.event_dim()));
    Record r;
    r.constraint = constraint_value(constraint);
    r.identity = c.kind() == ConstraintKind::kReal;
    at::Tensor u;
    if (r.identity) {
      u = v;
    } else {
      r.transform = biject_to(r.constraint);
      at::NoGradGuard no_grad;
      u = as_transform(r.transform)->inverse(v);
      const at::Tensor finite = at::isfinite(u);
      if (!finite.all().item<bool>()) {
        // u's shape differs from v's only for event transforms (stick-breaking).
        const std::string where =
            u.sizes().equals(v.sizes()) ? ", " + describe_violation("value", v, finite) : "";
        raise(label + ": " + std::string(role) + " must lie strictly inside " + shown +
                  " (on its boundary the unconstrained value is infinite)" + where,
              "start away from the boundary");
      }
    }
    // A copy, so the program's tensor is never updated by an optimizer step.
    u = u.detach().clone(at::MemoryFormat::Contiguous);
    u.requires_grad_(true);
    r.unconstrained = u;
    make_immortal(r.constraint);
    make_immortal(r.transform);
    return r;
  });
}

ParamStore::Record ParamStore::wrap_unconstrained(const std::string& name, at::Tensor u,
                                                  const Value& constraint) {
  const Constraint& c = check_constraint(name, constraint);
  const std::string label = param_label(name);
  if (!u.defined() || !at::isFloatingType(u.scalar_type()))
    raise(label + ": a param must be a floating-point tensor");
  if (!u.is_leaf()) raise(label + ": a param must be a leaf tensor (not the result of an operation)");
  Record r;
  r.constraint = constraint_value(constraint);
  r.identity = c.kind() == ConstraintKind::kReal;
  if (!r.identity) r.transform = torch_guard(label, [&] { return biject_to(r.constraint); });
  r.unconstrained = std::move(u);
  make_immortal(r.constraint);
  make_immortal(r.transform);
  return r;
}

at::Tensor ParamStore::constrain(const Record& r) {
  if (r.identity) return r.unconstrained;
  return as_transform(r.transform)->forward(r.unconstrained);
}

ParamStore::Record ParamStore::find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = params_.find(name);
  if (it == params_.end()) raise("param '" + name + "' is not in the param store");
  return it->second;
}

void ParamStore::store_locked(const std::string& name, Record r) {
  auto [it, fresh] = params_.insert_or_assign(name, std::move(r));
  if (fresh) order_.push_back(name);
}

at::Tensor ParamStore::get_or_init(const std::string& name, const std::function<at::Tensor()>& make_init,
                                   const Value& constraint) {
  Record r;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = params_.find(name);
    if (it != params_.end()) r = it->second;
  }
  if (!r.unconstrained.defined()) {
    // make_init may run user code (a lazy initializer), so not under the lock.
    Record fresh = make_record(name, make_init(), constraint, "initial value");
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, inserted] = params_.try_emplace(name, std::move(fresh));
    if (inserted) order_.push_back(name);
    r = it->second;
  }
  return torch_guard(param_label(name), [&] { return constrain(r); });
}

at::Tensor ParamStore::constrained(const std::string& name) const {
  const Record r = find(name);
  return torch_guard(param_label(name), [&] { return constrain(r); });
}

at::Tensor ParamStore::unconstrained(const std::string& name) const { return find(name).unconstrained; }

Value ParamStore::constraint(const std::string& name) const { return find(name).constraint; }

void ParamStore::set(const std::string& name, const at::Tensor& value) {
  Value kept;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = params_.find(name);
    if (it != params_.end()) kept = it->second.constraint;
  }
  set(name, value, kept);
}

void ParamStore::set(const std::string& name, const at::Tensor& value, const Value& constraint) {
  Record r = make_record(name, value, constraint, "value");
  std::lock_guard<std::mutex> lock(mutex_);
  store_locked(name, std::move(r));
}

bool ParamStore::contains(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return params_.count(name) != 0;
}

bool ParamStore::erase(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (params_.erase(name) == 0) return false;
  order_.erase(std::find(order_.begin(), order_.end(), name));
  return true;
}

void ParamStore::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  params_.clear();
  order_.clear();
}

std::vector<std::string> ParamStore::names() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return order_;
}

size_t ParamStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return params_.size();
}

std::vector<std::pair<std::string, at::Tensor>> ParamStore::named_unconstrained() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<std::string, at::Tensor>> out;
  out.reserve(order_.size());
  for (const std::string& name : order_) out.emplace_back(name, params_.at(name).unconstrained);
  return out;
}

std::vector<ParamStore::Entry> ParamStore::entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Entry> out;
  out.reserve(order_.size());
  for (const std::string& name : order_) {
    const Record& r = params_.at(name);
    out.push_back(Entry{name, r.unconstrained, r.constraint});
  }
  return out;
}

void ParamStore::update(std::vector<Entry> entries) {
  std::vector<std::pair<std::string, Record>> records;
  records.reserve(entries.size());
  for (Entry& e : entries) {
    Record r = wrap_unconstrained(e.name, std::move(e.unconstrained), e.constraint);
    r.unconstrained.requires_grad_(true);
    records.emplace_back(std::move(e.name), std::move(r));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [name, r] : records) store_locked(name, std::move(r));
}

std::vector<at::Tensor> ParamStore::register_module_params(
    const std::string& prefix, const std::vector<std::pair<std::string, at::Tensor>>& named_tensors) {
  std::vector<std::pair<std::string, Record>> records;
  records.reserve(named_tensors.size());
  for (const auto& [path, tensor] : named_tensors) {
    std::string name = prefix + kModuleSeparator + path;
    Record r = wrap_unconstrained(name, tensor, Value());
    records.emplace_back(std::move(name), std::move(r));
  }
  std::vector<at::Tensor> stored;
  stored.reserve(records.size());
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [name, r] : records) {
    auto [it, inserted] = params_.try_emplace(name, std::move(r));
    if (inserted) order_.push_back(name);
    stored.push_back(it->second.unconstrained);
  }
  return stored;
}

}  // namespace kiln::rt
