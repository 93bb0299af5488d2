// HMC, NUTS and the MCMC driver (inference/mcmc/). The samplers' statistics
// are checked on analytic Gaussian potentials (microseconds per gradient,
// so thousands of draws cost little); the model pipeline -- potential,
// initialization, errors, MCMC, CSV output -- on small models written in C++
// with effect sites. Every Monte Carlo check uses the run's own Monte Carlo
// standard error (inference/mcmc/diagnostics.h) and a fixed seed.
#include <ATen/ATen.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "inference/mcmc/adaptation.h"
#include "inference/mcmc/diagnostics.h"
#include "inference/mcmc/hmc.h"
#include "inference/mcmc/kernel.h"
#include "inference/mcmc/mcmc.h"
#include "inference/mcmc/nuts.h"
#include "inference/mcmc/potential.h"
#include "runtime/effects.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/distributions/normal.h"
#include "stdlib/random.h"

namespace kiln::rt::testing {
namespace {

// Monte Carlo checks pass when the estimate is within this many standard
// errors: a false alarm has probability ~6e-5 per check.
constexpr double kStandardErrors = 4.0;

// ---------------------------------------------------------------- analytic potentials

// U(x) = 1/2 x^T P x for a precision matrix P (row-major, dim x dim).
PotentialGradient gaussian_potential(std::vector<double> precision) {
  return [precision](const std::vector<double>& x, std::vector<double>& grad) {
    const size_t n = x.size();
    grad.assign(n, 0.0);
    double u = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) grad[i] += precision[i * n + j] * x[j];
      u += 0.5 * x[i] * grad[i];
    }
    return u;
  };
}

std::vector<double> diagonal_precision(size_t dim, double sd) {
  std::vector<double> p(dim * dim, 0.0);
  for (size_t i = 0; i < dim; ++i) p[i * dim + i] = 1 / (sd * sd);
  return p;
}

// Neal's funnel: y ~ Normal(0, 3), x_i ~ Normal(0, exp(y / 2)), i = 1..9;
// coordinate 0 is y. Its neck defeats any single step size: divergences.
double funnel_potential(const std::vector<double>& q, std::vector<double>& grad) {
  const double y = q[0];
  const size_t k = q.size() - 1;
  grad.assign(q.size(), 0.0);
  double sum_sq = 0;
  for (size_t i = 1; i < q.size(); ++i) {
    sum_sq += q[i] * q[i];
    grad[i] = q[i] * std::exp(-y);
  }
  grad[0] = y / 9 - 0.5 * sum_sq * std::exp(-y) + 0.5 * static_cast<double>(k);
  return y * y / 18 + 0.5 * sum_sq * std::exp(-y) + 0.5 * static_cast<double>(k) * y;
}

struct SamplerRun {
  std::vector<std::vector<double>> draws;  // per coordinate
  std::vector<DrawStats> stats;
  double step_size = 0;
  std::vector<double> inverse_metric;
  int64_t leapfrogs = 0;
};

HmcSettings nuts_settings(bool full_mass = false, bool adapt_mass_matrix = true) {
  HmcSettings s;
  s.who = "NUTS";
  s.adaptation.full_mass = full_mass;
  s.adaptation.adapt_mass_matrix = adapt_mass_matrix;
  return s;
}

template <class Sampler>
SamplerRun run_sampler(PotentialGradient potential, std::vector<double> start, const HmcSettings& settings,
                       int64_t warmup, int64_t draws, uint64_t seed) {
  GeneratorScope generator(make_seeded_generator(seed));
  Sampler sampler(std::move(potential), static_cast<int64_t>(start.size()), settings);
  sampler.start(start);
  sampler.begin_warmup(warmup);
  for (int64_t i = 0; i < warmup; ++i) sampler.warmup_transition();
  sampler.end_warmup();
  SamplerRun run;
  run.draws.assign(start.size(), {});
  for (int64_t i = 0; i < draws; ++i) {
    const DrawStats d = sampler.transition();
    run.stats.push_back(d);
    run.leapfrogs += d.n_leapfrog;
    for (size_t k = 0; k < start.size(); ++k) run.draws[k].push_back(sampler.position()[k]);
  }
  run.step_size = sampler.step_size();
  run.inverse_metric = sampler.metric().inverse();
  return run;
}

