// `kiln svi`'s loss.csv: a header line "step,loss", then one row per step,
// appended as the run goes and flushed every kFlushEvery steps, at every
// checkpoint and at the end, so a reader (or a plot) of a running fit sees
// its progress and a killed run keeps every row up to its last checkpoint.
// Losses are written in the shortest form that reads back as the same double.
//
//   LossLog log(dir + "/loss.csv", resume_step);   // nullopt: a new file
//   log.add(step, loss);
//   log.average_of_last(100);
//
// Resuming from step k keeps the rows of steps 1..k (rewritten atomically,
// dropping the rows a killed run wrote after its checkpoint) and appends
// after them. Failure: KilnError naming the file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace kiln::rt {

class LossLog {
 public:
  static constexpr int64_t kFlushEvery = 100;

  LossLog(std::string path, std::optional<int64_t> resume_step);
  ~LossLog();
  LossLog(const LossLog&) = delete;
  LossLog& operator=(const LossLog&) = delete;

  void add(int64_t step, double loss);
  void flush();

  // Every row so far, the kept ones of a resumed run included.
  const std::vector<int64_t>& steps() const { return steps_; }
  const std::vector<double>& losses() const { return losses_; }
  // The mean of the last `window` losses (fewer at the start); NaN if none.
  double average_of_last(size_t window) const;
  const std::string& path() const { return path_; }

 private:
  void load_rows_up_to(int64_t step);

  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<int64_t> steps_;
  std::vector<double> losses_;
};

}  // namespace kiln::rt
