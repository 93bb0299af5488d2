#include "inference/mcmc/chain_runner.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "frontend/large_stack.h"
#include "inference/mcmc/kernel.h"
#include "inference/mcmc/potential.h"
#include "inference/mcmc/progress.h"
#include "runtime/errors.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/interpreter.h"
#include "runtime/objects.h"
#include "stdlib/arg_checks.h"
#include "stdlib/random.h"

namespace kiln::rt {

namespace {

// Mixed into a chain's seed for its prototype run's stream.
constexpr uint64_t kPrototypeStream = 0x70726f746f747970ull;  // "prototyp"

// Threads for `num_chains` parallel chains: one per core, at most one per chain.
size_t worker_count(size_t num_chains) {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min(num_chains, cores);
}

std::string site_list(const std::vector<LatentBlock>& blocks) {
  std::string out;
  for (const LatentBlock& b : blocks)
    out += (out.empty() ? "" : ", ") + b.name + (b.shape.empty() ? "" : " " + shape_to_string(b.shape));
  return out.empty() ? "none" : out;
}

void check_same_sites(const McmcKernel& kernel, const Potential& chain, const Potential& reference) {
  const std::vector<LatentBlock>& a = chain.blocks();
  const std::vector<LatentBlock>& b = reference.blocks();
  bool same = a.size() == b.size();
  for (size_t i = 0; same && i < a.size(); ++i) same = a[i].name == b[i].name && a[i].shape == b[i].shape;
  if (!same)
    raise(kernel.name() + ": the model's latent sites differ between runs (" + site_list(a) + " in one, " +
              site_list(b) + " in another)",
          "HMC and NUTS need the same latent sites with the same shapes in every run of the model");
}

ChainResult run_one_chain(const McmcKernel& kernel, const CallArgs& args, const ChainSettings& settings,
                          const Potential& reference) {
  const GeneratorScope prototype_stream(
      make_seeded_generator(chain_seed(settings.seed, settings.chain) ^ kPrototypeStream));
  const Potential potential(kernel.model(), args, kernel.name());
  check_same_sites(kernel, potential, reference);
  return run_chain(kernel, potential, settings);
}

// LibTorch's intra-op thread count for the scope, restored after.
class IntraOpThreads {
 public:
  explicit IntraOpThreads(int n) : previous_(at::get_num_threads()) { at::set_num_threads(n); }
  ~IntraOpThreads() { at::set_num_threads(previous_); }
  IntraOpThreads(const IntraOpThreads&) = delete;
  IntraOpThreads& operator=(const IntraOpThreads&) = delete;

 private:
  int previous_;
};

std::vector<ChainResult> run_parallel(const Value& kernel_value, const CallArgs& args,
                                      std::vector<ChainSettings>& settings, const Potential& reference,
                                      size_t workers) {
  // Everything the chains read is shared between threads: made immortal
  // here, while this is the only thread running.
  make_immortal(kernel_value);
  for (const ChainSettings& s : settings) make_immortal(s.initial_params);
  for (size_t i = 0; i < args.npos; ++i) make_immortal(args.pos[i]);
  for (size_t i = 0; i < args.nkw; ++i) make_immortal(args.kw_values[i]);
  const McmcKernel& kernel = *as_mcmc_kernel(kernel_value);
  Interpreter* interpreter = Interpreter::current();
  std::vector<std::unique_ptr<Interpreter>> forks;
  for (size_t w = 0; w < workers; ++w) forks.push_back(interpreter != nullptr ? interpreter->fork() : nullptr);

  ProgressBoard board(static_cast<int64_t>(settings.size()), settings.front().progress);
  std::atomic<bool> cancel{false};
  for (ChainSettings& s : settings) {
    if (board.terminal()) s.board = &board;
    s.cancel = &cancel;
  }
  std::vector<ChainResult> results(settings.size());
  std::vector<std::exception_ptr> errors(settings.size());
  std::atomic<size_t> next_chain{0};
  std::vector<std::function<void()>> jobs;
  for (size_t w = 0; w < workers; ++w) {
    jobs.emplace_back([&, w] {
      const CurrentInterpreter current(forks[w].get());
      for (size_t c = next_chain++; c < settings.size() && !cancel.load(); c = next_chain++) {
        try {
          results[c] = run_one_chain(kernel, args, settings[c], reference);
        } catch (const ChainCancelled&) {
          errors[c] = std::current_exception();
        } catch (...) {
          errors[c] = std::current_exception();
          cancel.store(true);
        }
      }
    });
  }
  {
    const IntraOpThreads one_each(1);
    run_in_parallel_with_large_stacks(jobs);
  }
  board.finish();
  // The first real error: a cancelled chain only stopped because of one.
  for (const std::exception_ptr& e : errors) {
    if (!e) continue;
    try {
      std::rethrow_exception(e);
    } catch (const ChainCancelled&) {
    }
  }
  return results;
}

}  // namespace

std::vector<ChainResult> run_chains(const Value& kernel_value, const CallArgs& args,
                                    std::vector<ChainSettings> settings, const Potential& reference, bool parallel) {
  const McmcKernel* kernel = as_mcmc_kernel(kernel_value);
  if (kernel == nullptr) raise("run_chains: not an HMC or NUTS kernel");
  const size_t workers = worker_count(settings.size());
  if (parallel && workers > 1 && handler_stack_depth() == 0)
    return run_parallel(kernel_value, args, settings, reference, workers);
  std::vector<ChainResult> results;
  for (const ChainSettings& s : settings) results.push_back(run_one_chain(*kernel, args, s, reference));
  return results;
}

}  // namespace kiln::rt
