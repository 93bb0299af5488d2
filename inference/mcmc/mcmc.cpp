#include "inference/mcmc/mcmc.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "inference/mcmc/chain_runner.h"
#include "inference/mcmc/diagnostics.h"
#include "inference/mcmc/kernel.h"
#include "inference/mcmc/potential.h"
#include "inference/mcmc/summary.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// Pyro's default summary interval: the 5% and 95% quantiles.
constexpr double kDefaultSummaryProb = 0.9;
// seed=None draws a seed in [0, 2^62) from the global generator.
constexpr int64_t kSeedRange = int64_t{1} << 62;

void warn(const std::string& text) {
  std::fflush(stdout);
  std::fprintf(stderr, "warning: %s\n", text.c_str());
  std::fflush(stderr);
}

std::string chain_key(size_t chain) { return "chain " + std::to_string(chain); }

// "model" from "<function model>".
std::string model_name(const Value& model) {
  std::string s = to_str(model);
  const std::string prefix = "<function ";
  if (s.rfind(prefix, 0) == 0 && s.back() == '>') return s.substr(prefix.size(), s.size() - prefix.size() - 1);
  return s;
}

std::string percent_label(double q) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100 * q);
  return text;
}

// Renames a right-aligned column title in the table's header, keeping the
// columns aligned: the title's field grows or shrinks into its left padding.
void relabel(std::string& header, const std::string& old_title, const std::string& new_title) {
  const size_t at = header.find(" " + old_title);
  if (at == std::string::npos) return;
  size_t begin = at + 1;
  std::string replacement = new_title;
  if (new_title.size() > old_title.size()) {
    size_t extra = new_title.size() - old_title.size();
    while (extra > 0 && begin > 0 && header[begin - 1] == ' ') {
      --begin;
      --extra;
    }
  } else {
    replacement.insert(0, old_title.size() - new_title.size(), ' ');
  }
  header.replace(begin, at + 1 + old_title.size() - begin, replacement);
}

Value int_list(const std::vector<int64_t>& xs) {
  std::vector<Value> items;
  for (int64_t x : xs) items.emplace_back(x);
  return make_list(std::move(items));
}

}  // namespace

Mcmc::Mcmc(Value kernel, McmcOptions options)
    : Object(ObjKind::kNative), kernel_value_(std::move(kernel)), options_(std::move(options)) {
  kernel_ = as_mcmc_kernel(kernel_value_);
  if (kernel_ == nullptr)
    raise("MCMC(): the kernel must be HMC(model) or NUTS(model), got " + rt::type_name(kernel_value_),
          "MCMC(NUTS(model), num_samples=1000)");
  if (options_.num_samples < 1)
    raise("MCMC(): num_samples must be at least 1, got " + std::to_string(options_.num_samples));
  if (options_.warmup_steps && *options_.warmup_steps < 0)
    raise("MCMC(): warmup_steps must be non-negative, got " + std::to_string(*options_.warmup_steps));
  if (options_.num_chains < 1)
    raise("MCMC(): num_chains must be at least 1, got " + std::to_string(options_.num_chains));
  if (options_.chain_method != "parallel" && options_.chain_method != "sequential")
    raise("MCMC(): chain_method must be \"parallel\" or \"sequential\", got \"" + options_.chain_method + "\"",
          "\"parallel\" runs the chains on threads, \"sequential\" one after another");
  if (!options_.initial_params.is_none() && !options_.initial_params.is(ObjKind::kDict))
    raise_arg_type("MCMC", "initial_params", "a dict of site name -> constrained value",
                   options_.initial_params);
}

int64_t Mcmc::num_warmup() const { return options_.warmup_steps.value_or(options_.num_samples); }

std::string Mcmc::chain_output_path(int64_t chain) const {
  if (options_.output.empty() || options_.num_chains == 1) return options_.output;
  // CmdStan's naming: output.csv -> output_1.csv, output_2.csv, ...
  const std::string& path = options_.output;
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  const bool has_extension = dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
  const std::string suffix = "_" + std::to_string(chain + 1);
  return has_extension ? path.substr(0, dot) + suffix + path.substr(dot) : path + suffix;
}

