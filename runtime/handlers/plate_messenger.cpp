#include "runtime/handlers/plate_messenger.h"

#include <ATen/ATen.h>

#include <optional>
#include <set>

#include "runtime/errors.h"
#include "runtime/handlers/handler_stack.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/random.h"

namespace kiln::rt {

namespace {

std::string plate_label(const std::string& name) { return "plate '" + name + "'"; }

}  // namespace

PlateMessenger::PlateMessenger(std::string name, std::optional<int64_t> size,
                               std::optional<int64_t> subsample_size, at::Tensor subsample,
                               std::optional<int64_t> dim)
    : name_(std::move(name)), size_(size.value_or(-1)), pinned_dim_(dim) {
  const std::string who = plate_label(name_);
  if (!size && !subsample.defined())
    raise(who + " needs a size", "plate(\"" + name_ + "\", N) or plate(\"" + name_ + "\", subsample=idx)");
  if (size && size_ <= 0) raise(who + ": size must be positive, got " + std::to_string(size_));
  if (dim && *dim >= 0)
    raise(who + ": dim must be negative (counted from the right), got " + std::to_string(*dim));
  if (subsample.defined()) {
    if (subsample.dim() != 1 || at::isFloatingType(subsample.scalar_type()) ||
        subsample.scalar_type() == at::kBool)
      raise(who + ": subsample must be a 1-D tensor of int indices, got shape " +
            shape_to_string(subsample.sizes().vec()) + " of " +
            std::string(c10::toString(subsample.scalar_type())));
    indices_ = subsample.to(at::kLong);
    if (!size) size_ = indices_.size(0);
    if (size && indices_.numel() > 0 &&
        (indices_.min().item<int64_t>() < 0 || indices_.max().item<int64_t>() >= size_))
      raise(who + ": subsample indices must lie in [0, " + std::to_string(size_) + ")");
    subsample_size_ = indices_.size(0);
    if (subsample_size_ == 0) raise(who + ": subsample must not be empty");
    return;
  }
  subsample_size_ = subsample_size.value_or(size_);
  if (subsample_size_ < 1 || subsample_size_ > size_)
    raise(who + ": subsample_size must be in [1, " + std::to_string(size_) + "], got " +
          std::to_string(subsample_size_));
  if (subsample_size_ == size_) {
    indices_ = at::arange(size_, at::TensorOptions().dtype(at::kLong));
  } else {
    indices_ = at::randperm(size_, global_generator(), at::TensorOptions().dtype(at::kLong))
                   .narrow(0, 0, subsample_size_);
  }
}

std::unique_ptr<PlateMessenger> PlateMessenger::sequential(std::string name, int64_t counter) {
  std::unique_ptr<PlateMessenger> p(new PlateMessenger());
  p->name_ = std::move(name);
  p->vectorized_ = false;
  p->counter_ = counter;
  return p;
}

void PlateMessenger::enter() {
  std::set<int64_t> used;
  for (size_t i = 0; i < handler_stack_depth(); ++i) {
    const auto* other = dynamic_cast<const PlateMessenger*>(&handler_stack_at(i));
    if (other == nullptr) continue;
    if (other->name_ == name_)
      raise(plate_label(name_) + " is already active", "nested plates need distinct names");
    if (other->vectorized_) used.insert(other->dim_);
  }
  if (!vectorized_) return;
  if (pinned_dim_) {
    if (used.count(*pinned_dim_))
      raise(plate_label(name_) + ": dim " + std::to_string(*pinned_dim_) +
            " is already used by an enclosing plate");
    dim_ = *pinned_dim_;
    return;
  }
  dim_ = -1;
  while (used.count(dim_)) --dim_;
}

void PlateMessenger::process(Message& msg) {
  CondIndepFrame frame;
  frame.name = name_;
  frame.vectorized = vectorized_;
  frame.dim = vectorized_ ? dim_ : 0;
  frame.size = vectorized_ ? subsample_size_ : -1;
  frame.counter = counter_;
  msg.cond_indep_stack.insert(msg.cond_indep_stack.begin(), std::move(frame));
  if (!vectorized_) return;
  msg.scale *= static_cast<double>(size_) / static_cast<double>(subsample_size_);
  if (msg.type == MessageType::kSample) broadcast(msg);
}

// Pyro's BroadcastMessenger: each enclosing vectorized plate fixes the size
// of its dim; other dims keep the distribution's size (or 1).
void PlateMessenger::broadcast(Message& msg) const {
  const Distribution* d = as_distribution(msg.fn);
  if (d == nullptr) return;
  const std::vector<int64_t>& actual = d->batch_shape();
  // Sizes counted from the right; nullopt = not fixed by a plate.
  std::vector<std::optional<int64_t>> target;
  for (int64_t s : actual) target.push_back(s == 1 ? std::nullopt : std::optional<int64_t>(s));
  for (const CondIndepFrame& f : msg.cond_indep_stack) {
    if (!f.vectorized) continue;
    const size_t need = static_cast<size_t>(-f.dim);
    if (target.size() < need) target.insert(target.begin(), need - target.size(), std::nullopt);
    std::optional<int64_t>& slot = target[target.size() - need];
    if (slot && *slot != f.size)
      raise(plate_label(f.name) + " has size " + std::to_string(f.size) + " but site '" + msg.name +
                "' has batch shape " + shape_to_string(actual) + " (dim " + std::to_string(f.dim) +
                " is " + std::to_string(*slot) + ")",
            "inside the plate, dim " + std::to_string(f.dim) + " of a site must be " +
                std::to_string(f.size) + " or 1; index its parameters with the plate's indices");
    slot = f.size;
  }
  std::vector<int64_t> shape;
  for (size_t i = 0; i < target.size(); ++i) {
    const size_t from_right = target.size() - i;
    shape.push_back(target[i]                     ? *target[i]
                    : from_right <= actual.size() ? actual[actual.size() - from_right]
                                                  : 1);
  }
  msg.fn = d->expand(shape);
}

}  // namespace kiln::rt
