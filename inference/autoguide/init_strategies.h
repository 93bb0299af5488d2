// Initialization strategies of autoguides (Pyro's pyro.infer.autoguide.
// initialization): given a latent site of the prototype trace, its initial
// constrained value, which the guide turns into the starting point of its
// parameters.
//
//   AutoNormal(model, init_loc_fn=init_to_median(num_samples=20))
//   AutoDelta(model, init_loc_fn=init_to_value(values={"z": 1.0}))
//   AutoDelta(model, init_loc_fn=init_to_mean)   # the builtin itself: default options
//
//   init_to_median(num_samples=15)  elementwise median of draws from the prior
//   init_to_mean()                  the prior's mean (median if it has none)
//   init_to_sample()                one draw from the prior
//   init_to_feasible()              biject_to(support)(0): a point inside the support
//   init_to_uniform(radius=2.0)     biject_to(support)(u), u ~ Uniform(-radius, radius)
//   init_to_value(values={...}, fallback=init_to_uniform())
//                                   the given value, else the fallback
//
// A strategy never fails on a valid site: an estimate outside the support
// (the median of simplex draws does not sum to 1) falls back, as Pyro's do,
// to the mean, then to init_to_feasible. A .ppl function of a site dict is
// accepted too (init_loc_fn=lambda site: ...), as in Pyro.
//
// InitStrategy is an immutable kNative object.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "runtime/handlers/message.h"
#include "runtime/value.h"

namespace kiln::rt {

enum class InitKind : uint8_t { kMedian, kMean, kSample, kFeasible, kUniform, kValue };

class InitStrategy final : public Object {
 public:
  // `values` is a dict name -> value (kValue), `fallback` a strategy value
  // (kValue; None: init_to_uniform()).
  InitStrategy(InitKind kind, int64_t num_samples = 15, double radius = 2.0, Value values = Value(),
               Value fallback = Value());

  // The initial constrained value of `site` (a latent sample site): a
  // detached tensor of the site's value shape, inside its support. Raises
  // KilnError naming the site if init_to_value's value has the wrong shape
  // or lies outside the support.
  at::Tensor initial_value(const Message& site) const;

  InitKind kind() const { return kind_; }

  // Object: "init_to_median(num_samples=15)"; attributes .num_samples,
  // .radius, .values.
  std::string type_name() const override { return "init strategy"; }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  void append_members(std::vector<Value>& out) const override {
    out.push_back(values_);
    out.push_back(fallback_);
  }

 private:
  at::Tensor median_of_draws(const Message& site) const;
  at::Tensor given_value(const Message& site) const;

  InitKind kind_;
  int64_t num_samples_;
  double radius_;
  Value values_;
  Value fallback_;
};

// The strategy held by v, or null.
const InitStrategy* as_init_strategy(const Value& v);

// init_loc_fn= as a user passes it: None (use `default_kind`), a strategy,
// a strategy builtin itself (init_to_median: its default options), or a
// .ppl function of a site dict. Returns a strategy or the function; raises
// KilnError naming `who` otherwise.
Value check_init_loc_fn(const Value* init_loc_fn, InitKind default_kind, const std::string& who);

// The initial constrained value of `site` under `init_loc_fn` (a value
// returned by check_init_loc_fn). A user function's result must have the
// site's value shape (or broadcast to it) and lie in its support.
at::Tensor initial_site_value(const Value& init_loc_fn, const Message& site, const std::string& who);

}  // namespace kiln::rt