void Mcmc::run(const CallArgs& args) {
  chains_.clear();
  sites_.clear();
  const Potential potential(kernel_->model(), args, kernel_->name());
  for (const LatentBlock& b : potential.blocks())
    sites_.push_back(Site{b.name, b.shape, b.value_offset, b.value_size, b.dtype});
  value_dim_ = potential.value_dim();
  const uint64_t seed =
      options_.seed ? *options_.seed
                    : static_cast<uint64_t>(
                          at::randint(0, kSeedRange, {}, global_generator(), at::TensorOptions().dtype(at::kLong))
                              .item<int64_t>());
  std::vector<ChainSettings> settings;
  for (int64_t c = 0; c < options_.num_chains; ++c) {
    ChainSettings s;
    s.chain = c;
    s.num_chains = options_.num_chains;
    s.num_warmup = num_warmup();
    s.num_samples = options_.num_samples;
    s.seed = seed;
    s.initial_params = options_.initial_params;
    s.progress = !options_.disable_progbar;
    s.csv_path = chain_output_path(c);
    s.model_name = model_name(kernel_->model());
    settings.push_back(std::move(s));
  }
  chains_ = run_chains(kernel_value_, args, std::move(settings), potential, options_.chain_method == "parallel");
  report_problems();
}

void Mcmc::verify_ran(const std::string& who) const {
  if (!has_run()) raise(who + "(): there are no draws yet", "call mcmc.run(*args) first");
}

std::vector<std::pair<std::string, at::Tensor>> Mcmc::samples_by_chain() const {
  verify_ran("MCMC.get_samples");
  const int64_t n = options_.num_samples;
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const Site& site : sites_) {
    std::vector<at::Tensor> per_chain;
    for (const ChainResult& chain : chains_) {
      const at::Tensor rows = at::from_blob(const_cast<double*>(chain.values.data()), {n, value_dim_},
                                            at::TensorOptions().dtype(at::kDouble));
      std::vector<int64_t> shape = {n};
      shape.insert(shape.end(), site.shape.begin(), site.shape.end());
      per_chain.push_back(rows.narrow(1, site.offset, site.size).reshape(shape).clone());
    }
    out.emplace_back(site.name, at::stack(per_chain));
  }
  return out;
}

Value Mcmc::get_samples(bool group_by_chain) const {
  Value dict = make_dict();
  size_t i = 0;
  for (auto& [name, draws] : samples_by_chain()) {
    at::Tensor t = draws.to(sites_[i++].dtype);
    if (!group_by_chain) {
      std::vector<int64_t> shape = {t.size(0) * t.size(1)};
      for (int64_t d = 2; d < t.dim(); ++d) shape.push_back(t.size(d));
      t = t.reshape(shape);
    }
    dict.as<DictObject>()->set(make_str(name), make_tensor(t));
  }
  return dict;
}

int64_t Mcmc::num_divergences() const {
  int64_t n = 0;
  for (const ChainResult& c : chains_)
    for (const DrawStats& d : c.stats) n += d.divergent ? 1 : 0;
  return n;
}

int64_t Mcmc::num_saturated_trees() const {
  if (kernel_->kind() != KernelKind::kNuts) return 0;
  int64_t n = 0;
  for (const ChainResult& c : chains_)
    for (const DrawStats& d : c.stats) n += d.tree_depth >= kernel_->options().max_tree_depth ? 1 : 0;
  return n;
}

std::string Mcmc::summary_text(double prob) const {
  verify_ran("MCMC.summary");
  if (!(prob > 0 && prob < 1))
    raise("MCMC.summary(): prob must lie strictly between 0 and 1, got " + format_float(prob));
  const auto samples = samples_by_chain();
  std::vector<SummaryRow> rows = summarize(samples);
  const double lower = (1 - prob) / 2, upper = (1 + prob) / 2;
  const bool default_interval = std::abs(prob - kDefaultSummaryProb) < 1e-12;
  if (!default_interval) {
    size_t r = 0;
    for (const auto& [name, draws] : samples) {
      const at::Tensor elements = draws.reshape({draws.size(0), draws.size(1), -1});
      for (int64_t k = 0; k < elements.size(2); ++k, ++r) {
        rows[r].q5 = draws_quantile(elements.select(2, k), lower);
        rows[r].q95 = draws_quantile(elements.select(2, k), upper);
      }
    }
  }
  std::string table = format_summary(rows);
  if (!default_interval) {
    // The table titles its interval columns 5.0% and 95.0%.
    const size_t eol = table.find('\n');
    std::string header = table.substr(0, eol);
    relabel(header, "95.0%", percent_label(upper));
    relabel(header, "5.0%", percent_label(lower));
    table = header + table.substr(eol);
  }
  return table + "\nNumber of divergences: " + std::to_string(num_divergences()) + "\n";
}

