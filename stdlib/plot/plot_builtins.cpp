// The plotting builtins, drawn by gnuplot (gnuplot.h):
//   line_plot(path, x, ys, labels=None, title=None, xlabel=None, ylabel=None,
//             bands=None, points=None)
//   histogram(path, samples, labels=None, bins=30, title=None, xlabel=None,
//             density=True)
// A series (x, each of ys, each band edge, each sample) is a 1-D tensor or a
// list of numbers; ys and samples are one series or a list of them. Every
// argument is checked before gnuplot runs, and a mismatch names the
// argument: "line_plot(): ys[1] has 40 values but x has 50". Both return None.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/plot/gnuplot.h"
#include "stdlib/plot/histogram.h"
#include "stdlib/plot/line_plot.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// More bins than a plot has pixels across draw nothing more.
constexpr int64_t kMaxBins = 10000;

bool is_sequence(const Value& v) { return v.is(ObjKind::kList) || v.is(ObjKind::kTuple); }

std::string values_count(size_t n) { return std::to_string(n) + (n == 1 ? " value" : " values"); }

// A 1-D tensor or a list of numbers, as doubles.
std::vector<double> series_arg(const Value& v, std::string_view callee, const std::string& what) {
  if (!is_tensor(v) && !is_sequence(v))
    raise_arg_type(callee, what, "a 1-D tensor or a list of numbers", v);
  const at::Tensor t = to_tensor(v, std::string(callee) + "(): argument '" + what + "'");
  if (t.dim() != 1)
    raise_arg_error(callee, "argument '" + what + "' must be 1-D, got a tensor of shape " +
                                shape_to_string(t.sizes().vec()));
  if (t.is_complex()) raise_arg_error(callee, "argument '" + what + "' must be real, got complex values");
  const at::Tensor d = t.detach().to(at::kCPU, at::kDouble).contiguous();
  const double* data = d.data_ptr<double>();
  return std::vector<double>(data, data + d.numel());
}

// One series, or a list of series. A list is a list of series when an
// element is itself a list or a tensor of one or more dims; a list of
// numbers (or of 0-dim tensors, as a comprehension makes) is one series.
std::vector<std::vector<double>> series_list_arg(const Value& v, std::string_view callee, const std::string& what) {
  const std::vector<Value> items = is_sequence(v) ? to_vector(v) : std::vector<Value>{};
  const bool many = std::any_of(items.begin(), items.end(), [](const Value& e) {
    return is_sequence(e) || (is_tensor(e) && tensor_of(e).dim() >= 1);
  });
  if (!many) {
    if (is_tensor(v) && tensor_of(v).dim() == 2)
      raise_arg_error(callee, "argument '" + what + "' must be a 1-D tensor or a list of them, got a tensor of shape " +
                                  shape_to_string(tensor_of(v).sizes().vec()) +
                                  "; for one series per row, pass list(" + what + ")");
    return {series_arg(v, callee, what)};
  }
  std::vector<std::vector<double>> out;
  for (size_t i = 0; i < items.size(); ++i)
    out.push_back(series_arg(items[i], callee, what + "[" + std::to_string(i) + "]"));
  return out;
}

void check_length(std::string_view callee, const std::string& what, size_t got, const std::string& against,
                  size_t want) {
  if (got != want)
    raise_arg_error(callee, what + " has " + values_count(got) + " but " + against + " has " + std::to_string(want));
}

std::string optional_str(const CallArgs& args, size_t i, std::string_view name) {
  const Value* v = optional_arg(args, i, name);
  return v == nullptr ? "" : str_arg(*v, args.callee, name);
}

// labels=: None, a list of str (one per series), or one str for one series.
std::vector<std::string> labels_arg(const CallArgs& args, size_t i, size_t series, const std::string& of) {
  const Value* v = optional_arg(args, i, "labels");
  if (v == nullptr) return {};
  if (is_str(*v) && series == 1) return {str_of(*v)};
  if (!is_sequence(*v)) raise_arg_type(args.callee, "labels", "a list of str", *v);
  std::vector<std::string> labels;
  const std::vector<Value> items = to_vector(*v);
  for (size_t k = 0; k < items.size(); ++k)
    labels.push_back(str_arg(items[k], args.callee, "labels[" + std::to_string(k) + "]"));
  if (labels.size() != series)
    raise_arg_error(args.callee, "labels has " + std::to_string(labels.size()) + " entr" +
                                     (labels.size() == 1 ? "y" : "ies") + " but " + of + " has " +
                                     std::to_string(series) + " series");
  return labels;
}

// A (first, second) pair of series, named `what`.
std::pair<std::vector<double>, std::vector<double>> pair_arg(const Value& v, std::string_view callee,
                                                             const std::string& what, const char* first,
                                                             const char* second) {
  if (!is_sequence(v) || length(v) != 2)
    raise_arg_error(callee, "argument '" + what + "' must be a pair (" + first + ", " + second + "), got " +
                                (is_sequence(v) ? type_name(v) + " of length " + std::to_string(length(v)) : type_name(v)));
  const std::vector<Value> items = to_vector(v);
  return {series_arg(items[0], callee, what + "[0]"), series_arg(items[1], callee, what + "[1]")};
}

