#include "inference/mcmc/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>


namespace kiln::rt {

namespace {

// A terminal line is redrawn at most this often: drawing every iteration
// of a fast model would cost more than sampling it.
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
constexpr int64_t kPlainLines = 10;

std::string short_float(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

}  // namespace

ProgressBoard::ProgressBoard(int64_t num_chains, bool enabled)
    : status_(static_cast<size_t>(num_chains), "waiting"),
      divergences_(static_cast<size_t>(num_chains), 0),
      enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) != 0) {}

void ProgressBoard::set(int64_t chain, std::string status, int64_t divergences, bool force) {
  if (!enabled_ || !terminal_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  status_.at(static_cast<size_t>(chain)) = std::move(status);
  divergences_.at(static_cast<size_t>(chain)) = divergences;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && !force && now - last_drawn_ < kRedrawInterval) return;
  last_drawn_ = now;
  std::string line = "chains:";
  int64_t total_divergences = 0;
  for (size_t c = 0; c < status_.size(); ++c) {
    line += (c == 0 ? " " : ", ") + std::to_string(c + 1) + " " + status_[c];
    total_divergences += divergences_[c];
  }
  line += "; " + std::to_string(total_divergences) + (total_divergences == 1 ? " divergence" : " divergences");
  std::fflush(stdout);
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBoard::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!drawn_) return;
  std::fputc('\n', stderr);
  std::fflush(stderr);
  drawn_ = false;
}

ChainProgress::ChainProgress(int64_t chain, int64_t num_chains, int64_t num_warmup, int64_t num_samples,
                             bool enabled, ProgressBoard* board)
    : label_("chain " + std::to_string(chain + 1) + (num_chains > 1 ? "/" + std::to_string(num_chains) : "")),
      chain_(chain),
      board_(board),
      num_warmup_(num_warmup),
      num_samples_(num_samples),
      enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) != 0),
      refresh_(std::max<int64_t>(1, (num_warmup + num_samples) / kPlainLines)) {}

void ChainProgress::update(bool warmup, int64_t done, double step_size, int64_t divergences) {
  if (!enabled_) return;
  const int64_t total = warmup ? num_warmup_ : num_samples_;
  const std::string phase = warmup ? "warmup " : "sampling ";
  const std::string counts = phase + std::to_string(done) + "/" + std::to_string(total);
  if (!terminal_) {
    const int64_t overall = (warmup ? 0 : num_warmup_) + done;
    if (overall % refresh_ == 0 || done == total) show(label_ + ": " + counts, true);
    return;
  }
  if (board_ != nullptr) {
    const int64_t percent = total > 0 ? 100 * done / total : 100;
    board_->set(chain_, phase + std::to_string(percent) + "%", divergences, done == total);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && done != total && now - last_drawn_ < kRedrawInterval) return;
  last_drawn_ = now;
  show(label_ + ": " + counts + ", step size " + short_float(step_size) + ", " +
           std::to_string(divergences) + (divergences == 1 ? " divergence" : " divergences"),
       false);
}

void ChainProgress::finish() {
  if (!enabled_ || !terminal_ || !drawn_) return;
  std::fputc('\n', stderr);
  std::fflush(stderr);
  drawn_ = false;
}

void ChainProgress::show(const std::string& line, bool final_line) {
  std::fflush(stdout);
  if (final_line) {
    std::fprintf(stderr, "%s\n", line.c_str());
  } else {
    // Carriage return, the line, then erase what a longer previous line left.
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
    drawn_ = true;
  }
  std::fflush(stderr);
}

}  // namespace kiln::rt