Value Mcmc::diagnostics() const {
  verify_ran("MCMC.diagnostics");
  Value out = make_dict();
  auto* dict = out.as<DictObject>();
  for (const auto& [name, draws] : samples_by_chain()) {
    const at::Tensor elements = draws.reshape({draws.size(0), draws.size(1), -1});
    std::vector<double> n_eff, r_hat;
    for (int64_t k = 0; k < elements.size(2); ++k) {
      n_eff.push_back(bulk_ess(elements.select(2, k)));
      r_hat.push_back(split_rhat(elements.select(2, k)));
    }
    const at::IntArrayRef shape = draws.sizes().slice(2);
    const auto options = at::TensorOptions().dtype(at::kDouble);
    Value site = make_dict();
    site.as<DictObject>()->set(make_str("n_eff"),
                               make_tensor(at::tensor(at::ArrayRef<double>(n_eff), options).reshape(shape)));
    site.as<DictObject>()->set(make_str("r_hat"),
                               make_tensor(at::tensor(at::ArrayRef<double>(r_hat), options).reshape(shape)));
    dict->set(make_str(name), site);
  }
  Value divergences = make_dict(), acceptance = make_dict(), saturation = make_dict(), step_size = make_dict();
  for (size_t c = 0; c < chains_.size(); ++c) {
    const ChainResult& chain = chains_[c];
    std::vector<int64_t> divergent;
    double accept = 0;
    int64_t saturated = 0;
    for (size_t i = 0; i < chain.stats.size(); ++i) {
      const DrawStats& d = chain.stats[i];
      if (d.divergent) divergent.push_back(static_cast<int64_t>(i));
      accept += d.accept_stat;
      saturated += d.tree_depth >= kernel_->options().max_tree_depth ? 1 : 0;
    }
    const Value key = make_str(chain_key(c));
    divergences.as<DictObject>()->set(key, int_list(divergent));
    acceptance.as<DictObject>()->set(key, Value(accept / static_cast<double>(chain.stats.size())));
    if (kernel_->kind() == KernelKind::kNuts) saturation.as<DictObject>()->set(key, Value(saturated));
    step_size.as<DictObject>()->set(key, Value(chain.step_size));
  }
  dict->set(make_str("divergences"), divergences);
  dict->set(make_str("acceptance rate"), acceptance);
  if (kernel_->kind() == KernelKind::kNuts) dict->set(make_str("tree depth saturation"), saturation);
  dict->set(make_str("step size"), step_size);
  return out;
}

void Mcmc::report_problems() const {
  const int64_t total = options_.num_samples * options_.num_chains;
  const std::string of_total = " of " + std::to_string(total) + " draws after warmup";
  if (const int64_t n = num_divergences(); n > 0)
    warn(std::to_string(n) + of_total + (n == 1 ? " was" : " were") +
         " divergent; increase target_accept_prob (now " +
         format_float(kernel_->options().target_accept_prob) + ") or reparameterize the model");
  if (const int64_t n = num_saturated_trees(); n > 0)
    warn(std::to_string(n) + of_total + " hit the maximum tree depth " +
         std::to_string(kernel_->options().max_tree_depth) +
         "; increase max_tree_depth or reparameterize the model");
}

std::string Mcmc::to_string() const {
  return "MCMC(" + kernel_->to_string() + ", num_samples=" + std::to_string(options_.num_samples) +
         ", warmup_steps=" + std::to_string(num_warmup()) +
         ", num_chains=" + std::to_string(options_.num_chains) + ")";
}

Value Mcmc::get_attr(std::string_view attr) const {
  if (attr == "kernel") return kernel_value_;
  if (attr == "num_samples") return Value(options_.num_samples);
  if (attr == "warmup_steps") return Value(num_warmup());
  if (attr == "num_chains") return Value(options_.num_chains);
  if (attr == "num_divergences") return Value(num_divergences());
  if (attr == "run" || attr == "get_samples" || attr == "summary" || attr == "diagnostics")
    return make_value(new BoundMethodObject(Value(const_cast<Mcmc*>(this)), std::string(attr)));
  return Object::get_attr(attr);
}

Value Mcmc::call_method(std::string_view method, const CallArgs& args) {
  const std::string who = "MCMC." + std::string(method);
  CallArgs named = args;
  named.callee = who;
  if (method == "run") {
    return torch_guard(who, [&] {
      run(args);
      return Value();
    });
  }
  if (method == "get_samples") {
    check_args(named, 0, 1, "group_by_chain");
    const Value* g = optional_arg(named, 0, "group_by_chain");
    const bool group = g != nullptr && bool_arg(*g, who, "group_by_chain");
    return torch_guard(who, [&] { return get_samples(group); });
  }
  if (method == "summary") {
    check_args(named, 0, 1, "prob");
    const Value* p = optional_arg(named, 0, "prob");
    const double prob = p != nullptr ? float_arg(*p, who, "prob") : kDefaultSummaryProb;
    const std::string text = torch_guard(who, [&] { return summary_text(prob); });
    std::fwrite(text.data(), 1, text.size(), stdout);
    return Value();
  }
  if (method == "diagnostics") {
    check_args(named, 0, 0, "");
    return torch_guard(who, [&] { return diagnostics(); });
  }
  return Object::call_method(method, args);
}

}  // namespace kiln::rt
