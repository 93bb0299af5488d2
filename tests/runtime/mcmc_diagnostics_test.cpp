// MCMC diagnostics (R-hat, bulk/tail ESS, MCSE), the summary table and the
// Stan CSV writer and reader: exact values against an independent Python
// implementation, statistical behaviour on iid and AR(1) chains, degenerate
// input, the table and CSV formats, and CSV round trips.
#include <ATen/ATen.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "inference/mcmc/diagnostics.h"
#include "inference/mcmc/stan_csv_reader.h"
#include "inference/mcmc/stan_csv_writer.h"
#include "inference/mcmc/summary.h"
#include "runtime_test_util.h"
#include "stdlib/random.h"

namespace kiln::rt::testing {
namespace {

// ---------------------------------------------------------------------------
// Exact values. The expected numbers come from this standard-library-only
// Python implementation of the same definitions (direct-sum autocovariances,
// statistics.NormalDist for the normal scores), run with /usr/bin/python3:
//
//   import math
//   from statistics import NormalDist
//   def mean(v): return sum(v) / len(v)
//   def var(v): m = mean(v); return sum((x - m) ** 2 for x in v) / (len(v) - 1)
//   def split(chains):                      # odd length: the middle draw is dropped
//       out = []
//       for c in chains: h = len(c) // 2; out += [c[:h], c[len(c) - h:]]
//       return out
//   def quantile(v, p):                     # linear interpolation (R type 7)
//       s = sorted(v); h = (len(s) - 1) * p; lo = math.floor(h)
//       return s[lo] + (h - lo) * (s[min(lo + 1, len(s) - 1)] - s[lo])
//   def z_scale(chains):                    # average ranks for ties, Blom offset 3/8
//       flat = [x for c in chains for x in c]
//       order = sorted(range(len(flat)), key=lambda i: flat[i]); ranks = [0.0] * len(flat); i = 0
//       while i < len(order):
//           j = i
//           while j + 1 < len(order) and flat[order[j + 1]] == flat[order[i]]: j += 1
//           for k in range(i, j + 1): ranks[order[k]] = (i + j) / 2 + 1
//           i = j + 1
//       S = len(flat); n = len(chains[0])
//       z = [NormalDist().inv_cdf((r - 0.375) / (S + 0.25)) for r in ranks]
//       return [z[c * n:(c + 1) * n] for c in range(len(chains))]
//   def fold(chains):
//       med = quantile([x for c in chains for x in c], 0.5)
//       return [[abs(x - med) for x in c] for c in chains]
//   def constant(chains): return len({x for c in chains for x in c}) == 1
//   def rhat(chains):
//       if constant(chains): return math.nan
//       n = len(chains[0]); W = mean([var(c) for c in chains])
//       return math.sqrt(((n - 1) / n * W + var([mean(c) for c in chains])) / W)
//   def ess(chains):
//       if constant(chains): return math.nan
//       m, n = len(chains), len(chains[0])
//       acov = [[sum((c[i] - mean(c)) * (c[i + t] - mean(c)) for i in range(n - t)) / n
//                for t in range(n)] for c in chains]
//       W = mean([a[0] for a in acov]) * n / (n - 1)
//       vp = W * (n - 1) / n + var([mean(c) for c in chains])
//       rho = lambda t: 1 - (W - mean([a[t] for a in acov])) / vp
//       r = [0.0] * n; r[0] = 1.0; r[1] = rho(1); even, odd, t = 1.0, r[1], 0
//       while t < n - 5 and even + odd > 0:
//           t += 2; even, odd = rho(t), rho(t + 1)
//           if even + odd >= 0: r[t], r[t + 1] = even, odd
//       if even > 0: r[t] = even
//       for u in range(2, t - 1, 2):
//           if r[u] + r[u + 1] > r[u - 2] + r[u - 1]: r[u] = r[u + 1] = (r[u - 2] + r[u - 1]) / 2
//       tau = -1 + 2 * sum(r[:max(t, 1)]) + r[t]
//       return m * n / max(tau, 1 / math.log10(m * n))
//   def tail_ess(chains):
//       flat = [x for c in chains for x in c]
//       both = [ess(split([[float(x <= quantile(flat, p)) for x in c] for c in chains]))
//               for p in (0.05, 0.95)]
//       return min(e for e in both if not math.isnan(e))
//   def report(chains):
//       flat = [x for c in chains for x in c]
//       bulk, tail = rhat(z_scale(split(chains))), rhat(z_scale(split(fold(chains))))
//       print(mean(flat), math.sqrt(var(flat)), math.sqrt(var(flat) / ess(split(chains))),
//             quantile(flat, 0.05), quantile(flat, 0.5), quantile(flat, 0.95),
//             ess(z_scale(split(chains))), tail_ess(chains), max(bulk, tail),
//             rhat(split(chains)), bulk, tail, ess(split(chains)))
//   report([kChainA, kChainB]); report([kChainA[:19], kChainB[:19]]); report([kChainA])
// ---------------------------------------------------------------------------

// Two short chains, the second shifted up; ties (0.25 and 1.5 twice) test
// the average ranks.
const std::vector<double> kChainA = {0.12, -0.53, 0.25, 0.91, 1.5,  0.44,  -0.07, 0.25, 0.63, -1.2,
                                     0.88, 0.31,  -0.42, 1.07, 0.19, -0.66, 0.74,  1.5,  0.05, 0.37};
const std::vector<double> kChainB = {1.34, 0.98, 1.71, 0.56, 1.22, 2.05, 1.48, 0.87, 1.63, 1.11,
                                     0.72, 1.95, 1.39, 1.02, 2.31, 1.27, 0.93, 1.58, 1.84, 1.16};

// What report() prints, in its order.
struct Expected {
  DrawStatistics stats;
  double basic_rhat, bulk_rhat, tail_rhat, mean_ess;
};

at::Tensor chains(const std::vector<std::vector<double>>& rows, int64_t length) {
  std::vector<at::Tensor> parts;
  for (const auto& row : rows) parts.push_back(at::tensor(row, at::kDouble).narrow(0, 0, length));
  return at::stack(parts);
}

// FFT against direct sums and LibTorch's ndtri against NormalDist differ in
// the last few bits only.
void expect_close(double actual, double expected, const char* what) {
  EXPECT_NEAR(actual, expected, 1e-10 * std::max(1.0, std::abs(expected))) << what;
}

void expect_matches(const at::Tensor& draws, const Expected& e) {
  const DrawStatistics s = compute_draw_statistics(draws);
  expect_close(s.mean, e.stats.mean, "mean");
  expect_close(s.sd, e.stats.sd, "sd");
  expect_close(s.mcse_mean, e.stats.mcse_mean, "mcse_mean");
  expect_close(s.q5, e.stats.q5, "q5");
  expect_close(s.q50, e.stats.q50, "q50");
  expect_close(s.q95, e.stats.q95, "q95");
  expect_close(s.ess_bulk, e.stats.ess_bulk, "ess_bulk");
  expect_close(s.ess_tail, e.stats.ess_tail, "ess_tail");
  expect_close(s.r_hat, e.stats.r_hat, "r_hat");
  expect_close(split_rhat(draws), e.stats.r_hat, "split_rhat");
  expect_close(bulk_ess(draws), e.stats.ess_bulk, "bulk_ess");
  expect_close(tail_ess(draws), e.stats.ess_tail, "tail_ess");
  expect_close(mcse_mean(draws), e.stats.mcse_mean, "mcse_mean()");
  expect_close(basic_split_rhat(draws), e.basic_rhat, "basic_split_rhat");
  expect_close(bulk_rhat(draws), e.bulk_rhat, "bulk_rhat");
  expect_close(tail_rhat(draws), e.tail_rhat, "tail_rhat");
  expect_close(mean_ess(draws), e.mean_ess, "mean_ess");
}

TEST(McmcDiagnostics, TwoChainsMatchThePythonReference) {
  expect_matches(chains({kChainA, kChainB}, 20),
                 {{0.8362499999999999, 0.7847511037722692, 0.2966450302703742, -0.5365, 0.92, 1.9549999999999996,
                   7.090197501131201, 49.572649572649595, 1.3767661113105654},
                  1.3853064745047834, 1.3767661113105654, 0.9841807278237237, 6.998254249657082});
}

TEST(McmcDiagnostics, OddLengthDropsTheMiddleDrawAsThePythonReference) {
  expect_matches(chains({kChainA, kChainB}, 19),
                 {{0.84, 0.8002499609497021, 0.2614400749172938, -0.5495, 0.92, 1.9649999999999999, 9.842524521726872,
                   47.80327868852458, 1.3378654565121764},
                  1.3671824971592905, 1.3378654565121764, 0.9582341516004257, 9.369296970898938});
}

// One chain is split into halves. Its 95% quantile is its maximum (1.5,
// twice), so that indicator is constant and the tail ESS is the 5% one's.
TEST(McmcDiagnostics, SingleChainMatchesThePythonReference) {
  expect_matches(chains({kChainA}, 20),
                 {{0.3165, 0.6932325120689837, 0.13887374802135977, -0.6869999999999999, 0.28, 1.5,
                   24.928203080636997, 20.408163265306133, 0.962574922569325},
                  0.9643607290993591, 0.962574922569325, 0.9503154578806964, 24.918249602789828});
}

TEST(McmcDiagnostics, QuantilesInterpolateBetweenOrderStatistics) {
  const at::Tensor draws = at::tensor({5.0, 1.0, 4.0, 2.0, 3.0}, at::kDouble).reshape({1, 5});
  EXPECT_DOUBLE_EQ(draws_quantile(draws, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(draws_quantile(draws, 0.3), 2.2);  // h = 4 * 0.3 = 1.2
  EXPECT_DOUBLE_EQ(draws_quantile(draws, 1.0), 5.0);
  EXPECT_EQ(error_of([&] { draws_quantile(draws, 1.5); }), "draws_quantile(): prob must be in [0, 1], got 1.5");
}

// ---------------------------------------------------------------------------
// Statistical behaviour. Chains of 25000 draws, 4 chains; the spreads quoted
// were measured over 10 seeds with the Python reference (numpy FFT variant).

constexpr int64_t kChains = 4;
constexpr int64_t kLength = 25000;

// kChains stationary AR(1) chains x_t = rho x_{t-1} + e_t; their ESS is
// N (1 - rho) / (1 + rho).
at::Tensor ar1_chains(double rho, uint64_t seed) {
  seed_global_generator(seed);
  const at::Tensor noise = at::randn({kChains, kLength}, global_generator(), at::kDouble);
  at::Tensor out = at::empty({kChains, kLength}, at::kDouble);
  auto e = noise.accessor<double, 2>();
  auto x = out.accessor<double, 2>();
  for (int64_t c = 0; c < kChains; ++c) {
    x[c][0] = e[c][0] / std::sqrt(1.0 - rho * rho);  // a draw from the stationary law
    for (int64_t t = 1; t < kLength; ++t) x[c][t] = rho * x[c][t - 1] + e[c][t];
  }
  return out;
}

TEST(McmcDiagnostics, IidDrawsHaveEssNearTheirNumber) {
  // The estimates' relative spread is about 1.2%: 6% is 5 of those.
  const at::Tensor draws = ar1_chains(0.0, 11);
  const double n = kChains * kLength;
  EXPECT_NEAR(bulk_ess(draws) / n, 1.0, 0.06);
  EXPECT_NEAR(mean_ess(draws) / n, 1.0, 0.06);
  EXPECT_NEAR(tail_ess(draws) / n, 1.0, 0.06);
  EXPECT_LT(split_rhat(draws), 1.01);
}

TEST(McmcDiagnostics, Ar1EssMatchesTheoryWithinTenPercent) {
  // Relative spread about 2.2% (rho = 0.5) and 1.6% (rho = -0.3): 10% is
  // more than 4 of those. A negative rho makes antithetic chains whose ESS
  // exceeds the number of draws.
  for (const double rho : {0.5, -0.3}) {
    const at::Tensor draws = ar1_chains(rho, 12);
    const double expected = kChains * kLength * (1.0 - rho) / (1.0 + rho);
    EXPECT_NEAR(mean_ess(draws) / expected, 1.0, 0.10) << "rho " << rho;
    EXPECT_NEAR(bulk_ess(draws) / expected, 1.0, 0.10) << "rho " << rho;
  }
}

// 4 x 1000 iid normal draws: over 20 seeds R-hat stayed below 1.003 for
// identical chains and above 1.3 with one chain shifted by 2 sd.
TEST(McmcDiagnostics, RhatSeparatesShiftedChainsFromMixedOnes) {
  seed_global_generator(13);
  const at::Tensor same = at::randn({4, 1000}, global_generator(), at::kDouble);
  EXPECT_LT(split_rhat(same), 1.01);
  EXPECT_GT(split_rhat(same), 0.99);
  const at::Tensor shifted = same + at::tensor({2.0, 0.0, 0.0, 0.0}, at::kDouble).unsqueeze(1);
  EXPECT_GT(split_rhat(shifted), 1.2);
  EXPECT_GT(basic_split_rhat(shifted), 1.2);
}

// Chains that agree in location but not in scale fool the bulk R-hat; the
// folded draws expose them.
TEST(McmcDiagnostics, TailRhatCatchesChainsWithDifferentScales) {
  seed_global_generator(14);
  const at::Tensor draws =
      at::randn({4, 1000}, global_generator(), at::kDouble) * at::tensor({4.0, 1.0, 1.0, 1.0}, at::kDouble).unsqueeze(1);
  EXPECT_LT(bulk_rhat(draws), 1.01);
  EXPECT_GT(tail_rhat(draws), 1.1);
  EXPECT_DOUBLE_EQ(split_rhat(draws), tail_rhat(draws));
}

TEST(McmcDiagnostics, SplittingExposesATrendInASingleChain) {
  seed_global_generator(15);
  const at::Tensor draws =
      (at::randn({1000}, global_generator(), at::kDouble) + at::linspace(0.0, 3.0, 1000, at::kDouble)).unsqueeze(0);
  EXPECT_GT(split_rhat(draws), 1.3);
}

// ---------------------------------------------------------------------------
// Degenerate input.

TEST(McmcDiagnostics, ConstantDrawsGiveNanDiagnosticsAndExactMoments) {
  const at::Tensor draws = at::full({2, 50}, 3.0, at::kDouble);
  const DrawStatistics s = compute_draw_statistics(draws);
  EXPECT_EQ(s.mean, 3.0);
  EXPECT_EQ(s.sd, 0.0);
  EXPECT_EQ(s.q5, 3.0);
  EXPECT_EQ(s.q95, 3.0);
  EXPECT_TRUE(std::isnan(s.r_hat));
  EXPECT_TRUE(std::isnan(s.ess_bulk));
  EXPECT_TRUE(std::isnan(s.ess_tail));
  EXPECT_TRUE(std::isnan(s.mcse_mean));
  EXPECT_TRUE(std::isnan(basic_split_rhat(draws)));
}

// Each chain stuck at its own value: no within-chain variance at all.
TEST(McmcDiagnostics, ChainsStuckAtDifferentValuesHaveInfiniteRhat) {
  const at::Tensor draws = at::tensor({0.0, 1.0}, at::kDouble).unsqueeze(1).expand({2, 50}).contiguous();
  EXPECT_TRUE(std::isinf(split_rhat(draws)));
}

TEST(McmcDiagnostics, NonFiniteDrawsGiveNanDiagnostics) {
  seed_global_generator(16);
  at::Tensor draws = at::randn({2, 50}, global_generator(), at::kDouble);
  draws[1][7] = INFINITY;
  EXPECT_TRUE(std::isnan(split_rhat(draws)));
  EXPECT_TRUE(std::isnan(bulk_ess(draws)));
  EXPECT_TRUE(std::isnan(tail_ess(draws)));
  EXPECT_EQ(draws_quantile(draws, 1.0), INFINITY);
  draws[1][7] = NAN;
  const DrawStatistics s = compute_draw_statistics(draws);
  EXPECT_TRUE(std::isnan(s.mean));
  EXPECT_TRUE(std::isnan(s.q50));
  EXPECT_TRUE(std::isnan(s.r_hat));
  EXPECT_TRUE(std::isnan(s.ess_tail));
}

TEST(McmcDiagnostics, TooFewDrawsGiveNan) {
  const at::Tensor three = at::tensor({1.0, 2.0, 4.0, 0.5, 3.0, 1.5}, at::kDouble).reshape({2, 3});
  EXPECT_TRUE(std::isnan(split_rhat(three)));
  seed_global_generator(17);
  const at::Tensor five = at::randn({2, kMinDrawsForEss - 1}, global_generator(), at::kDouble);
  EXPECT_FALSE(std::isnan(split_rhat(five)));
  EXPECT_TRUE(std::isnan(bulk_ess(five)));
  EXPECT_TRUE(std::isnan(tail_ess(five)));
}

TEST(McmcDiagnostics, IntegerDrawsAreAccepted) {
  const at::Tensor draws = at::tensor({0, 1, 1, 0, 2, 1, 0, 1, 1, 2, 0, 1}, at::kLong).reshape({2, 6});
  EXPECT_DOUBLE_EQ(draws_quantile(draws, 0.5), 1.0);
  EXPECT_FALSE(std::isnan(split_rhat(draws)));
}

TEST(McmcDiagnostics, DrawsOfTheWrongShapeAreAnError) {
  EXPECT_EQ(error_of([] { split_rhat(at::zeros({5}, at::kDouble)); }),
            "split_rhat(): draws must have shape (chains, draws) with at least one chain, got shape (5,)");
  EXPECT_EQ(error_of([] { bulk_ess(at::zeros({0, 5}, at::kDouble)); }),
            "bulk_ess(): draws must have shape (chains, draws) with at least one chain, got shape (0, 5)");
}

// ---------------------------------------------------------------------------
// The summary table.

TEST(McmcSummary, ExpandsSitesIntoElementRowsNamedLikePyro) {
  seed_global_generator(21);
  const at::Tensor mu = at::randn({2, 40}, global_generator());  // float32 is fine
  const at::Tensor L = at::randn({2, 40, 2, 3}, global_generator(), at::kDouble);
  const std::vector<SummaryRow> rows = summarize({{"mu", mu}, {"L", L}});
  std::vector<std::string> names;
  for (const auto& row : rows) names.push_back(row.name);
  EXPECT_EQ(names, (std::vector<std::string>{"mu", "L[0,0]", "L[0,1]", "L[0,2]", "L[1,0]", "L[1,1]", "L[1,2]"}));
  const DrawStatistics s = compute_draw_statistics(L.select(3, 0).select(2, 1));  // L[1,0]
  EXPECT_DOUBLE_EQ(rows[4].mean, s.mean);
  EXPECT_DOUBLE_EQ(rows[4].q95, s.q95);
  EXPECT_DOUBLE_EQ(rows[4].ess_bulk, s.ess_bulk);
  EXPECT_DOUBLE_EQ(rows[4].r_hat, s.r_hat);
  EXPECT_DOUBLE_EQ(rows[0].mean, compute_draw_statistics(mu).mean);
}

TEST(McmcSummary, SamplesWithoutChainAndDrawDimsAreAnError) {
  EXPECT_EQ(error_of([] { summarize({{"mu", at::zeros({5})}}); }),
            "summarize(): the samples of 'mu' must have shape (chains, draws, ...), got shape (5,)");
}

// Fixed notation; huge and tiny spreads in scientific notation; a location
// near zero in a row of ordinary spread stays fixed (-0.00, as Pyro prints).
const std::vector<SummaryRow> kRows = {
    {"mu", 4.3812, 3.2901, 0.0812, -1.0701, 4.4003, 9.7204, 1642.364, 1321.2401, 1.0012},
    {"theta[10]", 0.00123, 2e6, NAN, -0.5, 0.0, 0.5, NAN, INFINITY, NAN},
    {"eps", 3.1e-4, 1.2e-4, 2e-6, 1.1e-4, 3e-4, 5.2e-4, 812.5, 1000.25, 1.004},
    {"z", -3.08e-4, 0.99, 0.02, -1.63, 0.0014, 1.61, 3774.16, 3844.33, 1.0},
};

TEST(McmcSummary, FormatsAFixedWidthTable) {
  EXPECT_EQ(format_summary(kRows),
            "               mean        sd      mcse    median      5.0%     95.0%  n_eff(bulk)  n_eff(tail)     r_hat\n"
            "       mu      4.38      3.29      0.08      4.40     -1.07      9.72      1642.36      1321.24      1.00\n"
            "theta[10]  1.23e-03  2.00e+06       nan  0.00e+00 -5.00e-01  5.00e-01          nan          inf       nan\n"
            "      eps  3.10e-04  1.20e-04  2.00e-06  3.00e-04  1.10e-04  5.20e-04       812.50      1000.25      1.00\n"
            "        z     -0.00      0.99      0.02      0.00     -1.63      1.61      3774.16      3844.33      1.00\n");
}

TEST(McmcSummary, WritesCsvWithQuotedNames) {
  std::vector<SummaryRow> rows = kRows;
  rows[0].name = "L[0,1]";
  EXPECT_EQ(summary_csv(rows),
            "name,mean,sd,mcse_mean,q5,q50,q95,ess_bulk,ess_tail,r_hat\n"
            "\"L[0,1]\",4.3812,3.2901,0.0812,-1.0701,4.4003,9.7204,1642.364,1321.2401,1.0012\n"
            "theta[10],0.00123,2000000,nan,-0.5,0,0.5,nan,inf,nan\n"
            "eps,0.00031,0.00012,2e-06,0.00011,0.0003,0.00052,812.5,1000.25,1.004\n"
            "z,-0.000308,0.99,0.02,-1.63,0.0014,1.61,3774.16,3844.33,1\n");
}

// ---------------------------------------------------------------------------
// The Stan CSV writer and reader.

class StanCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("kiln_stan_csv_test." + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::string write_file(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  std::vector<std::string> lines_of(const std::string& file) const {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  bool has_line(const std::vector<std::string>& lines, const std::string& line) const {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  }

  std::filesystem::path dir;
};

TEST(StanCsvNames, AreOneBasedAndColumnMajor) {
  EXPECT_EQ(stan_column_names("mu", {}), std::vector<std::string>{"mu"});
  EXPECT_EQ(stan_column_names("theta", {3}), (std::vector<std::string>{"theta.1", "theta.2", "theta.3"}));
  EXPECT_EQ(stan_column_names("L", {2, 3}),
            (std::vector<std::string>{"L.1.1", "L.2.1", "L.1.2", "L.2.2", "L.1.3", "L.2.3"}));
  const at::Tensor values = stan_column_values(at::arange(6, at::kFloat).reshape({2, 3}));
  EXPECT_TRUE(values.equal(at::tensor({0.0, 3.0, 1.0, 4.0, 2.0, 5.0}, at::kDouble)));
}

TEST(StanCsvConfigLines, NestLikeCmdStanAndMarkDefaults) {
  StanCsvConfig config;
  config.model_name = "eight_schools";
  config.num_samples = 500;
  config.seed = 42;
  config.chain_id = 2;
  config.output_file = "chain2.csv";
  const std::vector<std::string> lines = stan_csv_config_lines(config);
  for (const char* expected : {"model = eight_schools", "method = sample (Default)", "    num_samples = 500",
                               "    num_warmup = 1000 (Default)", "    save_warmup = 0 (Default)",
                               "    algorithm = hmc (Default)", "        engine = nuts (Default)",
                               "            max_depth = 10 (Default)", "        metric = diag_e (Default)",
                               "id = 2", "  seed = 42", "  file = chain2.csv"}) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), expected), lines.end()) << expected;
  }
  config.engine = "static";
  const std::vector<std::string> hmc = stan_csv_config_lines(config);
  EXPECT_NE(std::find(hmc.begin(), hmc.end(), "            int_time = 6.28319 (Default)"), hmc.end());
}

TEST_F(StanCsvTest, WritesCmdStanLayoutAndReadsItBack) {
  const std::string file = path("chain1.csv");
  StanCsvConfig config;
  config.model_name = "m";
  StanCsvWriter writer(file, stan_csv_config_lines(config), {"mu", "theta.1", "theta.2"});
  writer.write_adaptation(0.7, at::tensor({1.0, 2.5, 0.125}, at::kDouble));
  writer.write_draw({-4.5, 0.93, 0.7, 3, 7, false, 6.25}, at::tensor({1.5, -0.25, 2.0}, at::kFloat));
  writer.write_draw({-5.0, 0.5, 0.7, 2, 3, true, 7.0}, at::tensor({0.1, NAN, -INFINITY}, at::kDouble));
  writer.write_timing(1.5, 3.25);
  writer.close();
  EXPECT_EQ(writer.draws_written(), 2);

  const std::vector<std::string> lines = lines_of(file);
  EXPECT_EQ(lines.front(), "# model = m");
  for (const char* expected :
       {"lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,mu,theta.1,theta.2",
        "# Adaptation terminated", "# Step size = 0.7", "# Diagonal elements of inverse mass matrix:",
        "# 1, 2.5, 0.125", "-4.5,0.93,0.7,3,7,0,6.25,1.5,-0.25,2", "-5,0.5,0.7,2,3,1,7,0.1,nan,-inf",
        "#  Elapsed Time: 1.5 seconds (Warm-up)", "#                3.25 seconds (Sampling)",
        "#                4.75 seconds (Total)"}) {
    EXPECT_TRUE(has_line(lines, expected)) << expected;
  }

  const StanCsv read = read_stan_csv(file);
  EXPECT_EQ(read.column_names.size(), 10u);
  EXPECT_EQ(read.column("theta.2"), 9);
  EXPECT_EQ(read.column("sigma"), -1);
  ASSERT_EQ(read.draws.sizes(), (std::vector<int64_t>{2, 10}));
  EXPECT_EQ(read.draws[0][0].item<double>(), -4.5);
  EXPECT_EQ(read.draws[0][8].item<double>(), -0.25);
  EXPECT_EQ(read.draws[1][5].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(read.draws[1][7].item<double>(), 0.1);
  EXPECT_TRUE(std::isnan(read.draws[1][8].item<double>()));
  EXPECT_EQ(read.draws[1][9].item<double>(), -INFINITY);
  EXPECT_EQ(read.step_size, 0.7);
  EXPECT_TRUE(read.inverse_metric.equal(at::tensor({1.0, 2.5, 0.125}, at::kDouble)));
  EXPECT_EQ(read.comments.front(), " model = m");
}

// A killed run must keep every finished draw: each line is on disk at once.
TEST_F(StanCsvTest, EachDrawIsOnDiskBeforeTheNextOne) {
  const std::string file = path("live.csv");
  StanCsvWriter writer(file, {"model = m"}, {"x"});
  writer.write_draw({}, at::tensor({0.5}, at::kDouble));
  const StanCsv partial = read_stan_csv(file);
  ASSERT_EQ(partial.draws.size(0), 1);
  EXPECT_EQ(partial.draws[0][7].item<double>(), 0.5);
  writer.write_draw({}, at::tensor({1.5}, at::kDouble));
  EXPECT_EQ(read_stan_csv(file).draws.size(0), 2);
}

TEST_F(StanCsvTest, DenseMetricRoundTrips) {
  const std::string file = path("dense.csv");
  StanCsvWriter writer(file, {}, {"a", "b"});
  const at::Tensor metric = at::tensor({2.0, 0.5, 0.5, 1.0}, at::kDouble).reshape({2, 2});
  writer.write_adaptation(0.25, metric);
  writer.close();
  EXPECT_TRUE(has_line(lines_of(file), "# Elements of inverse mass matrix:"));
  const StanCsv read = read_stan_csv(file);
  EXPECT_TRUE(read.inverse_metric.equal(metric));
  EXPECT_EQ(read.draws.sizes(), (std::vector<int64_t>{0, 9}));
}

TEST_F(StanCsvTest, ReadsCmdStanSpellingsOfSpecialValues) {
  const std::string file =
      write_file("cmdstan.csv", "# comment\r\nlp__,x\r\n\r\n-1,+inf\r\n-2,NaN\r\n-3, 1e-3 \r\n# Elapsed\r\n");
  const StanCsv read = read_stan_csv(file);
  ASSERT_EQ(read.draws.size(0), 3);
  EXPECT_EQ(read.draws[0][1].item<double>(), INFINITY);
  EXPECT_TRUE(std::isnan(read.draws[1][1].item<double>()));
  EXPECT_EQ(read.draws[2][1].item<double>(), 1e-3);
  EXPECT_TRUE(std::isnan(read.step_size));
  EXPECT_FALSE(read.inverse_metric.defined());
}

TEST_F(StanCsvTest, MalformedFilesNameTheLine) {
  const std::string short_row = write_file("short.csv", "# c\nlp__,a,b\n1,2,3\n4,5\n");
  EXPECT_EQ(error_of([&] { read_stan_csv(short_row); }), short_row + ":4: expected 3 values as the header has, got 2");
  const std::string word = write_file("word.csv", "lp__,a\n1,abc\n");
  EXPECT_EQ(error_of([&] { read_stan_csv(word); }), word + ":2: column 2 (a): 'abc' is not a number");
  const std::string empty = write_file("empty.csv", "# only\n# comments\n");
  EXPECT_EQ(error_of([&] { read_stan_csv(empty); }),
            "the draws file '" + empty + "' has no header line (it is empty or holds only comments)");
  const std::string unnamed = write_file("unnamed.csv", "lp__,,b\n");
  EXPECT_EQ(error_of([&] { read_stan_csv(unnamed); }), unnamed + ":1: column 2 of the header has no name");
  const std::string metric = write_file("metric.csv", "lp__\n# Diagonal elements of inverse mass matrix:\n# 1, x\n");
  EXPECT_EQ(error_of([&] { read_stan_csv(metric); }),
            metric + ":3: expected the numbers of the inverse mass matrix after "
                     "'Diagonal elements of inverse mass matrix:', got ' 1, x'");
  const std::string missing = path("missing.csv");
  EXPECT_EQ(error_of([&] { read_stan_csv(missing); }),
            "cannot read the draws file '" + missing + "': No such file or directory");
}

TEST_F(StanCsvTest, WriterReportsUnwritablePathsAndBadNames) {
  const std::string nowhere = path("no/such/dir.csv");
  EXPECT_EQ(error_of([&] { StanCsvWriter(nowhere, {}, {"x"}); }),
            "cannot write the draws file '" + nowhere + "': No such file or directory");
  const std::string file = path("names.csv");
  EXPECT_EQ(error_of([&] { StanCsvWriter(file, {}, {"a,b"}); }),
            "the draws file '" + file +
                "' cannot have a column named 'a,b': CSV column names must be non-empty, without commas, quotes or "
                "line breaks");
}

}  // namespace
}  // namespace kiln::rt::testing
