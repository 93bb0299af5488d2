// SVI's optimizers and learning-rate schedules (inference/optim/): each
// algorithm's first steps against its update rule, convergence, state round
// trips, per-parameter options, clipping, schedules and option errors.
#include <ATen/ATen.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "inference/optim/lr_schedule.h"
#include "inference/optim/optimizer.h"
#include "runtime_test_util.h"

namespace kiln::rt::testing {
namespace {

using Rows = std::vector<std::vector<double>>;

// The trajectories below were computed by hand from each header's update
// rule, in double precision, for x0 = (1, -2) and these gradients (fixed,
// not the gradient of any function), one row per step.
const std::vector<double> kStart = {1.0, -2.0};
const Rows kGrads = {{0.5, -1.0}, {0.3, 2.0}, {-0.1, 0.4}};
// A large first gradient, then small ones: with beta2 = 0.5 the second moment
// shrinks, so amsgrad's running maximum differs from it.
const Rows kShrinkingGrads = {{2.0, -1.0}, {0.1, 0.5}, {0.1, -0.2}};
constexpr double kTight = 1e-12;

Value dict_of(const Keywords& entries) {
  Value d = make_dict();
  for (const auto& [key, value] : entries) d.as<DictObject>()->set(make_str(key), value);
  return d;
}

Optimizer& optimizer_of(const Value& v) {
  Optimizer* o = as_optimizer(v);
  if (o == nullptr) throw std::logic_error("not an optimizer: " + to_str(v));
  return *o;
}

at::Tensor leaf(const std::vector<double>& values) {
  return at::tensor(values, at::kDouble).requires_grad_();
}

void step_with_grad(const Value& opt, const std::string& name, at::Tensor& x, const std::vector<double>& grad) {
  x.mutable_grad() = at::tensor(grad, at::kDouble);
  optimizer_of(opt).step({{name, x}});
}

// Steps `opt` through `grads` and checks x after each step against `expected`.
void expect_trajectory(const Value& opt, const Rows& grads, const Rows& expected) {
  at::Tensor x = leaf(kStart);
  for (size_t t = 0; t < grads.size(); ++t) {
    step_with_grad(opt, "x", x, grads[t]);
    for (size_t i = 0; i < 2; ++i)
      EXPECT_NEAR(x[i].item<double>(), expected[t][i], kTight) << "step " << t + 1 << ", element " << i;
  }
}

double lr_of(const Value& opt) { return get_attr(opt, "lr").to_double(); }

// ---------------------------------------------------------------- update rules

TEST(Adam, FollowsTheBiasCorrectedUpdate) {
  // m = 0.9 m + 0.1 g;  v = 0.999 v + 0.001 g^2;  x -= 0.1 / (1 - 0.9^t) * m / (sqrt(v / (1 - 0.999^t)) + 1e-8)
  expect_trajectory(call_builtin("Adam", {}, {{"lr", 0.1}}), kGrads,
                    {{0.900000002, -1.900000001},
                     {0.8042509867088761, -1.9366103534720749},
                     {0.7421105695296892, -1.975722954753718}});
}

TEST(Adam, AmsgradKeepsTheLargestSecondMoment) {
  // g += 0.1 x; betas (0.9, 0.5) so v halves and max(v) differs from v at step 2.
  const Value betas = tuple_of({0.9, 0.5});
  expect_trajectory(
      call_builtin("Adam", {dict_of({{"lr", 0.1}, {"betas", betas}, {"weight_decay", 0.1}, {"amsgrad", true}})}),
      kShrinkingGrads,
      {{0.9000000004761904, -1.9000000008333333},
       {0.8361536516617623, -1.8586380034013779},
       {0.7883707750734117, -1.8147510833069496}});
  expect_trajectory(call_builtin("Adam", {dict_of({{"lr", 0.1}, {"betas", betas}, {"weight_decay", 0.1}})}),
                    kShrinkingGrads,
                    {{0.9000000004761904, -1.9000000008333333},
                     {0.8104378027085815, -1.845057166575708},
                     {0.7171184457950244, -1.7745110578934675}});
}

TEST(ClippedAdam, ClampsEachElementAndDecaysTheLearningRate) {
  // g = clamp(g, -1, 1) + 0.1 x;  x -= 0.1 * 0.9^t * sqrt(1 - 0.999^t) / (1 - 0.9^t) * m / (sqrt(v) + 1e-8)
  expect_trajectory(call_builtin("ClippedAdam", {},
                                 {{"lr", 0.1}, {"weight_decay", 0.1}, {"clip_norm", 1.0}, {"lrd", 0.9}}),
                    {{2.0, -1.0}, {0.3, -3.0}, {-0.1, 0.4}},
                    {{0.9100000258731734, -1.9100000237170762},
                     {0.838666238611591, -1.8290165070990863},
                     {0.789688003454631, -1.7790711059410511}});
}

TEST(SGD, PlainStepsAlongTheGradient) {
  expect_trajectory(call_builtin("SGD", {}, {{"lr", 0.1}}), kGrads,
                    {{0.95, -1.9}, {0.92, -2.1}, {0.93, -2.14}});
}

TEST(SGD, MomentumWithDampeningAndWeightDecay) {
  // g += 0.1 x;  b = g at t = 1, then 0.9 b + 0.9 g;  x -= 0.1 b
  expect_trajectory(
      call_builtin("SGD", {}, {{"lr", 0.1}, {"momentum", 0.9}, {"dampening", 0.1}, {"weight_decay", 0.1}}), kGrads,
      {{0.94, -1.88}, {0.85054, -1.93508}, {0.77137114, -2.00323628}});
}

TEST(SGD, Nesterov) {
  // b = g, then 0.9 b + g;  x -= 0.1 (g + 0.9 b)
  expect_trajectory(call_builtin("SGD", {}, {{"lr", 0.1}, {"momentum", 0.9}, {"nesterov", true}}), kGrads,
                    {{0.905, -1.81}, {0.8075, -2.109}, {0.76575, -2.2741}});
}

TEST(RMSprop, DefaultsDivideByTheRootMeanSquare) {
  // s = 0.99 s + 0.01 g^2;  x -= 0.01 g / (sqrt(s) + 1e-8)
  expect_trajectory(call_builtin("RMSprop", {}, {}), kGrads,
                    {{0.900000019999996, -1.900000009999999},
                     {0.8483602509394512, -1.989532302199152},
                     {0.8654070096428743, -2.007244425478232}});
}

TEST(RMSprop, CenteredWithMomentumAndWeightDecay) {
  // g += 0.1 x;  s = 0.9 s + 0.1 g^2;  a = 0.9 a + 0.1 g;  b = 0.5 b + g / (sqrt(s - a^2) + 1e-8);  x -= 0.01 b
  expect_trajectory(call_builtin("RMSprop", {},
                                 {{"lr", 0.01},
                                  {"alpha", 0.9},
                                  {"momentum", 0.5},
                                  {"centered", true},
                                  {"weight_decay", 0.1}}),
                    kGrads,
                    {{0.9666666685185185, -1.9666666675925926},
                     {0.9300063280148744, -1.9768953901053492},
                     {0.9120433425232192, -1.9851843178396136}});
}

TEST(Adagrad, DecaysWithTheAccumulatedSquares) {
  // g += 0.1 x;  s = 0.5 + sum g^2;  x -= 0.1 / (1 + 0.1 (t - 1)) * g / (sqrt(s) + 1e-10)
  expect_trajectory(call_builtin("Adagrad", {},
                                 {{"lr", 0.1},
                                  {"lr_decay", 0.1},
                                  {"weight_decay", 0.1},
                                  {"initial_accumulator_value", 0.5}}),
                    kGrads,
                    {{0.9353003360849137, -1.913845020972057},
                     {0.8997878668877343, -1.9858710173833953},
                     {0.9006167880869878, -1.993195177817548}});
}

// ---------------------------------------------------------------- convergence

// Minimizes (x - 3)^2 from x = 0 with autograd gradients.
double distance_after_minimizing(const Value& opt, int steps) {
  at::Tensor x = at::zeros({}).requires_grad_();
  for (int i = 0; i < steps; ++i) {
    x.mutable_grad() = at::Tensor();
    (x - 3).pow(2).backward();
    optimizer_of(opt).step({{"x", x}});
  }
  return std::abs(x.item<double>() - 3);
}

TEST(Optimizers, EachMinimizesAQuadratic) {
  constexpr int kSteps = 1000;
  EXPECT_LT(distance_after_minimizing(call_builtin("Adam", {}, {{"lr", 0.1}}), kSteps), 1e-3);
  EXPECT_LT(distance_after_minimizing(call_builtin("ClippedAdam", {}, {{"lr", 0.1}}), kSteps), 1e-3);
  EXPECT_LT(distance_after_minimizing(call_builtin("SGD", {}, {{"lr", 0.1}}), kSteps), 1e-3);
  EXPECT_LT(distance_after_minimizing(call_builtin("SGD", {}, {{"lr", 0.05}, {"momentum", 0.9}}), kSteps), 1e-3);
  EXPECT_LT(distance_after_minimizing(call_builtin("RMSprop", {}, {}), kSteps), 1e-3);
  EXPECT_LT(distance_after_minimizing(
                call_builtin("RMSprop", {}, {{"centered", true}, {"momentum", 0.5}}), kSteps),
            1e-3);
  EXPECT_LT(distance_after_minimizing(call_builtin("Adagrad", {}, {{"lr", 0.5}}), kSteps), 1e-3);
}

// ---------------------------------------------------------------- behaviour

TEST(Optimizers, SkipParamsWithoutAGradient) {
  const Value opt = call_builtin("Adam", {}, {});
  at::Tensor stepped = leaf({1.0}), idle = leaf({1.0});
  stepped.mutable_grad() = at::ones({1}, at::kDouble);
  optimizer_of(opt).step({{"stepped", stepped}, {"idle", idle}});
  EXPECT_NE(stepped.item<double>(), 1.0);
  EXPECT_EQ(idle.item<double>(), 1.0);
  const Value state = optimizer_of(opt).get_state();
  EXPECT_EQ(length(state), 1);
  EXPECT_EQ(get_item(get_item(state, make_str("stepped")), make_str("step")).as_int(), 1);
}

TEST(Optimizers, NeverModifyTheGradient) {
  const Value opt = call_builtin("ClippedAdam", {}, {{"clip_norm", 0.5}});
  at::Tensor x = leaf({1.0, 2.0});
  step_with_grad(opt, "x", x, {3.0, -4.0});
  EXPECT_TRUE(at::equal(x.grad(), at::tensor({3.0, -4.0}, at::kDouble)));
}

// A run of `steps` steps on (x - 3)^2 with x of two elements.
void run_quadratic(const Value& opt, at::Tensor& x, int steps, bool advance_schedule) {
  for (int i = 0; i < steps; ++i) {
    x.mutable_grad() = at::Tensor();
    (x - 3).pow(2).sum().backward();
    optimizer_of(opt).step({{"x", x}});
    if (advance_schedule) call_method_of(opt, "step_schedule", {Value(0.5)});
  }
}

void expect_resumes_bit_identically(const std::function<Value()>& make, bool schedule = false) {
  at::Tensor uninterrupted = at::tensor({0.5f, -1.0f}).requires_grad_();
  const Value first = make();
  run_quadratic(first, uninterrupted, 10, schedule);

  at::Tensor resumed = at::tensor({0.5f, -1.0f}).requires_grad_();
  const Value before = make();
  run_quadratic(before, resumed, 4, schedule);
  const Value saved = call_method_of(before, "get_state");
  run_quadratic(before, resumed, 3, schedule);  // moves on: the saved copy must not follow
  at::Tensor restarted = at::tensor({0.5f, -1.0f}).requires_grad_();
  run_quadratic(make(), restarted, 4, schedule);
  const Value after = make();
  call_method_of(after, "set_state", {saved});
  run_quadratic(after, restarted, 6, schedule);
  EXPECT_TRUE(at::equal(restarted.detach(), uninterrupted.detach()))
      << to_str(before) << ": " << restarted << " vs " << uninterrupted;
}

TEST(Optimizers, SetStateOfGetStateResumesBitIdentically) {
  expect_resumes_bit_identically([] {
    return call_builtin("Adam", {}, {{"lr", 0.05}, {"amsgrad", true}, {"weight_decay", 0.01}});
  });
  expect_resumes_bit_identically([] { return call_builtin("ClippedAdam", {}, {{"lr", 0.05}, {"lrd", 0.99}}); });
  expect_resumes_bit_identically([] { return call_builtin("SGD", {}, {{"lr", 0.05}, {"momentum", 0.9}}); });
  expect_resumes_bit_identically([] {
    return call_builtin("RMSprop", {}, {{"centered", true}, {"momentum", 0.5}});
  });
  expect_resumes_bit_identically([] { return call_builtin("Adagrad", {}, {{"lr", 0.1}, {"lr_decay", 0.01}}); });
  expect_resumes_bit_identically(
      [] {
        return call_builtin("ReduceLROnPlateau", {call_builtin("Adam", {}, {{"lr", 0.05}})}, {{"patience", 1}});
      },
      /*schedule=*/true);
}

TEST(Optimizers, SetStateRejectsAForeignStateAndChangesNothing) {
  const Value adam = call_builtin("Adam", {}, {});
  at::Tensor x = leaf({1.0, 2.0});
  step_with_grad(adam, "x", x, {1.0, 1.0});
  const Value sgd = call_builtin("SGD", {}, {{"lr", 0.1}, {"momentum", 0.9}});
  step_with_grad(sgd, "x", x, {1.0, 1.0});
  EXPECT_EQ(error_of([&] { call_method_of(adam, "set_state", {call_method_of(sgd, "get_state")}); }),
            "Adam.set_state(): entry 'exp_avg' for param 'x' is required");
  EXPECT_EQ(error_of([&] { call_method_of(adam, "set_state", {Value(3)}); }),
            "Adam.set_state(): the state must be a dict of param name -> state dict, as get_state() returns, "
            "got int");
  EXPECT_EQ(get_item(get_item(call_method_of(adam, "get_state"), make_str("x")), make_str("step")).as_int(), 1);
}

TEST(Optimizers, LoadedStateOfAnotherShapeFailsAtTheStep) {
  const Value opt = call_builtin("Adam", {}, {});
  at::Tensor x = leaf({1.0, 2.0});
  step_with_grad(opt, "x", x, {1.0, 1.0});
  const Value state = call_method_of(opt, "get_state");
  const Value fresh = call_builtin("Adam", {}, {});
  call_method_of(fresh, "set_state", {state});
  at::Tensor y = leaf({1.0, 2.0, 3.0});
  EXPECT_EQ(error_of([&] { step_with_grad(fresh, "x", y, {1.0, 1.0, 1.0}); }),
            "Adam.step(): the state of param 'x' (from set_state) has shape (2,) but the param has shape (3,)");
  EXPECT_TRUE(at::equal(y.detach(), at::tensor({1.0, 2.0, 3.0}, at::kDouble)));
}

int options_calls = 0;

// lambda name: {"lr": 0.1 if name == "fast" else 0.01}
Value lr_by_name(const CallArgs& args) {
  ++options_calls;
  return dict_of({{"lr", str_of(args[0]) == "fast" ? 0.1 : 0.01}});
}

TEST(Optimizers, PerParameterOptionsFromAFunctionOfTheName) {
  options_calls = 0;
  const Value fn = make_value(new BuiltinObject("lr_by_name", &lr_by_name));
  const Value opt = call_builtin("SGD", {fn});
  at::Tensor fast = leaf({0.0}), slow = leaf({0.0});
  for (int i = 0; i < 3; ++i) {
    fast.mutable_grad() = at::ones({1}, at::kDouble);
    slow.mutable_grad() = at::ones({1}, at::kDouble);
    optimizer_of(opt).step({{"fast", fast}, {"slow", slow}});
  }
  EXPECT_NEAR(fast.item<double>(), -0.3, kTight);
  EXPECT_NEAR(slow.item<double>(), -0.03, kTight);
  EXPECT_EQ(options_calls, 2);  // once per name: the options are cached
  const Value lrs = get_attr(opt, "lr");
  EXPECT_DOUBLE_EQ(get_item(lrs, make_str("fast")).to_double(), 0.1);
  EXPECT_DOUBLE_EQ(get_item(lrs, make_str("slow")).to_double(), 0.01);
}

Value bad_lr_for_w(const CallArgs& args) { return dict_of({{"lr", str_of(args[0]) == "w" ? 0.0 : 0.1}}); }

TEST(Optimizers, PerParameterOptionErrorsNameTheParam) {
  const Value opt = call_builtin("Adam", {make_value(new BuiltinObject("bad_lr_for_w", &bad_lr_for_w))});
  at::Tensor v = leaf({1.0}), w = leaf({1.0});
  v.mutable_grad() = at::ones({1}, at::kDouble);
  w.mutable_grad() = at::ones({1}, at::kDouble);
  EXPECT_EQ(error_of([&] { optimizer_of(opt).step({{"v", v}, {"w", w}}); }),
            "Adam(): option 'lr' for param 'w' must be positive, got 0.0");
  EXPECT_EQ(v.item<double>(), 1.0);  // a failed step updates nothing
}

TEST(Optimizers, ClipNormScalesByTheTotalNormOfTheStep) {
  const Value opt = call_builtin("SGD", {}, {{"lr", 1.0}, {"clip_norm", 1.0}});
  at::Tensor a = leaf({0.0, 0.0}), b = leaf({0.0});
  a.mutable_grad() = at::tensor({3.0, 0.0}, at::kDouble);
  b.mutable_grad() = at::tensor({4.0}, at::kDouble);
  optimizer_of(opt).step({{"a", a}, {"b", b}});
  // total norm 5: each gradient is scaled by 1 / (5 + 1e-6)
  const double scale = 1.0 / (5.0 + 1e-6);
  EXPECT_NEAR(a[0].item<double>(), -3.0 * scale, kTight);
  EXPECT_NEAR(b[0].item<double>(), -4.0 * scale, kTight);

  const Value loose = call_builtin("SGD", {}, {{"lr", 1.0}, {"clip_norm", 10.0}});
  at::Tensor c = leaf({0.0});
  step_with_grad(loose, "c", c, {4.0});
  EXPECT_EQ(c.item<double>(), -4.0);  // below the threshold: untouched
}

TEST(Optimizers, PrintAndLr) {
  const Value opt = call_builtin("Adam", {dict_of({{"lr", 0.01}})});
  EXPECT_EQ(to_str(opt), "Adam({'lr': 0.01})");
  EXPECT_DOUBLE_EQ(lr_of(opt), 0.01);
  EXPECT_DOUBLE_EQ(lr_of(call_builtin("Adam", {}, {})), 0.001);
  EXPECT_EQ(to_str(call_builtin("StepLR", {opt}, {{"step_size", 10}})),
            "StepLR(Adam({'lr': 0.01}), step_size=10, gamma=0.1)");
}

// ---------------------------------------------------------------- schedules

TEST(StepLR, MultipliesByGammaEveryStepSizeEpochs) {
  const Value opt = call_builtin("StepLR", {call_builtin("SGD", {}, {{"lr", 1.0}}), Value(2)}, {{"gamma", 0.5}});
  std::vector<double> lrs;
  for (int epoch = 0; epoch < 6; ++epoch) {
    lrs.push_back(lr_of(opt));
    call_method_of(opt, "step_schedule");
  }
  EXPECT_EQ(lrs, (std::vector<double>{1.0, 1.0, 0.5, 0.5, 0.25, 0.25}));
  at::Tensor x = leaf({0.0});
  step_with_grad(opt, "x", x, {1.0});  // the wrapped SGD steps with lr 0.125
  EXPECT_EQ(x.item<double>(), -0.125);
}

TEST(StepLR, AcceptsPyrosSingleDictForm) {
  const Value adam = builtin_value(*find_builtin("Adam"));
  const Value opt = call_builtin(
      "StepLR", {dict_of({{"optimizer", adam}, {"optim_args", dict_of({{"lr", 0.01}})}, {"step_size", 1}})});
  EXPECT_DOUBLE_EQ(lr_of(opt), 0.01);
  call_method_of(opt, "step_schedule");
  EXPECT_DOUBLE_EQ(lr_of(opt), 0.001);
}

TEST(ExponentialLR, MultipliesByGammaEveryEpoch) {
  const Value opt = call_builtin("ExponentialLR", {call_builtin("Adam", {}, {{"lr", 0.1}})}, {{"gamma", 0.5}});
  std::vector<double> lrs;
  for (int epoch = 0; epoch < 4; ++epoch) {
    lrs.push_back(lr_of(opt));
    call_method_of(opt, "step_schedule", {Value(1.0)});  // a loss is accepted and ignored
  }
  EXPECT_EQ(lrs, (std::vector<double>{0.1, 0.05, 0.025, 0.0125}));
}

TEST(ReduceLROnPlateau, ReducesAfterPatienceBadEpochs) {
  const Value opt = call_builtin("ReduceLROnPlateau", {call_builtin("SGD", {}, {{"lr", 1.0}})},
                                 {{"factor", 0.5}, {"patience", 2}, {"min_lr", 0.3}});
  std::vector<double> lrs;
  // The first loss sets the best; the next ones do not improve on it.
  for (int epoch = 0; epoch < 8; ++epoch) {
    call_method_of(opt, "step_schedule", {Value(1.0)});
    lrs.push_back(lr_of(opt));
  }
  // Bad epochs 1, 2, 3 > patience: reduced at the 4th call, then 3 more; min_lr floors it.
  EXPECT_EQ(lrs, (std::vector<double>{1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.3, 0.3}));
}

TEST(ReduceLROnPlateau, ImprovingLossesKeepTheRateAndModeMaxMirrors) {
  const Value min_mode = call_builtin("ReduceLROnPlateau", {call_builtin("Adam", {}, {})}, {{"patience", 0}});
  for (double loss : {5.0, 4.0, 3.0, 2.0}) call_method_of(min_mode, "step_schedule", {Value(loss)});
  EXPECT_DOUBLE_EQ(lr_of(min_mode), 0.001);
  const Value max_mode = call_builtin("ReduceLROnPlateau", {call_builtin("Adam", {}, {})},
                                      {{"patience", 0}, {"mode", make_str("max")}});
  for (double loss : {5.0, 4.0}) call_method_of(max_mode, "step_schedule", {Value(loss)});
  EXPECT_DOUBLE_EQ(lr_of(max_mode), 0.0001);
}

TEST(ReduceLROnPlateau, NeedsTheLoss) {
  const Value opt = call_builtin("ReduceLROnPlateau", {call_builtin("Adam", {}, {})});
  EXPECT_EQ(error_of([&] { call_method_of(opt, "step_schedule"); }),
            "ReduceLROnPlateau.step_schedule(): argument 'loss' is required: the schedule watches it");
}

// ---------------------------------------------------------------- errors

TEST(OptimizerErrors, NameTheOptimizerAndTheOption) {
  EXPECT_EQ(error_of([] { call_builtin("Adam", {}, {{"lr", -0.5}}); }),
            "Adam(): option 'lr' must be positive, got -0.5");
  EXPECT_EQ(error_of([] { call_builtin("Adam", {}, {{"lr", make_str("fast")}}); }),
            "Adam(): option 'lr' must be a number, got str");
  EXPECT_EQ(error_of([] { call_builtin("Adam", {dict_of({{"betas", tuple_of({0.9, 1.0})}})}); }),
            "Adam(): option 'betas' must be a pair of numbers in [0, 1), got (0.9, 1.0)");
  EXPECT_EQ(error_of([] { call_builtin("SGD", {}, {}); }), "SGD(): option 'lr' is required");
  EXPECT_EQ(error_of([] { call_builtin("SGD", {}, {{"lr", 0.1}, {"nesterov", true}}); }),
            "SGD(): option 'nesterov' must be False unless momentum > 0 and dampening = 0, got True with "
            "momentum 0.0 and dampening 0.0");
  EXPECT_EQ(error_of([] { call_builtin("RMSprop", {}, {{"alpha", 1.0}}); }),
            "RMSprop(): option 'alpha' must be in [0, 1), got 1.0");
  EXPECT_EQ(error_of([] { call_builtin("Adam", {Value(0.01)}); }),
            "Adam(): argument 'optim_args' must be a dict of options or a function of the param name returning "
            "one, got float");
  EXPECT_EQ(error_of([] { call_builtin("Adam", {dict_of({{"lr", 0.1}})}, {{"lr", 0.1}}); }),
            "Adam(): give the options either as one dict (or a function of the param name) or as keyword "
            "arguments, not both");
}

TEST(OptimizerErrors, UnknownOptionsSuggestTheClosest) {
  try {
    call_builtin("Adam", {dict_of({{"lrr", 0.1}})});
    FAIL() << "no error";
  } catch (const KilnError& e) {
    EXPECT_STREQ(e.what(), "Adam(): unknown option 'lrr'");
    EXPECT_EQ(e.hint(), "did you mean 'lr'? Adam's options: lr, betas, eps, weight_decay, amsgrad, clip_norm");
  }
}

TEST(OptimizerErrors, SchedulesCheckTheirArguments) {
  EXPECT_EQ(error_of([] { call_builtin("StepLR", {call_builtin("Adam", {}, {}), Value(0)}); }),
            "StepLR(): argument 'step_size' must be >= 1, got 0");
  EXPECT_EQ(error_of([] { call_builtin("ExponentialLR", {call_builtin("Adam", {}, {})}); }),
            "ExponentialLR(): argument 'gamma' is required");
  EXPECT_EQ(error_of([] {
              call_builtin("ReduceLROnPlateau", {call_builtin("Adam", {}, {})}, {{"mode", make_str("average")}});
            }),
            "ReduceLROnPlateau(): argument 'mode' must be 'min' or 'max', got 'average'");
  EXPECT_EQ(error_of([] { call_builtin("StepLR", {Value(1.0), Value(2)}); }),
            "StepLR(): argument 'optimizer' must be an optimizer such as Adam(lr=0.01), got float");
  const Value adam = call_builtin("Adam", {}, {});
  const Value scheduled = call_builtin("StepLR", {adam, Value(2)});
  EXPECT_EQ(error_of([&] { call_builtin("ExponentialLR", {scheduled, Value(0.5)}); }),
            "ExponentialLR(): cannot wrap the schedule StepLR; wrap the optimizer itself");
  EXPECT_EQ(error_of([&] { call_builtin("ExponentialLR", {adam, Value(0.5)}); }),
            "ExponentialLR(): this Adam is already wrapped by a schedule");
  EXPECT_EQ(error_of([&] { call_method_of(adam, "step_schedule"); }),
            "'Adam' object has no method 'step_schedule'");
}

}  // namespace
}  // namespace kiln::rt::testing
