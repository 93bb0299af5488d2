#include "runtime/param_store.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "runtime/errors.h"
#include "runtime/tensor_value.h"

namespace kiln::rt {

ParamStore& ParamStore::global() {
  static ParamStore store;
  return store;
}

at::Tensor ParamStore::store_locked(const std::string& name, const at::Tensor& value) {
  at::Tensor t = value.detach();
  // A copy, so the program's init tensor is never updated by the optimizer.
  t = at::isFloatingType(t.scalar_type()) ? t.clone() : t.to(kDefaultFloat);
  t.requires_grad_(true);
  auto [it, fresh] = params_.insert_or_assign(name, t);
  if (fresh) order_.push_back(name);
  return it->second;
}

at::Tensor ParamStore::get_or_init(const std::string& name,
                                   const std::function<at::Tensor()>& make_init) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = params_.find(name);
    if (it != params_.end()) return it->second;
  }
  // make_init may run user code (a lazy initializer), so not under the lock.
  const at::Tensor init = make_init();
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = params_.find(name);
  if (it != params_.end()) return it->second;
  return store_locked(name, init);
}

void ParamStore::set(const std::string& name, const at::Tensor& value) {
  std::lock_guard<std::mutex> lock(mutex_);
  store_locked(name, value);
}

at::Tensor ParamStore::get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = params_.find(name);
  if (it == params_.end()) raise("param '" + name + "' is not in the param store");
  return it->second;
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

}  // namespace kiln::rt