// One chain's draws as the (chains, draws) tensor the diagnostics take.
at::Tensor chain_of(const std::vector<double>& xs) {
  return at::tensor(at::ArrayRef<double>(xs), at::TensorOptions().dtype(at::kDouble)).reshape({1, -1});
}

std::vector<double> product(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] * b[i];
  return out;
}

// The mean of xs is within kStandardErrors Monte Carlo standard errors of `expected`.
void expect_mean_near(const std::vector<double>& xs, double expected, const std::string& what) {
  const at::Tensor t = chain_of(xs);
  const double mean = t.mean().item<double>();
  const double mcse = mcse_mean(t);
  ASSERT_TRUE(std::isfinite(mcse)) << what;
  EXPECT_NEAR(mean, expected, kStandardErrors * mcse) << what << ": mcse " << mcse;
}

double mean_accept_stat(const SamplerRun& run) {
  double s = 0;
  for (const DrawStats& d : run.stats) s += d.accept_stat;
  return s / static_cast<double>(run.stats.size());
}

TEST(Nuts, StandardNormalMomentsAndAcceptance) {
  const SamplerRun run = run_sampler<NutsSampler>(gaussian_potential(diagonal_precision(3, 1.0)),
                                                  {1.5, -1.0, 0.5}, nuts_settings(), 1000, 2000, 1);
  for (size_t k = 0; k < 3; ++k) {
    expect_mean_near(run.draws[k], 0.0, "mean of x" + std::to_string(k));
    expect_mean_near(product(run.draws[k], run.draws[k]), 1.0, "E[x^2] of x" + std::to_string(k));
  }
  // Dual averaging aims the warmup's acceptance at 0.8; the averaged step
  // size it keeps is a little smaller, so sampling accepts more, as in Stan
  // (about 0.9 here).
  const double accept = mean_accept_stat(run);
  EXPECT_GT(accept, 0.75);
  EXPECT_LT(accept, 0.97);
  for (const DrawStats& d : run.stats) {
    EXPECT_FALSE(d.divergent);
    EXPECT_GE(d.tree_depth, 1);
    EXPECT_LE(d.n_leapfrog, (int64_t{1} << d.tree_depth) - 1);
    EXPECT_DOUBLE_EQ(d.step_size, run.step_size);
  }
}

TEST(Nuts, StepSizeFollowsTheScaleWithoutAMassMatrix) {
  // sd 0.01 and a unit metric: the step size must shrink with the scale.
  const SamplerRun small = run_sampler<NutsSampler>(gaussian_potential(diagonal_precision(3, 0.01)),
                                                    {0.01, 0.0, -0.01},
                                                    nuts_settings(false, /*adapt_mass_matrix=*/false), 500,
                                                    200, 2);
  EXPECT_GT(small.step_size, 0.003);
  EXPECT_LT(small.step_size, 0.03);
  EXPECT_EQ(small.inverse_metric, std::vector<double>(3, 1.0));
  // With the metric adapted, it learns the variance 1e-4 and the step size
  // returns to the unit problem's.
  const SamplerRun adapted = run_sampler<NutsSampler>(gaussian_potential(diagonal_precision(3, 0.01)),
                                                      {0.01, 0.0, -0.01}, nuts_settings(), 1000, 200, 3);
  EXPECT_GT(adapted.step_size, 0.3);
  EXPECT_LT(adapted.step_size, 3.0);
  for (double v : adapted.inverse_metric) {
    EXPECT_GT(v, 0.5e-4);
    EXPECT_LT(v, 2e-4);
  }
}

