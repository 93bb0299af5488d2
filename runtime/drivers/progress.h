// The progress report of a long command (`kiln svi`), on standard error.
// On a terminal, one line redrawn in place, at most every kRedrawSeconds:
//   step 1200/5000 [=======>               ] loss 153.2 (avg of last 100) 1.2 ms/step
// Otherwise (a log file, a pipe, a test) a plain line every `every` steps
// and at the last one:
//   step 1200/5000 loss 153.2 (avg of last 100) 1.2 ms/step
// ms/step is the wall time per step since the previous report.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace kiln::rt {

class ProgressReport {
 public:
  static constexpr double kRedrawSeconds = 0.1;  // fast enough to look live, rare enough to cost nothing
  static constexpr int kBarWidth = 24;

  // `first_step` is the step the run starts at (after a resumed checkpoint).
  ProgressReport(std::ostream& out, bool terminal, int64_t total_steps, int64_t every, int64_t first_step,
                 size_t average_window);

  // After each step: prints when it is time to. `average` is the mean loss
  // of the last average_window steps.
  void update(int64_t step, double average);
  // Ends the redrawn line so the next output starts on a line of its own.
  // Call before printing anything else to `out`.
  void finish();

 private:
  std::string line(int64_t step, double average, double ms_per_step) const;

  using Clock = std::chrono::steady_clock;
  std::ostream& out_;
  bool terminal_;
  int64_t total_, every_;
  size_t window_;
  Clock::time_point last_time_;
  int64_t last_step_;
  size_t drawn_width_ = 0;  // characters of the line on screen (terminal only)
};

}  // namespace kiln::rt
