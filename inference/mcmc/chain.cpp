#include "inference/mcmc/chain.h"

#include <ATen/ATen.h>

#include <chrono>
#include <memory>

#include "inference/mcmc/initialization.h"
#include "inference/mcmc/kernel.h"
#include "inference/mcmc/potential.h"
#include "inference/mcmc/progress.h"
#include "inference/mcmc/stan_csv_writer.h"
#include "runtime/interrupt.h"
#include "stdlib/random.h"

namespace kiln::rt {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void stop_if_asked(const ChainSettings& settings) {
  if (g_interrupt_requested.load(std::memory_order_relaxed)) raise_interrupted();
  if (settings.cancel != nullptr && settings.cancel->load(std::memory_order_relaxed)) throw ChainCancelled{};
}

StanDrawStats stan_stats(const DrawStats& d) {
  StanDrawStats s;
  s.lp = d.lp;
  s.accept_stat = d.accept_stat;
  s.stepsize = d.step_size;
  s.treedepth = d.tree_depth;
  s.n_leapfrog = d.n_leapfrog;
  s.divergent = d.divergent;
  s.energy = d.energy;
  return s;
}

std::unique_ptr<StanCsvWriter> open_csv(const McmcKernel& kernel, const Potential& potential,
                                        const ChainSettings& settings) {
  if (settings.csv_path.empty()) return nullptr;
  const KernelOptions& o = kernel.options();
  StanCsvConfig config;
  config.model_name = settings.model_name;
  config.data_file = settings.data_file;
  config.engine = kernel.kind() == KernelKind::kNuts ? "nuts" : "static";
  config.num_samples = settings.num_samples;
  config.num_warmup = settings.num_warmup;
  config.adapt_engaged = settings.num_warmup > 0 && (o.adapt_step_size || o.adapt_mass_matrix);
  config.adapt_delta = o.target_accept_prob;
  config.max_depth = o.max_tree_depth;
  config.int_time = kernel.trajectory_length();
  config.metric = kernel.metric_name();
  config.stepsize = o.step_size;
  config.chain_id = settings.chain + 1;
  config.seed = settings.seed;
  config.output_file = settings.csv_path;
  std::vector<std::string> names;
  for (const LatentBlock& b : potential.blocks())
    for (std::string& n : stan_column_names(b.name, b.shape)) names.push_back(std::move(n));
  return std::make_unique<StanCsvWriter>(settings.csv_path, stan_csv_config_lines(config), names);
}

// One draw's values in the CSV's order: each site column-major, as Stan.
at::Tensor stan_row(const Potential& potential, const double* row) {
  std::vector<at::Tensor> parts;
  for (const LatentBlock& b : potential.blocks()) {
    const at::Tensor value =
        at::from_blob(const_cast<double*>(row + b.value_offset), {b.value_size},
                      at::TensorOptions().dtype(at::kDouble))
            .reshape(b.shape);
    parts.push_back(stan_column_values(value));
  }
  return at::cat(parts);
}

at::Tensor metric_tensor(const McmcKernel& kernel, const Metric& metric) {
  if (!kernel.options().adapt_mass_matrix) return at::Tensor();  // unit_e: nothing to report
  const std::vector<double>& m = metric.inverse();
  const at::Tensor flat = at::tensor(at::ArrayRef<double>(m), at::TensorOptions().dtype(at::kDouble));
  return metric.dense() ? flat.reshape({metric.dim(), metric.dim()}) : flat;
}

}  // namespace

uint64_t chain_seed(uint64_t seed, int64_t chain) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(chain + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

ChainResult run_chain(const McmcKernel& kernel, const Potential& potential, const ChainSettings& settings) {
  GeneratorScope generator(make_seeded_generator(chain_seed(settings.seed, settings.chain)));
  const std::vector<double> z0 = find_initial_point(potential, kernel.init_strategy(), settings.initial_params);
  std::unique_ptr<HmcSampler> sampler = kernel.make_sampler(
      [&potential](const std::vector<double>& q, std::vector<double>& grad) {
        return potential.evaluate(q, grad);
      },
      potential.dim());
  sampler->start(z0);
  std::unique_ptr<StanCsvWriter> csv = open_csv(kernel, potential, settings);
  ChainProgress progress(settings.chain, settings.num_chains, settings.num_warmup, settings.num_samples,
                         settings.progress, settings.board);
  ChainResult r;

  const Clock::time_point warmup_start = Clock::now();
  int64_t divergences = 0;
  sampler->begin_warmup(settings.num_warmup);
  for (int64_t i = 0; i < settings.num_warmup; ++i) {
    stop_if_asked(settings);
    divergences += sampler->warmup_transition().divergent ? 1 : 0;
    progress.update(true, i + 1, sampler->step_size(), divergences);
  }
  sampler->end_warmup();
  r.warmup_seconds = seconds_since(warmup_start);
  r.step_size = sampler->step_size();
  r.inverse_metric = sampler->metric().inverse();
  if (csv) csv->write_adaptation(r.step_size, metric_tensor(kernel, sampler->metric()));

  const Clock::time_point sampling_start = Clock::now();
  const int64_t width = potential.value_dim();
  r.values.resize(static_cast<size_t>(settings.num_samples * width));
  r.stats.reserve(static_cast<size_t>(settings.num_samples));
  divergences = 0;
  for (int64_t i = 0; i < settings.num_samples; ++i) {
    stop_if_asked(settings);
    const DrawStats d = sampler->transition();
    double* row = r.values.data() + i * width;
    potential.constrain(sampler->position(), row);
    r.stats.push_back(d);
    if (csv) csv->write_draw(stan_stats(d), stan_row(potential, row));
    divergences += d.divergent ? 1 : 0;
    progress.update(false, i + 1, d.step_size, divergences);
  }
  progress.finish();
  r.sampling_seconds = seconds_since(sampling_start);
  if (csv) {
    csv->write_timing(r.warmup_seconds, r.sampling_seconds);
    csv->close();
  }
  return r;
}

}  // namespace kiln::rt
