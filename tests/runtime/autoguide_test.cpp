// Autoguides, init strategies and Predictive from C++: models are native
// callables built from effect sites, so each test states its model in a few
// lines. The .ppl face and an end-to-end SVI fit are in tests/lang/inference/.
#include <ATen/ATen.h>

#include <cmath>
#include <functional>

#include "inference/autoguide/autoguide.h"
#include "runtime/builtin_registry.h"
#include "runtime/effects.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/param_store.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/distributions/normal.h"
#include "stdlib/random.h"

namespace kiln::rt::testing {
namespace {

// A model (or guide) written in C++.
class NativeModel final : public Object {
 public:
  explicit NativeModel(std::function<Value(const CallArgs&)> f)
      : Object(ObjKind::kNative), f_(std::move(f)) {}
  std::string type_name() const override { return "function"; }
  std::string to_string() const override { return "<model>"; }
  Value call(const CallArgs& args) override { return f_(args); }

 private:
  std::function<Value(const CallArgs&)> f_;
};

Value model_of(std::function<Value(const CallArgs&)> f) {
  return make_value(new NativeModel(std::move(f)));
}

Value site(const std::string& name, const Value& dist, const Value* obs = nullptr) {
  return effect_sample(make_str(name), dist, obs, CallArgs{});
}

Value normal(const Value& loc, const Value& scale) { return Normal::make(loc, scale); }
Value normal(double loc, double scale) { return normal(Value(loc), Value(scale)); }
Value half_normal(double scale) { return call_builtin("HalfNormal", {Value(scale)}); }
Value vector_normal(int64_t n) {
  return as_distribution(normal(tensor_value(at::zeros({n})), tensor_value(at::ones({n}))))
      ->to_event(1);
}

Value item(const Value& dict, const std::string& key) {
  const Value* v = dict.as<DictObject>()->find(make_str(key));
  if (v == nullptr) throw std::logic_error("no key " + key + " in " + to_str(dict));
  return *v;
}

Value call0(const Value& f) { return call_value(f, CallArgs{}); }

at::Tensor stored(const std::string& name) { return ParamStore::global().constrained(name).detach(); }

// loc ~ Normal(0, 1), sigma ~ HalfNormal(1), y ~ Normal(loc, sigma) observed at 0.5.
Value location_scale_model() {
  return model_of([](const CallArgs&) {
    const Value loc = site("loc", normal(0, 1));
    const Value sigma = site("sigma", half_normal(1.0));
    const Value y(0.5);
    site("y", normal(loc, sigma), &y);
    return Value();
  });
}

class AutoguideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ParamStore::global().clear();
    seed_global_generator(0);
  }
};

TEST_F(AutoguideTest, AutoNormalNamesItsParamsAsPyro) {
  const Value guide = call_builtin("AutoNormal", {location_scale_model()});
  const Value draws = call0(guide);
  ASSERT_TRUE(draws.is(ObjKind::kDict));
  EXPECT_EQ(draws.as<DictObject>()->size(), 2u);
  EXPECT_EQ(ParamStore::global().names(),
            (std::vector<std::string>{"AutoNormal.locs.loc", "AutoNormal.scales.loc",
                                      "AutoNormal.locs.sigma", "AutoNormal.scales.sigma"}));
  // init_to_feasible: loc 0 in unconstrained space; init_scale 0.1.
  EXPECT_NEAR(stored("AutoNormal.locs.sigma").item<double>(), 0.0, 1e-7);
  EXPECT_NEAR(stored("AutoNormal.scales.loc").item<double>(), 0.1, 1e-7);
  const Trace* proto = as_trace(get_attr(guide, "prototype_trace"));
  ASSERT_NE(proto, nullptr);
  EXPECT_EQ(proto->sites().size(), 3u);
}

TEST_F(AutoguideTest, AutoNormalDrawsStayInTheSupport) {
  const Value guide = call_builtin("AutoNormal", {location_scale_model()});
  call0(guide);
  ParamStore::global().set("AutoNormal.locs.sigma", at::scalar_tensor(-4.0f));
  ParamStore::global().set("AutoNormal.scales.sigma", at::scalar_tensor(2.0f));
  for (int i = 0; i < 200; ++i) EXPECT_GT(T(item(call0(guide), "sigma")).item<double>(), 0.0);
}