TEST(Nuts, DenseMassMatrixHandlesStrongCorrelation) {
  // Correlation 0.99: covariance [[1, .99], [.99, 1]].
  const double rho = 0.99, det = 1 - rho * rho;
  const std::vector<double> precision = {1 / det, -rho / det, -rho / det, 1 / det};
  const SamplerRun dense = run_sampler<NutsSampler>(gaussian_potential(precision), {0.5, 0.4},
                                                    nuts_settings(/*full_mass=*/true), 1000, 2000, 4);
  const SamplerRun diag = run_sampler<NutsSampler>(gaussian_potential(precision), {0.5, 0.4},
                                                   nuts_settings(/*full_mass=*/false), 1000, 2000, 4);
  for (size_t k = 0; k < 2; ++k) {
    expect_mean_near(dense.draws[k], 0.0, "dense mean x" + std::to_string(k));
    expect_mean_near(product(dense.draws[k], dense.draws[k]), 1.0, "dense variance x" + std::to_string(k));
  }
  expect_mean_near(product(dense.draws[0], dense.draws[1]), rho, "dense covariance");
  // The adapted dense metric is close to the covariance.
  ASSERT_EQ(dense.inverse_metric.size(), 4u);
  EXPECT_NEAR(dense.inverse_metric[1] / std::sqrt(dense.inverse_metric[0] * dense.inverse_metric[3]), rho,
              0.01);
  // Effective draws per gradient evaluation: the dense metric turns the
  // problem isotropic, the diagonal one needs long trajectories.
  const double dense_rate = bulk_ess(chain_of(dense.draws[0])) / static_cast<double>(dense.leapfrogs);
  const double diag_rate = bulk_ess(chain_of(diag.draws[0])) / static_cast<double>(diag.leapfrogs);
  EXPECT_GT(dense_rate, 3 * diag_rate) << "dense " << dense_rate << ", diag " << diag_rate;
}

TEST(Nuts, FunnelNeckDiverges) {
  // Deep in the neck (y = -6: the x's have scale 0.05) a step size of 0.5
  // is far past the leapfrog's stability limit: the energy error explodes
  // at once, every transition is divergent and the chain stays put.
  std::vector<double> start(10, 0.01);
  start[0] = -6.0;
  HmcSettings s = nuts_settings(false, /*adapt_mass_matrix=*/false);
  s.adaptation.adapt_step_size = false;
  s.step_size = 0.5;
  const SamplerRun run = run_sampler<NutsSampler>(funnel_potential, start, s, 0, 20, 5);
  for (size_t i = 0; i < run.stats.size(); ++i) {
    EXPECT_TRUE(run.stats[i].divergent) << "draw " << i;
    EXPECT_LT(run.stats[i].accept_stat, 0.01);
    EXPECT_EQ(run.draws[0][i], -6.0);
  }
}

TEST(Nuts, TreeDepthIsCapped) {
  HmcSettings s = nuts_settings();
  s.max_tree_depth = 2;
  s.adaptation.adapt_step_size = false;
  s.step_size = 0.01;  // far too small: every trajectory wants to go on
  const SamplerRun run =
      run_sampler<NutsSampler>(gaussian_potential(diagonal_precision(2, 1.0)), {0.3, 0.3}, s, 0, 50, 6);
  for (const DrawStats& d : run.stats) {
    EXPECT_EQ(d.tree_depth, 2);
    EXPECT_EQ(d.n_leapfrog, 3);
  }
}

TEST(Hmc, StandardNormalMoments) {
  HmcSettings s = nuts_settings();
  s.who = "HMC";
  // About a quarter period of the oscillation: nearly independent draws. (A
  // whole period, the 2 pi default, brings a Gaussian back where it started.)
  s.trajectory_length = 1.7;
  const SamplerRun run = run_sampler<HmcSampler>(gaussian_potential(diagonal_precision(2, 1.0)), {1.0, -1.0},
                                                 s, 500, 2000, 7);
  for (size_t k = 0; k < 2; ++k) {
    expect_mean_near(run.draws[k], 0.0, "HMC mean x" + std::to_string(k));
    expect_mean_near(product(run.draws[k], run.draws[k]), 1.0, "HMC E[x^2] x" + std::to_string(k));
  }
  // The number of steps follows the adapted step size.
  EXPECT_EQ(run.stats.front().n_leapfrog,
            std::max<int64_t>(1, static_cast<int64_t>(std::floor(1.7 / run.step_size))));
}

// ---------------------------------------------------------------- adaptation

TEST(Adaptation, WindowsFollowStan) {
  EXPECT_EQ(AdaptationWindows(1000).window_ends(), (std::vector<int64_t>{99, 149, 249, 449, 949}));
  // Short warmups: 15% / 75% / 10%.
  const AdaptationWindows short_warmup(100);
  EXPECT_EQ(short_warmup.window_ends(), (std::vector<int64_t>{89}));
  EXPECT_FALSE(short_warmup.collects(14));
  EXPECT_TRUE(short_warmup.collects(15));
  EXPECT_TRUE(short_warmup.collects(89));
  EXPECT_FALSE(short_warmup.collects(90));
  EXPECT_TRUE(AdaptationWindows(19).window_ends().empty());
  EXPECT_FALSE(AdaptationWindows(19).collects(10));
}

