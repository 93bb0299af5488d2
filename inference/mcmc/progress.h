// Progress of one MCMC chain on standard error. On a terminal, one line
// rewritten in place:
//   chain 1/4: warmup 150/1000, step size 0.43, 0 divergences
// otherwise (a log file, a test harness), a plain line at every tenth of
// the chain's iterations, as CmdStan's refresh:
//   chain 1/4: warmup 100/1000
// Disabled (MCMC(disable_progbar=True)), it prints nothing. Standard output
// is flushed first so the two streams interleave in order.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kiln::rt {

class ChainProgress {
 public:
  // `chain` is 0-based; shown 1-based as CmdStan does.
  ChainProgress(int64_t chain, int64_t num_chains, int64_t num_warmup, int64_t num_samples,
                bool enabled);
  // After iteration `done` (1-based within its phase) of warmup or sampling.
  void update(bool warmup, int64_t done, double step_size, int64_t divergences);
  ~ChainProgress() { finish(); }
  ChainProgress(const ChainProgress&) = delete;
  ChainProgress& operator=(const ChainProgress&) = delete;
  // Ends the chain's line on a terminal (also when an error stops the chain).
  void finish();

 private:
  void show(const std::string& line, bool final_line);

  std::string label_;
  int64_t num_warmup_, num_samples_;
  bool enabled_, terminal_;
  int64_t refresh_;  // plain mode: iterations between lines
  std::chrono::steady_clock::time_point last_drawn_;
  bool drawn_ = false;
};

}  // namespace kiln::rt