TEST_F(AutoguideTest, AutoNormalLogQIsTheDensityOfTheConstrainedValue) {
  const Value guide = call_builtin("AutoNormal", {location_scale_model()});
  call0(guide);
  ParamStore::global().set("AutoNormal.locs.sigma", at::scalar_tensor(0.3f));
  ParamStore::global().set("AutoNormal.scales.sigma", at::scalar_tensor(0.7f));
  TraceMessenger tracer;
  {
    HandlerScope scope(tracer);
    call0(guide);
  }
  Message* s = tracer.trace().find("sigma");
  ASSERT_NE(s, nullptr);
  compute_site_log_prob(*s);
  const at::Tensor x = T(*s->value).detach();
  // q(x) = Normal(log x; loc, scale) / x
  const Value base = normal(0.3, 0.7);
  const double expected = (as_distribution(base)->log_prob(x.log()) - x.log()).item<double>();
  EXPECT_NEAR(s->log_prob.item<double>(), expected, 1e-5);
}

TEST_F(AutoguideTest, AutoDeltaMedianIsItsParam) {
  const Value guide = call_builtin("AutoDelta", {location_scale_model()});
  call0(guide);
  ParamStore::global().set("AutoDelta.sigma", at::scalar_tensor(2.5f));
  EXPECT_FLOAT_EQ(T(item(call_method_of(guide, "median"), "sigma")).item<float>(), 2.5f);
  EXPECT_FLOAT_EQ(T(item(call0(guide), "sigma")).item<float>(), 2.5f);
  EXPECT_EQ(to_str(ParamStore::global().constraint("AutoDelta.sigma")), "constraints.nonnegative");
}

TEST_F(AutoguideTest, QuantilesAreOrderedAroundTheMedian) {
  const Value guide = call_builtin("AutoNormal", {location_scale_model()});
  call0(guide);
  ParamStore::global().set("AutoNormal.locs.sigma", at::scalar_tensor(0.2f));
  ParamStore::global().set("AutoNormal.scales.sigma", at::scalar_tensor(0.5f));
  const Value q =
      call_method_of(guide, "quantiles", {list_of({Value(0.05), Value(0.5), Value(0.95)})});
  const at::Tensor s = T(item(q, "sigma"));
  ASSERT_EQ(s.sizes().vec(), std::vector<int64_t>({3}));
  EXPECT_LT(s[0].item<double>(), s[1].item<double>());
  EXPECT_LT(s[1].item<double>(), s[2].item<double>());
  EXPECT_NEAR(s[1].item<double>(), std::exp(0.2), 1e-5);
  EXPECT_NEAR(s[2].item<double>(), std::exp(0.2 + 0.5 * 1.6448536), 1e-4);
  EXPECT_NEAR(T(item(call_method_of(guide, "median"), "sigma")).item<double>(), std::exp(0.2), 1e-5);
}

// a: a vector of 2 reals, s: a positive scalar, p: a point of the 3-simplex.
Value mixed_shapes_model() {
  return model_of([](const CallArgs&) {
    site("a", vector_normal(2));
    site("s", half_normal(1.0));
    site("p", call_builtin("Dirichlet", {tensor_value(at::ones({3}))}));
    return Value();
  });
}