void bands_arg(const CallArgs& args, std::vector<PlotLine>& lines, size_t n) {
  const Value* v = optional_arg(args, 7, "bands");
  if (v == nullptr) return;
  if (!is_sequence(*v)) raise_arg_type(args.callee, "bands", "a list of (low, high) pairs, one per line", *v);
  const std::vector<Value> items = to_vector(*v);
  if (items.size() != lines.size())
    raise_arg_error(args.callee, "bands has " + std::to_string(items.size()) + " entr" +
                                     (items.size() == 1 ? "y" : "ies") + " but ys has " + std::to_string(lines.size()) +
                                     " line" + (lines.size() == 1 ? "" : "s"));
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].is_none()) continue;
    const std::string what = "bands[" + std::to_string(i) + "]";
    auto [low, high] = pair_arg(items[i], args.callee, what, "low", "high");
    check_length(args.callee, what + "[0]", low.size(), "x", n);
    check_length(args.callee, what + "[1]", high.size(), "x", n);
    lines[i].band = Band{std::move(low), std::move(high)};
  }
}

Value builtin_line_plot(const CallArgs& args) {
  check_args(args, 1, 9, "path,x,ys,labels,title,xlabel,ylabel,bands,points");
  const std::string path = str_arg(required_arg(args, 0, "path"), args.callee, "path");
  plot_format_of(path);  // a misspelt extension fails before anything else is read
  LinePlot plot;
  plot.x = series_arg(required_arg(args, 1, "x"), args.callee, "x");
  if (plot.x.empty()) raise_arg_error(args.callee, "x is empty: there is nothing to plot");
  const std::vector<std::vector<double>> ys = series_list_arg(required_arg(args, 2, "ys"), args.callee, "ys");
  for (size_t i = 0; i < ys.size(); ++i) {
    const std::string what = ys.size() == 1 ? "ys" : "ys[" + std::to_string(i) + "]";
    check_length(args.callee, what, ys[i].size(), "x", plot.x.size());
    plot.lines.push_back(PlotLine{ys[i], "", std::nullopt});
  }
  const std::vector<std::string> labels = labels_arg(args, 3, plot.lines.size(), "ys");
  for (size_t i = 0; i < labels.size(); ++i) plot.lines[i].label = labels[i];
  plot.title = optional_str(args, 4, "title");
  plot.xlabel = optional_str(args, 5, "xlabel");
  plot.ylabel = optional_str(args, 6, "ylabel");
  bands_arg(args, plot.lines, plot.x.size());
  if (const Value* points = optional_arg(args, 8, "points")) {
    auto [px, py] = pair_arg(*points, args.callee, "points", "x", "y");
    check_length(args.callee, "points[1]", py.size(), "points[0]", px.size());
    plot.points = Scatter{std::move(px), std::move(py)};
  }
  write_line_plot(plot, path);
  return Value();
}

Value builtin_histogram(const CallArgs& args) {
  check_args(args, 1, 7, "path,samples,labels,bins,title,xlabel,density");
  const std::string path = str_arg(required_arg(args, 0, "path"), args.callee, "path");
  plot_format_of(path);
  Histogram h;
  h.samples = series_list_arg(required_arg(args, 1, "samples"), args.callee, "samples");
  for (size_t i = 0; i < h.samples.size(); ++i) {
    const std::string what = h.samples.size() == 1 ? "samples" : "samples[" + std::to_string(i) + "]";
    if (h.samples[i].empty()) raise_arg_error(args.callee, what + " is empty: there is nothing to count");
    const auto bad = std::count_if(h.samples[i].begin(), h.samples[i].end(), [](double x) { return !std::isfinite(x); });
    if (bad > 0)
      raise_arg_error(args.callee, what + " has " + values_count(static_cast<size_t>(bad)) +
                                       " that are not finite (nan or inf); drop them before plotting");
  }
  h.labels = labels_arg(args, 2, h.samples.size(), "samples");
  if (const Value* bins = optional_arg(args, 3, "bins")) {
    h.bins = int_arg(*bins, args.callee, "bins");
    if (h.bins < 1 || h.bins > kMaxBins)
      raise_arg_error(args.callee, "bins must be between 1 and " + std::to_string(kMaxBins) + ", got " +
                                       std::to_string(h.bins));
  }
  h.title = optional_str(args, 4, "title");
  h.xlabel = optional_str(args, 5, "xlabel");
  if (const Value* density = optional_arg(args, 6, "density")) h.density = bool_arg(*density, args.callee, "density");
  write_histogram(h, path);
  return Value();
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_line_plot, &guarded<&builtin_line_plot>);
  register_builtin(BuiltinId::k_histogram, &guarded<&builtin_histogram>);
}

}  // namespace kiln::rt
