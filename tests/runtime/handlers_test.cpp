// The handlers from C++: messengers installed with HandlerScope around
// effect sites, their compositions, and the failure modes the language
// tests cannot reach (tests/lang/handlers/ cover the .ppl face).
#include <ATen/ATen.h>

#include "runtime/effects.h"
#include "runtime/handlers/block_messenger.h"
#include "runtime/handlers/condition_messenger.h"
#include "runtime/handlers/do_messenger.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/replay_messenger.h"
#include "runtime/handlers/scale_messenger.h"
#include "runtime/handlers/seed_messenger.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/distributions/normal.h"
#include "stdlib/random.h"

namespace kiln::rt::testing {
namespace {

Value normal(double loc, double scale) { return Normal::make(Value(loc), Value(scale)); }

Value sample_site(const std::string& name, const Value& dist, const Value* obs = nullptr) {
  return effect_sample(make_str(name), dist, obs, CallArgs{});
}

Value dict_of(const std::string& key, Value v) {
  Value d = make_dict();
  d.as<DictObject>()->set(make_str(key), std::move(v));
  return d;
}

TEST(TraceMessenger, RecordsSitesInOrderWithPlates) {
  TraceMessenger tm;
  {
    HandlerScope scope(tm);
    sample_site("a", normal(0, 1));
    effect_plate_enter(make_str("data"), Value(3), CallArgs{});
    const Value obs = tensor_value(at::zeros({3}));
    sample_site("x", normal(0, 1), &obs);
    effect_plate_exit(make_str("data"));
  }
  const Trace& tr = tm.trace();
  ASSERT_EQ(tr.sites().size(), 2u);
  EXPECT_EQ(tr.sites()[0].name, "a");
  EXPECT_TRUE(tr.sites()[0].cond_indep_stack.empty());
  ASSERT_EQ(tr.sites()[1].cond_indep_stack.size(), 1u);
  EXPECT_EQ(tr.sites()[1].cond_indep_stack[0].name, "data");
  EXPECT_EQ(as_distribution(tr.sites()[1].fn)->batch_shape(), std::vector<int64_t>({3}));
  EXPECT_TRUE(tr.sites()[1].is_observed);
}

TEST(TraceMessenger, DuplicateSampleNamesAreAnError) {
  TraceMessenger tm;
  HandlerScope scope(tm);
  sample_site("z", normal(0, 1));
  EXPECT_EQ(error_of([] { sample_site("z", normal(0, 1)); }),
            "multiple sites named 'z' in one run of the model");
}

TEST(Trace, LogProbSumIsScaledAndMasked) {
  TraceMessenger tm;
  ScaleMessenger half(0.5);
  {
    HandlerScope t(tm);
    HandlerScope s(half);
    const Value obs(1.0);
    sample_site("x", normal(0, 1), &obs);
  }
  const double lp = -0.5 - 0.5 * std::log(2 * M_PI);
  EXPECT_NEAR(tm.trace().log_prob_sum().item<double>(), 0.5 * lp, 1e-6);
  EXPECT_NEAR(tm.trace().sites()[0].unscaled_log_prob.item<double>(), lp, 1e-6);
}

TEST(Trace, ObservedValuesAreCheckedAtTheSite) {
  TraceMessenger tm;
  HandlerScope t(tm);
  const Value obs = tensor_value(at::zeros({2}));
  EXPECT_EQ(error_of([&] {
              sample_site("y", Normal::make(tensor_value(at::zeros({3})), Value(1.0)), &obs);
            }),
            "sample site 'y': Normal(): value of shape (2,) does not broadcast with the batch "
            "shape (3,)");
}

TEST(Trace, LogProbErrorsNameTheSite) {
  // With validation off at the site, the trace's scoring still names it.
  set_validation_enabled(false);
  TraceMessenger tm;
  {
    HandlerScope t(tm);
    const Value obs(-1.0);
    sample_site("rate", call_builtin("Exponential", {Value(1.0)}), &obs);
  }
  set_validation_enabled(true);
  EXPECT_EQ(error_of([&] { tm.trace().log_prob_sum(); }).rfind("sample site 'rate': Exponential.log_prob(): value is outside the support", 0),
            0u);
}

TEST(ReplayMessenger, RefusesToReplayAnObservedSite) {
  TraceMessenger guide_trace;
  {
    HandlerScope t(guide_trace);
    const Value obs(2.0);
    sample_site("z", normal(0, 1), &obs);
  }
  ReplayMessenger replay(guide_trace.trace_value(), Value());
  HandlerScope r(replay);
  EXPECT_EQ(error_of([] { sample_site("z", normal(0, 1)); }),
            "replay(): site 'z' must be a latent sample site in the replayed trace");
}

TEST(DoMessenger, InsidePlatesTheOriginalSiteKeepsOneFrame) {
  TraceMessenger tm;
  DoMessenger intervene(dict_of("z", tensor_value(at::full({2}, 5.0))));
  Value seen;
  {
    HandlerScope t(tm);
    HandlerScope d(intervene);
    effect_plate_enter(make_str("p"), Value(2), CallArgs{});
    seen = sample_site("z", normal(0, 1));
    effect_plate_exit(make_str("p"));
  }
  EXPECT_TRUE(at::equal(tensor_of(seen), at::full({2}, 5.0)));
  ASSERT_EQ(tm.trace().sites().size(), 1u);
  const Message& original = tm.trace().sites()[0];
  EXPECT_EQ(original.name, "z");
  EXPECT_FALSE(original.is_observed);
  EXPECT_EQ(original.cond_indep_stack.size(), 1u);
  EXPECT_FALSE(at::equal(tensor_of(*original.value), at::full({2}, 5.0)));
}

TEST(BlockMessenger, ContradictoryOptionsAreRejected) {
  BlockOptions o;
  o.hide = {"z"};
  o.hide_given = true;
  o.expose = {"z"};
  o.expose_given = true;
  EXPECT_EQ(error_of([&] { BlockMessenger b(o); }), "block(): 'z' is in both hide and expose");
}

TEST(SeedMessenger, RepeatsDrawsAndRestoresTheGenerator) {
  seed_global_generator(7);
  const double first_outer = at::randn({}, global_generator(), at::kDouble).item<double>();
  seed_global_generator(7);
  double a = 0, b = 0;
  {
    SeedMessenger s(3);
    HandlerScope scope(s);
    a = at::randn({}, global_generator(), at::kDouble).item<double>();
  }
  {
    SeedMessenger s(3);
    HandlerScope scope(s);
    b = at::randn({}, global_generator(), at::kDouble).item<double>();
  }
  EXPECT_EQ(a, b);
  EXPECT_EQ(at::randn({}, global_generator(), at::kDouble).item<double>(), first_outer);
}

TEST(ConditionMessenger, TakesValuesFromATrace) {
  TraceMessenger source;
  {
    HandlerScope t(source);
    sample_site("z", normal(0, 1));
  }
  ConditionMessenger cond(source.trace_value());
  TraceMessenger tm;
  Value z;
  {
    HandlerScope t(tm);
    HandlerScope c(cond);
    z = sample_site("z", normal(10, 1));
  }
  EXPECT_TRUE(tm.trace().sites()[0].is_observed);
  EXPECT_TRUE(at::equal(tensor_of(z), tensor_of(*source.trace().sites()[0].value)));
}

}  // namespace
}  // namespace kiln::rt::testing