TEST(Adaptation, DualAveragingConvergesOnTheTarget) {
  // A fake sampler whose acceptance falls with the step size: a(e) = exp(-e),
  // so the target 0.8 is met at e = -log(0.8).
  DualAveraging da(0.8);
  da.restart(1.0);
  double e = 1.0;
  for (int i = 0; i < 2000; ++i) e = da.update(std::exp(-e));
  EXPECT_NEAR(da.final_step_size(0.0), -std::log(0.8), 0.01);
}

TEST(Adaptation, RegularizedVarianceAsStan) {
  CovarianceEstimator est(1, false);
  for (double x : {1.0, 2.0, 3.0, 4.0, 5.0}) est.add({x});
  // sample variance 2.5, n = 5: (5/10) * 2.5 + 1e-3 * (5/10)
  EXPECT_NEAR(est.regularized()[0], 1.25 + 0.0005, 1e-12);
}

// ---------------------------------------------------------------- models

// A model written in C++.
class NativeModel final : public Object {
 public:
  explicit NativeModel(std::function<Value(const CallArgs&)> f) : Object(ObjKind::kNative), f_(std::move(f)) {}
  std::string type_name() const override { return "function"; }
  std::string to_string() const override { return "<function model>"; }
  Value call(const CallArgs& args) override { return f_(args); }

 private:
  std::function<Value(const CallArgs&)> f_;
};

Value model_of(std::function<Value(const CallArgs&)> f) { return make_value(new NativeModel(std::move(f))); }

Value site(const std::string& name, const Value& dist, const Value* obs = nullptr) {
  return effect_sample(make_str(name), dist, obs, CallArgs{});
}

Value vector_normal(int64_t n) {
  return as_distribution(Normal::make(tensor_value(at::zeros({n})), tensor_value(at::ones({n}))))->to_event(1);
}

Value normal3_model() {
  return model_of([](const CallArgs&) { return site("x", vector_normal(3)); });
}

McmcOptions small_run(int64_t warmup, int64_t samples, int64_t chains, uint64_t seed) {
  McmcOptions o;
  o.num_samples = samples;
  o.warmup_steps = warmup;
  o.num_chains = chains;
  o.seed = seed;
  o.disable_progbar = true;
  return o;
}

// MCMC(NUTS(model), ...) built from C++, run with no arguments.
Value run_nuts(const Value& model, McmcOptions options, KernelOptions kernel = {}) {
  const Value k = make_value(new McmcKernel(KernelKind::kNuts, model, std::move(kernel)));
  Value mcmc = make_value(new Mcmc(k, std::move(options)));
  dynamic_cast<Mcmc*>(mcmc.obj())->run(CallArgs{});
  return mcmc;
}

Mcmc& mcmc_of(const Value& v) { return *dynamic_cast<Mcmc*>(v.obj()); }

TEST(Potential, EnergyAndGradientIncludeTheJacobian) {
  // sigma ~ HalfNormal(1) sampled as z = log(sigma):
  //   -U(z) = log sqrt(2 / pi) - sigma^2 / 2 + z,   dU/dz = sigma^2 - 1.
  const Value model = model_of([](const CallArgs&) { return site("sigma", call_builtin("HalfNormal", {Value(1.0)})); });
  const Potential u(model, CallArgs{}, "NUTS");
  ASSERT_EQ(u.dim(), 1);
  EXPECT_EQ(u.blocks()[0].name, "sigma");
  const double z = 0.3, sigma = std::exp(z);
  std::vector<double> grad;
  const double energy = u.evaluate({z}, grad);
  EXPECT_NEAR(energy, -(0.5 * std::log(2 / M_PI) - sigma * sigma / 2 + z), 1e-5);
  EXPECT_NEAR(grad[0], sigma * sigma - 1, 1e-5);
  double constrained = 0;
  u.constrain({z}, &constrained);
  EXPECT_NEAR(constrained, sigma, 1e-12);
}

