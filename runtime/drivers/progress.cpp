#include "runtime/drivers/progress.h"

#include <cmath>
#include <cstdio>

namespace kiln::rt {

namespace {

// Four significant digits: enough to see a loss settle, short enough to read.
std::string short_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

}  // namespace

ProgressReport::ProgressReport(std::ostream& out, bool terminal, int64_t total_steps, int64_t every,
                               int64_t first_step, size_t average_window)
    : out_(out),
      terminal_(terminal),
      total_(total_steps),
      every_(every < 1 ? 1 : every),
      window_(average_window),
      last_time_(Clock::now()),
      last_step_(first_step - 1) {}

std::string ProgressReport::line(int64_t step, double average, double ms_per_step) const {
  std::string text = "step " + std::to_string(step) + "/" + std::to_string(total_);
  if (terminal_) {
    const int filled = total_ > 0 ? static_cast<int>(kBarWidth * step / total_) : kBarWidth;
    std::string bar(static_cast<size_t>(kBarWidth), ' ');
    for (int i = 0; i < filled && i < kBarWidth; ++i) bar[static_cast<size_t>(i)] = '=';
    if (filled < kBarWidth) bar[static_cast<size_t>(filled)] = '>';
    text += " [" + bar + "]";
  }
  text += " loss " + short_number(average) + " (avg of last " + std::to_string(window_) + ")";
  if (std::isfinite(ms_per_step)) text += " " + short_number(ms_per_step) + " ms/step";
  return text;
}

void ProgressReport::update(int64_t step, double average) {
  const Clock::time_point now = Clock::now();
  const double seconds = std::chrono::duration<double>(now - last_time_).count();
  const bool last = step == total_;
  if (terminal_ ? !(last || seconds >= kRedrawSeconds) : !(last || step % every_ == 0)) return;
  const double ms_per_step = step > last_step_ ? 1e3 * seconds / static_cast<double>(step - last_step_) : NAN;
  const std::string text = line(step, average, ms_per_step);
  if (terminal_) {
    // Pad over the tail of a longer previous line.
    const size_t pad = drawn_width_ > text.size() ? drawn_width_ - text.size() : 0;
    out_ << '\r' << text << std::string(pad, ' ') << std::flush;
    drawn_width_ = text.size();
  } else {
    out_ << text << '\n' << std::flush;
  }
  last_time_ = now;
  last_step_ = step;
}

void ProgressReport::finish() {
  if (terminal_ && drawn_width_ > 0) out_ << '\n' << std::flush;
  drawn_width_ = 0;
}

}  // namespace kiln::rt