TEST_F(AutoguideTest, AutoMultivariateNormalPacksAndUnpacksSites) {
  const Value guide = call_builtin("AutoMultivariateNormal", {mixed_shapes_model()});
  TraceMessenger tracer;
  Value draws;
  {
    HandlerScope scope(tracer);
    draws = call0(guide);
  }
  EXPECT_EQ(get_attr(guide, "latent_dim").as_int(), 5);  // 2 + 1 + (3 - 1)
  EXPECT_EQ(stored("AutoMultivariateNormal.loc").sizes().vec(), std::vector<int64_t>({5}));
  EXPECT_EQ(stored("AutoMultivariateNormal.scale_tril").sizes().vec(), std::vector<int64_t>({5, 5}));
  EXPECT_EQ(T(item(draws, "a")).sizes().vec(), std::vector<int64_t>({2}));
  EXPECT_EQ(T(item(draws, "s")).dim(), 0);
  EXPECT_GT(T(item(draws, "s")).item<double>(), 0.0);
  const at::Tensor p = T(item(draws, "p"));
  ASSERT_EQ(p.sizes().vec(), std::vector<int64_t>({3}));
  EXPECT_NEAR(p.sum().item<double>(), 1.0, 1e-5);
  EXPECT_TRUE((p > 0).all().item<bool>());
  const Message* latent = tracer.trace().find("_AutoMultivariateNormal_latent");
  ASSERT_NE(latent, nullptr);
  EXPECT_TRUE(truthy(*latent->infer.as<DictObject>()->find(make_str("is_auxiliary"))));
  const Value median = call_method_of(guide, "median");
  EXPECT_NEAR(T(item(median, "p")).sum().item<double>(), 1.0, 1e-5);
  EXPECT_NE(error_of([&] { call_method_of(guide, "quantiles", {list_of({Value(0.5)})}); })
                .find("is not monotone elementwise"),
            std::string::npos);
}

TEST_F(AutoguideTest, AutoDiagonalNormalLogQAddsTheJacobianTerms) {
  const Value model = model_of([](const CallArgs&) {
    site("a", normal(0, 1));
    site("s", half_normal(1.0));
    return Value();
  });
  const Value guide = call_builtin("AutoDiagonalNormal", {model});
  call0(guide);
  ParamStore::global().set("AutoDiagonalNormal.loc", at::tensor({0.4f, -0.3f}));
  ParamStore::global().set("AutoDiagonalNormal.scale", at::tensor({0.5f, 0.8f}));
  TraceMessenger tracer;
  {
    HandlerScope scope(tracer);
    call0(guide);
  }
  const at::Tensor u = T(*tracer.trace().find("_AutoDiagonalNormal_latent")->value).detach();
  const Value q = normal(tensor_value(at::tensor({0.4f, -0.3f})), tensor_value(at::tensor({0.5f, 0.8f})));
  // log q(a, s) = log N(u) - log|d exp(u_s) / d u_s| = log N(u) - u_s
  const double expected = (as_distribution(q)->log_prob(u).sum() - u[1]).item<double>();
  EXPECT_NEAR(tracer.trace().log_prob_sum().item<double>(), expected, 1e-5);
  EXPECT_NEAR(T(*tracer.trace().find("s")->value).item<double>(), std::exp(u[1].item<double>()), 1e-5);
}

TEST_F(AutoguideTest, AutoLowRankDefaultRankIsCeilSqrtOfTheLatentDim) {
  const Value model = model_of([](const CallArgs&) { return site("w", vector_normal(5)); });
  const Value guide = call_builtin("AutoLowRankMultivariateNormal", {model});
  call0(guide);
  EXPECT_EQ(get_attr(guide, "rank").as_int(), 3);
  EXPECT_EQ(stored("AutoLowRankMultivariateNormal.cov_factor").sizes().vec(),
            std::vector<int64_t>({5, 3}));
  const at::Tensor q = T(item(call_method_of(guide, "quantiles", {list_of({Value(0.1), Value(0.9)})}), "w"));
  EXPECT_EQ(q.sizes().vec(), std::vector<int64_t>({2, 5}));
  EXPECT_TRUE((q[0] < q[1]).all().item<bool>());
}