TEST(Potential, EachSiteGetsItsOwnLeafAndOnlyTransformedSitesAJacobian) {
  // x ~ Normal(0, I_3) (float32, Independent: identity-transformed),
  // s ~ HalfNormal(1) sampled as z = log s, y = 0.5 observed ~ Normal(sum(x), s):
  //   -U = sum log N(x_i) + log HalfNormal(s) + z + log N(0.5 | sum x, s)
  //   -dU/dx_i = -x_i + r / s^2,   -dU/dz = -s^2 + r^2 / s^2,   r = 0.5 - sum x.
  const Value model = model_of([](const CallArgs&) {
    const Value x = site("x", vector_normal(3));
    const Value s = site("s", call_builtin("HalfNormal", {Value(1.0)}));
    const Value y = tensor_value(at::scalar_tensor(0.5));
    site("y", Normal::make(tensor_value(tensor_of(x).sum()), s), &y);
    return Value();
  });
  const Potential u(model, CallArgs{}, "NUTS");
  ASSERT_EQ(u.dim(), 4);
  ASSERT_EQ(u.blocks().size(), 2u);
  EXPECT_EQ(u.blocks()[0].name, "x");
  EXPECT_TRUE(u.blocks()[0].identity);
  EXPECT_EQ(u.blocks()[0].dtype, at::kFloat);
  EXPECT_FALSE(u.blocks()[1].identity);
  const std::vector<double> z = {0.2, -0.4, 0.7, 0.3};
  const double s = std::exp(z[3]), r = 0.5 - (z[0] + z[1] + z[2]);
  const double log_sqrt_2pi = 0.5 * std::log(2 * M_PI);
  double minus_u = 0.5 * std::log(2 / M_PI) - s * s / 2 + z[3] - std::log(s) - log_sqrt_2pi - r * r / (2 * s * s);
  for (int i = 0; i < 3; ++i) minus_u += -log_sqrt_2pi - z[i] * z[i] / 2;
  std::vector<double> grad;
  EXPECT_NEAR(u.evaluate(z, grad), -minus_u, 1e-5);
  ASSERT_EQ(grad.size(), 4u);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(grad[i], -(-z[i] + r / (s * s)), 1e-5) << "x[" << i << "]";
  EXPECT_NEAR(grad[3], -(-s * s + r * r / (s * s)), 1e-5);
  const at::Tensor raw = u.raw_gradient(z);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(raw[i].item<double>(), grad[i], 1e-12);
  std::vector<at::Tensor> log_jacobians;
  u.trace_at(z, log_jacobians);
  ASSERT_EQ(log_jacobians.size(), 2u);
  EXPECT_EQ(log_jacobians[0].item<double>(), 0.0);
  EXPECT_NEAR(log_jacobians[1].item<double>(), z[3], 1e-12);
}

TEST(Potential, DiscreteSiteIsRefusedByName) {
  const Value model = model_of([](const CallArgs&) { return site("k", call_builtin("Bernoulli", {Value(0.5)})); });
  const std::string error = error_of([&] { const Potential u(model, CallArgs{}, "NUTS"); });
  EXPECT_NE(error.find("NUTS cannot sample the discrete site 'k' (Bernoulli)"), std::string::npos) << error;
}

TEST(Mcmc, NoValidInitialPointNamesTheSite) {
  const Value model = model_of([](const CallArgs&) {
    const Value x = site("x", Normal::make(Value(0.0), Value(1.0)));
    effect_factor(make_str("wall"), tensor_value(at::tensor(-INFINITY)));
    return x;
  });
  const std::string error = error_of([&] { run_nuts(model, small_run(10, 10, 1, 0)); });
  EXPECT_NE(error.find("NUTS: no valid initial point in 100 attempts"), std::string::npos) << error;
  EXPECT_NE(error.find("site 'wall' has log_prob -inf"), std::string::npos) << error;
}

TEST(Mcmc, InitialParamsMustNameLatentSites) {
  McmcOptions o = small_run(10, 10, 1, 0);
  o.initial_params = make_dict();
  o.initial_params.as<DictObject>()->set(make_str("y"), Value(1.0));
  const std::string error = error_of([&] { run_nuts(normal3_model(), o); });
  EXPECT_NE(error.find("initial_params names 'y', which is not a latent site"), std::string::npos) << error;
}

