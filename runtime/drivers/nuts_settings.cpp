#include "runtime/drivers/nuts_settings.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "inference/mcmc/kernel.h"

namespace kiln::rt {

namespace {

std::string format_number(double x) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(x);
}

int64_t integer_at_least(const CommandOptions& o, const char* option, const std::string& flag, int64_t fallback,
                         int64_t lowest) {
  const int64_t value = o.integer(option, fallback);
  if (value < lowest)
    throw UsageError(flag + " must be at least " + std::to_string(lowest) + ", got " + std::to_string(value));
  return value;
}

// Checks that `path` can be created or overwritten, leaving the file system
// as it was (a file that did not exist is removed again).
void verify_writable(const std::string& path, const char* what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw UsageError("cannot write the " + std::string(what) + " to " + path + ": it is a directory");
  const bool existed = fs::exists(path, ec);
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr)
    throw UsageError("cannot write the " + std::string(what) + " to " + path + ": " + std::strerror(errno));
  std::fclose(file);
  if (!existed) fs::remove(path, ec);
}

void create_parent_directory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) throw UsageError("cannot create the directory " + parent.string() + " for " + path + ": " + ec.message());
}

}  // namespace

std::string insert_before_extension(const std::string& path, const std::string& suffix) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  // A dot that starts the file name ("dir/.hidden") is not an extension.
  const bool has_extension = dot != std::string::npos && (slash == std::string::npos ? dot > 0 : dot > slash + 1);
  return has_extension ? path.substr(0, dot) + suffix + path.substr(dot) : path + suffix;
}

NutsSettings NutsSettings::from_request(const DriveRequest& request) {
  const CommandOptions& o = request.options;
  NutsSettings s;
  s.model = o.string("model");
  if (s.model.empty()) throw UsageError("kiln nuts needs a model", "add --model NAME, a function of the file");
  s.data = o.string("data");
  s.samples = integer_at_least(o, "samples", "--samples", s.samples, 1);
  s.warmup = integer_at_least(o, "warmup", "--warmup", s.warmup, 0);
  s.chains = integer_at_least(o, "chains", "--chains", s.chains, 1);
  s.max_tree_depth = o.integer("max_tree_depth", s.max_tree_depth);
  if (s.max_tree_depth < 1 || s.max_tree_depth > McmcKernel::kMaxTreeDepthLimit)
    throw UsageError("--max-tree-depth must be from 1 to " + std::to_string(McmcKernel::kMaxTreeDepthLimit) + ", got " +
                     std::to_string(s.max_tree_depth));
  s.target_accept = o.number("target_accept", s.target_accept);
  if (!(s.target_accept > 0 && s.target_accept < 1))
    throw UsageError("--target-accept must lie strictly between 0 and 1, got " + format_number(s.target_accept),
                     "values from 0.8 (the default) to 0.99 trade speed for fewer divergences");
  s.dense = o.flag("dense");
  const std::string chain_method = o.string("chain_method", "parallel");
  if (chain_method != "parallel" && chain_method != "sequential")
    throw UsageError("--chain-method must be parallel or sequential, got '" + chain_method + "'",
                     "parallel runs the chains on one thread per core, sequential one after another");
  s.parallel = chain_method == "parallel";
  s.output = o.string("output", std::filesystem::path(request.path).stem().string() + "_nuts.csv");
  if (s.output.empty()) throw UsageError("--output must not be empty");
  s.summary_csv = o.string("summary_csv", insert_before_extension(s.output, "_summary"));
  if (s.summary_csv.empty()) throw UsageError("--summary-csv must not be empty");
  return s;
}

std::string NutsSettings::chain_csv_path(int64_t chain) const {
  if (chains == 1) return output;
  return insert_before_extension(output, "_" + std::to_string(chain + 1));
}

void verify_outputs_writable(const NutsSettings& settings) {
  for (int64_t c = 0; c < settings.chains; ++c) {
    const std::string path = settings.chain_csv_path(c);
    create_parent_directory(path);
    verify_writable(path, "draws");
    if (path == settings.summary_csv)
      throw UsageError("--summary-csv " + settings.summary_csv + " would overwrite the draws of chain " +
                       std::to_string(c + 1));
  }
  create_parent_directory(settings.summary_csv);
  verify_writable(settings.summary_csv, "summary");
}

void remove_earlier_outputs(const NutsSettings& settings) {
  std::error_code ec;
  for (int64_t c = 0; c < settings.chains; ++c) std::filesystem::remove(settings.chain_csv_path(c), ec);
  std::filesystem::remove(settings.summary_csv, ec);
}

}  // namespace kiln::rt