TEST_F(AutoguideTest, LaplaceApproximationOfAConjugateModelIsTheExactPosterior) {
  // mu ~ Normal(0, I_2); y_i ~ Normal(mu, I_2), i = 1..4: the posterior is
  // Normal(sum(y) / 5, I / 5).
  const at::Tensor y = at::tensor({0.3f, -1.2f, 1.1f, 0.4f, 2.0f, -0.5f, 0.9f, 0.1f}).reshape({4, 2});
  const Value model = model_of([y](const CallArgs&) {
    const Value mu = site("mu", vector_normal(2));
    effect_plate_enter(make_str("data"), Value(4), CallArgs{});
    const Value obs = tensor_value(y);
    site("y", as_distribution(normal(mu, Value(1.0)))->to_event(1), &obs);
    effect_plate_exit(make_str("data"));
    return mu;
  });
  const at::Tensor mean = y.sum(0) / 5;
  ParamStore::global().set("AutoLaplaceApproximation.loc", mean);  // the MAP, as SVI would find it
  const Value laplace = call_builtin("AutoLaplaceApproximation", {model});
  const Value gaussian = call_method_of(laplace, "laplace_approximation");
  EXPECT_EQ(type_name(gaussian), "AutoMultivariateNormal");
  EXPECT_TRUE(at::allclose(stored("AutoMultivariateNormal.loc"), mean, 0, 1e-4));
  EXPECT_TRUE(at::allclose(stored("AutoMultivariateNormal.scale_tril"),
                           at::eye(2) / std::sqrt(5.0), 0, 1e-4));
  EXPECT_EQ(T(item(call0(gaussian), "mu")).sizes().vec(), std::vector<int64_t>({2}));
}

TEST_F(AutoguideTest, DiscreteSitesAreRefused) {
  const Value model = model_of([](const CallArgs&) {
    return site("k", call_builtin("Bernoulli", {Value(0.3)}));
  });
  const Value guide = call_builtin("AutoNormal", {model});
  EXPECT_EQ(error_of([&] { call0(guide); }).rfind("AutoNormal cannot guide the discrete site 'k'", 0),
            0u);
}

TEST_F(AutoguideTest, SubsampledPlatesKeepOneParamPerDataPoint) {
  const Value model = model_of([](const CallArgs&) {
    const Value size_kw(int64_t{4});
    ArgList kw;
    kw.push_kw("subsample_size", size_kw);
    effect_plate_enter(make_str("data"), Value(10), kw.view());
    const Value z = site("z", normal(0, 1));
    effect_plate_exit(make_str("data"));
    return z;
  });
  const Value guide = call_builtin("AutoNormal", {model});
  EXPECT_EQ(T(item(call0(guide), "z")).sizes().vec(), std::vector<int64_t>({4}));
  EXPECT_EQ(stored("AutoNormal.locs.z").sizes().vec(), std::vector<int64_t>({10}));
  EXPECT_EQ(T(item(call_method_of(guide, "median"), "z")).sizes().vec(), std::vector<int64_t>({10}));
  const Value packed = call_builtin("AutoDiagonalNormal", {model});
  EXPECT_NE(error_of([&] { call0(packed); }).find("in the subsampled plate 'data'"), std::string::npos);
}

TEST_F(AutoguideTest, InitStrategiesChooseTheStartingPoint) {
  Value values = make_dict();
  values.as<DictObject>()->set(make_str("sigma"), Value(3.0));
  const Value by_value = call_builtin(
      "AutoDelta", {location_scale_model()},
      {{"init_loc_fn", call_builtin("init_to_value", {}, {{"values", values}})}});
  EXPECT_FLOAT_EQ(T(item(call0(by_value), "sigma")).item<float>(), 3.0f);
  ParamStore::global().clear();
  // The builtin itself means its default options; the simplex median falls back to the mean.
  const Value mean_fn = builtin_value(*find_builtin("init_to_mean"));
  const Value by_mean = call_builtin("AutoDelta", {mixed_shapes_model()}, {{"init_loc_fn", mean_fn}});
  EXPECT_TRUE(at::allclose(T(item(call0(by_mean), "p")), at::full({3}, 1.0f / 3), 0, 1e-5));
  ParamStore::global().clear();
  const Value by_median = call_builtin("AutoDelta", {mixed_shapes_model()},
                                       {{"init_loc_fn", call_builtin("init_to_median", {})}});
  EXPECT_NEAR(T(item(call0(by_median), "p")).sum().item<double>(), 1.0, 1e-5);
  Value bad = make_dict();
  bad.as<DictObject>()->set(make_str("sigma"), Value(-1.0));
  ParamStore::global().clear();
  const Value by_bad = call_builtin(
      "AutoDelta", {location_scale_model()},
      {{"init_loc_fn", call_builtin("init_to_value", {}, {{"values", bad}})}});
  EXPECT_NE(error_of([&] { call0(by_bad); }).find("outside the site's support"), std::string::npos);
}

