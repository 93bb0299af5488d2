#include "runtime/drivers/loss_log.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "frontend/source.h"
#include "runtime/atomic_file.h"
#include "runtime/errors.h"

namespace kiln::rt {

namespace {

constexpr const char* kHeader = "step,loss\n";

std::string format_row(int64_t step, double loss) {
  char buffer[64];
  char* end = std::to_chars(buffer, buffer + sizeof buffer, step).ptr;
  *end++ = ',';
  end = std::to_chars(end, buffer + sizeof buffer, loss).ptr;
  *end++ = '\n';
  return std::string(buffer, end);
}

}  // namespace

LossLog::LossLog(std::string path, std::optional<int64_t> resume_step) : path_(std::move(path)) {
  if (resume_step) {
    load_rows_up_to(*resume_step);
    std::string kept = kHeader;
    for (size_t i = 0; i < steps_.size(); ++i) kept += format_row(steps_[i], losses_[i]);
    write_file_atomically(path_, kept);
    file_ = std::fopen(path_.c_str(), "a");
  } else {
    file_ = std::fopen(path_.c_str(), "w");
    if (file_ != nullptr) std::fputs(kHeader, file_);
  }
  if (file_ == nullptr) raise("cannot write " + path_ + ": " + std::strerror(errno));
}

LossLog::~LossLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void LossLog::load_rows_up_to(int64_t last_step) {
  std::string text, error;
  if (!read_file(path_, text, error)) return;  // no log to keep: the plot starts at the checkpoint
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t comma = line.find(',');
    if (comma == std::string::npos) continue;
    int64_t step = 0;
    double loss = 0;
    const char* begin = line.data();
    const char* end = begin + line.size();
    if (std::from_chars(begin, begin + comma, step).ec != std::errc()) continue;  // the header
    if (std::from_chars(begin + comma + 1, end, loss).ec != std::errc()) continue;
    if (step < 1 || step > last_step || (!steps_.empty() && step <= steps_.back())) continue;
    steps_.push_back(step);
    losses_.push_back(loss);
  }
}

void LossLog::add(int64_t step, double loss) {
  steps_.push_back(step);
  losses_.push_back(loss);
  const std::string row = format_row(step, loss);
  if (std::fputs(row.c_str(), file_) < 0) raise("cannot write " + path_ + ": " + std::strerror(errno));
  if (step % kFlushEvery == 0) flush();
}

void LossLog::flush() {
  if (std::fflush(file_) != 0) raise("cannot write " + path_ + ": " + std::strerror(errno));
}

double LossLog::average_of_last(size_t window) const {
  const size_t n = std::min(window, losses_.size());
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (size_t i = losses_.size() - n; i < losses_.size(); ++i) sum += losses_[i];
  return sum / static_cast<double>(n);
}

}  // namespace kiln::rt