TEST(Mcmc, SamplesAStandardNormalModel) {
  const Value mcmc = run_nuts(normal3_model(), small_run(300, 300, 2, 11));
  const Mcmc& m = mcmc_of(mcmc);
  const Value grouped = m.get_samples(true);
  const at::Tensor x = T(*grouped.as<DictObject>()->find(make_str("x")));
  EXPECT_EQ(x.sizes().vec(), (std::vector<int64_t>{2, 300, 3}));
  EXPECT_EQ(x.scalar_type(), at::kFloat);  // the model's dtype
  const at::Tensor flat = T(*m.get_samples(false).as<DictObject>()->find(make_str("x")));
  EXPECT_EQ(flat.sizes().vec(), (std::vector<int64_t>{600, 3}));
  for (int64_t k = 0; k < 3; ++k) {
    const at::Tensor xk = x.select(2, k).to(at::kDouble);
    EXPECT_NEAR(xk.mean().item<double>(), 0.0, kStandardErrors * mcse_mean(xk));
    EXPECT_LT(split_rhat(xk), 1.05);
  }
  EXPECT_EQ(m.num_divergences(), 0);
  const Value diagnostics = m.diagnostics();
  EXPECT_NE(diagnostics.as<DictObject>()->find(make_str("divergences")), nullptr);
  EXPECT_NE(m.summary_text(0.9).find("x[0]"), std::string::npos);
}

TEST(Mcmc, SameSeedSameDraws) {
  const Value a = run_nuts(normal3_model(), small_run(30, 20, 2, 5));
  const Value b = run_nuts(normal3_model(), small_run(30, 20, 2, 5));
  const Value c = run_nuts(normal3_model(), small_run(30, 20, 2, 6));
  auto x = [](const Value& m) { return T(*mcmc_of(m).get_samples(true).as<DictObject>()->find(make_str("x"))); };
  EXPECT_TRUE(at::equal(x(a), x(b)));
  EXPECT_FALSE(at::equal(x(a), x(c)));
  // Chains draw from different streams.
  EXPECT_FALSE(at::equal(x(a)[0], x(a)[1]));
}

TEST(Mcmc, CountsDivergencesPerChain) {
  // The funnel as a model, started in its neck with a step size far too
  // large (see Nuts.FunnelNeckDiverges): every draw is divergent.
  const Value model = model_of([](const CallArgs&) {
    const Value y = site("y", Normal::make(Value(0.0), Value(3.0)));
    const at::Tensor scale = (T(y) / 2).exp().expand({9});
    site("x", as_distribution(Normal::make(tensor_value(at::zeros({9})), tensor_value(scale)))->to_event(1));
    return y;
  });
  McmcOptions o = small_run(0, 5, 1, 8);
  o.initial_params = make_dict();
  o.initial_params.as<DictObject>()->set(make_str("y"), Value(-6.0));
  o.initial_params.as<DictObject>()->set(make_str("x"), tensor_value(at::full({9}, 0.01)));
  KernelOptions k;
  k.step_size = 0.5;
  k.adapt_step_size = false;
  k.adapt_mass_matrix = false;
  const Value mcmc = run_nuts(model, o, k);
  EXPECT_EQ(mcmc_of(mcmc).num_divergences(), 5);
  const Value diagnostics = mcmc_of(mcmc).diagnostics();
  const Value* per_chain = diagnostics.as<DictObject>()->find(make_str("divergences"));
  ASSERT_NE(per_chain, nullptr);
  EXPECT_EQ(to_str(*per_chain), "{'chain 0': [0, 1, 2, 3, 4]}");
}

TEST(Mcmc, StreamsOneCmdStanCsvPerChain) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("kiln_nuts_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  McmcOptions o = small_run(20, 10, 2, 3);
  o.output = (dir / "draws.csv").string();
  run_nuts(normal3_model(), o);
  for (const char* name : {"draws_1.csv", "draws_2.csv"}) {
    std::ifstream in(dir / name);
    ASSERT_TRUE(in) << name;
    std::string line, header;
    int64_t rows = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      if (header.empty()) {
        header = line;
      } else {
        ++rows;
      }
    }
    EXPECT_EQ(header, "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,x.1,x.2,x.3");
    EXPECT_EQ(rows, 10);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kiln::rt::testing
