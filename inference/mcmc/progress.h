// Progress of one MCMC chain on standard error. On a terminal, one line
// rewritten in place:
//   chain 1/4: warmup 150/1000, step size 0.43, 0 divergences
// otherwise (a log file, a test harness), a plain line at every tenth of
// the chain's iterations, as CmdStan's refresh:
//   chain 1/4: warmup 100/1000
// Disabled (MCMC(disable_progbar=True)), it prints nothing. Standard output
// is flushed first so the two streams interleave in order.
//
// Chains running in parallel share one terminal line, a ProgressBoard:
//   chains: 1 warmup 15%, 2 warmup 14%, 3 sampling 2%, 4 waiting; 0 divergences
// (plain lines need no board: each is written whole by one call).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace kiln::rt {

class ProgressBoard {
 public:
  ProgressBoard(int64_t num_chains, bool enabled);
  ~ProgressBoard() { finish(); }
  ProgressBoard(const ProgressBoard&) = delete;
  ProgressBoard& operator=(const ProgressBoard&) = delete;

  // Chain `chain`'s status ("warmup 15%") and its divergences so far;
  // redrawn at most every 100 ms unless `force`.
  void set(int64_t chain, std::string status, int64_t divergences, bool force);
  // Ends the line.
  void finish();
  bool terminal() const { return terminal_; }

 private:
  std::mutex mutex_;
  std::vector<std::string> status_;
  std::vector<int64_t> divergences_;
  bool enabled_, terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_drawn_;
};

class ChainProgress {
 public:
  // `chain` is 0-based; shown 1-based as CmdStan does.
  // With a `board` on a terminal, the chain's status goes to the board's
  // shared line instead of a line of its own.
  ChainProgress(int64_t chain, int64_t num_chains, int64_t num_warmup, int64_t num_samples,
                bool enabled, ProgressBoard* board = nullptr);
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
  int64_t chain_;
  ProgressBoard* board_;
  int64_t num_warmup_, num_samples_;
  bool enabled_, terminal_;
  int64_t refresh_;  // plain mode: iterations between lines
  std::chrono::steady_clock::time_point last_drawn_;
  bool drawn_ = false;
};

}  // namespace kiln::rt