TEST_F(AutoguideTest, VectorizedParticlesBroadcastThePackedLatent) {
  const Value model = model_of([](const CallArgs&) {
    const Value mu = site("mu", normal(0, 1));
    const Value s = site("s", half_normal(1.0));
    effect_plate_enter(make_str("data"), Value(3), CallArgs{});
    const Value obs = tensor_value(at::tensor({0.1f, 0.5f, -0.2f}));
    site("y", normal(mu, s), &obs);
    effect_plate_exit(make_str("data"));
    return Value();
  });
  const Value elbo = call_builtin("Trace_ELBO", {},
                                  {{"num_particles", Value(4)}, {"vectorize_particles", Value(true)}});
  for (const char* name : {"AutoNormal", "AutoDiagonalNormal", "AutoMultivariateNormal"}) {
    const Value guide = call_builtin(name, {model});
    const Value loss = call_method_of(elbo, "loss", {model, guide});
    EXPECT_TRUE(std::isfinite(loss.as_float())) << name;
  }
}

// mu ~ Normal(0, 1); y[0..2] ~ Normal(mu, 1), observed unless y is None.
Value predictive_model() {
  return model_of([](const CallArgs& args) {
    const Value mu = site("mu", normal(0, 1));
    effect_plate_enter(make_str("data"), Value(3), CallArgs{});
    site("y", normal(mu, Value(1.0)), args.npos > 0 ? &args.pos[0] : nullptr);
    effect_plate_exit(make_str("data"));
    return mu;
  });
}

TEST_F(AutoguideTest, PredictiveStacksDrawsGivenPosteriorSamples) {
  Value samples = make_dict();
  const at::Tensor mus = at::arange(7, at::kFloat) * 20;
  samples.as<DictObject>()->set(make_str("mu"), tensor_value(mus));
  for (const bool parallel : {false, true}) {
    const Value pred = call_builtin("Predictive", {predictive_model(), samples},
                                    {{"parallel", Value(parallel)}});
    const ArgList none{Value()};
    const Value out = call_value(pred, none.view());
    EXPECT_EQ(out.as<DictObject>()->size(), 1u);  // mu is given, so only y
    const at::Tensor ys = T(item(out, "y"));
    ASSERT_EQ(ys.sizes().vec(), std::vector<int64_t>({7, 3})) << parallel;
    EXPECT_TRUE(((ys - mus.unsqueeze(1)).abs() < 6).all().item<bool>()) << parallel;
    const Value all = call_builtin(
        "Predictive", {predictive_model(), samples},
        {{"parallel", Value(parallel)}, {"return_sites", list_of({make_str("mu"), make_str("_RETURN")})}});
    const Value both = call_value(all, none.view());
    EXPECT_TRUE(at::equal(T(item(both, "mu")), mus)) << parallel;
    EXPECT_TRUE(at::equal(T(item(both, "_RETURN")), mus)) << parallel;
  }
}

TEST_F(AutoguideTest, PredictiveRunsTheModelOnGuideDraws) {
  const Value data = tensor_value(at::tensor({0.2f, 0.4f, 0.3f}));
  const Value guide = call_builtin("AutoNormal", {predictive_model()});
  const ArgList with_data{data};
  call_value(guide, with_data.view());
  const Value pred = call_builtin("Predictive", {predictive_model()},
                                  {{"guide", guide}, {"num_samples", Value(5)}});
  const ArgList none{Value()};
  const Value out = call_value(pred, none.view());
  EXPECT_EQ(out.as<DictObject>()->size(), 1u);  // mu comes from the guide
  EXPECT_EQ(T(item(out, "y")).sizes().vec(), std::vector<int64_t>({5, 3}));
}

TEST_F(AutoguideTest, PredictiveNamesAnUnknownReturnSite) {
  const Value pred = call_builtin("Predictive", {predictive_model()},
                                  {{"num_samples", Value(2)}, {"return_sites", list_of({make_str("nope")})}});
  EXPECT_NE(error_of([&] { call0(pred); })
                .find("return_sites names 'nope', which is not a sample site of the model"),
            std::string::npos);
  EXPECT_NE(error_of([&] { call_builtin("Predictive", {predictive_model()}); }).find("num_samples"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln::rt::testing
