// PyTorch's tensor repr (torch/_tensor_str.py), made compact: floats get the
// fewest decimals (at most PyTorch's 4) that show every printed element, so
// tensor(1.5) rather than tensor(1.5000). Layout, summarization and the
// choice between fixed and scientific notation follow PyTorch.
#include "stdlib/tensor/tensor_print.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "runtime/tensor_value.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/dtype.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr int64_t kSummarizeThreshold = 1000;  // PyTorch prints at most this many elements
constexpr int64_t kEdgeItems = 3;              // ...then this many at each end of each dim
constexpr int kLineWidth = 80;                 // PyTorch's linewidth
constexpr int kMaxDecimals = 4;                // PyTorch's precision
// PyTorch switches to scientific notation past these magnitudes.
constexpr double kSciMax = 1e8;
constexpr double kSciMin = 1e-4;
constexpr double kSciRatio = 1000.0;

enum class Kind { kFloat, kInt, kBool };

class Printer {
 public:
  explicit Printer(const at::Tensor& t) {
    const at::ScalarType st = t.scalar_type();
    kind_ = at::isFloatingType(st) ? Kind::kFloat : st == at::kBool ? Kind::kBool : Kind::kInt;
    const at::ScalarType as = kind_ == Kind::kFloat ? at::kDouble
                              : kind_ == Kind::kInt ? at::kLong
                                                    : at::kBool;
    data_ = t.detach().to(at::kCPU).to(as).contiguous();
    sizes_ = data_.sizes().vec();
    strides_ = data_.strides().vec();
    summarize_ = data_.numel() > kSummarizeThreshold;
    choose_format();
  }

  std::string render(int indent) const {
    if (sizes_.empty()) return element(0, /*pad=*/false);
    return render_dim(0, 0, indent);
  }

 private:
  // Visits the offsets of the elements that will be printed.
  template <class F>
  void visit(size_t dim, int64_t offset, F&& f) const {
    if (dim == sizes_.size()) {
      f(offset);
      return;
    }
    for (int64_t i : shown(dim)) visit(dim + 1, offset + i * strides_[dim], f);
  }

  // Indices of dim that are printed; -1 marks the "..." gap.
  std::vector<int64_t> shown(size_t dim) const {
    std::vector<int64_t> out;
    const int64_t n = sizes_[dim];
    if (summarize_ && n > 2 * kEdgeItems) {
      for (int64_t i = 0; i < kEdgeItems; ++i) out.push_back(i);
      for (int64_t i = n - kEdgeItems; i < n; ++i) out.push_back(i);
      return out;
    }
    for (int64_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  bool gap_after(size_t dim, size_t k) const {
    return summarize_ && sizes_[dim] > 2 * kEdgeItems && k + 1 == static_cast<size_t>(kEdgeItems);
  }

  void choose_format() {
    if (kind_ != Kind::kFloat) {
      visit(0, 0, [&](int64_t o) { width_ = std::max(width_, raw(o).size()); });
      return;
    }
    const double* p = data_.data_ptr<double>();
    bool int_mode = true, any_finite = false;
    double max_abs = 0, min_abs = INFINITY;
    visit(0, 0, [&](int64_t o) {
      const double v = p[o];
      if (!std::isfinite(v)) return;
      any_finite = true;
      if (v != std::nearbyint(v)) int_mode = false;
      const double a = std::fabs(v);
      if (a == 0) return;
      max_abs = std::max(max_abs, a);
      min_abs = std::min(min_abs, a);
    });
    if (any_finite && min_abs != INFINITY) {
      sci_ = int_mode ? max_abs > kSciMax
                      : max_abs / min_abs > kSciRatio || max_abs > kSciMax || min_abs < kSciMin;
    }
    int_mode_ = int_mode && !sci_;
    if (!int_mode_) {
      // Fewest decimals that lose nothing PyTorch's 4 would show.
      decimals_ = 1;
      visit(0, 0, [&](int64_t o) {
        if (!std::isfinite(p[o])) return;
        char buf[64];
        std::snprintf(buf, sizeof buf, sci_ ? "%.*e" : "%.*f", kMaxDecimals, p[o]);
        std::string_view s(buf);
        if (sci_) s = s.substr(0, s.find('e'));
        int needed = kMaxDecimals;
        while (needed > decimals_ && s[s.size() - 1 - (kMaxDecimals - needed)] == '0') --needed;
        decimals_ = std::max(decimals_, needed);
      });
    }
    // As PyTorch, only nonzero finite values set the column width.
    visit(0, 0, [&](int64_t o) {
      if (std::isfinite(p[o]) && p[o] != 0) width_ = std::max(width_, raw(o).size());
    });
  }

  std::string raw(int64_t offset) const {
    if (kind_ == Kind::kBool) return data_.data_ptr<bool>()[offset] ? "True" : "False";
    if (kind_ == Kind::kInt) return std::to_string(data_.data_ptr<int64_t>()[offset]);
    const double v = data_.data_ptr<double>()[offset];
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    if (int_mode_) {
      std::snprintf(buf, sizeof buf, "%.0f.", v);
    } else {
      std::snprintf(buf, sizeof buf, sci_ ? "%.*e" : "%.*f", decimals_, v);
    }
    return buf;
  }

  std::string element(int64_t offset, bool pad) const {
    std::string s = raw(offset);
    if (pad && s.size() < width_) s.insert(0, width_ - s.size(), ' ');
    return s;
  }

  std::string render_dim(size_t dim, int64_t offset, int indent) const {
    const std::vector<int64_t> idx = shown(dim);
    if (dim + 1 == sizes_.size()) {
      std::vector<std::string> items;
      for (size_t k = 0; k < idx.size(); ++k) {
        items.push_back(element(offset + idx[k] * strides_[dim], true));
        if (gap_after(dim, k)) items.push_back(" ...");
      }
      const int per_line = std::max(1, (kLineWidth - indent) / static_cast<int>(width_ + 2));
      std::string out = "[";
      for (size_t k = 0; k < items.size(); ++k) {
        if (k > 0) out += k % per_line == 0 ? ",\n" + std::string(indent + 1, ' ') : ", ";
        out += items[k];
      }
      return out + "]";
    }
    const std::string sep =
        "," + std::string(sizes_.size() - dim - 1, '\n') + std::string(indent + 1, ' ');
    std::string out = "[";
    for (size_t k = 0; k < idx.size(); ++k) {
      if (k > 0) out += sep;
      out += render_dim(dim + 1, offset + idx[k] * strides_[dim], indent + 1);
      if (gap_after(dim, k)) out += sep + "...";
    }
    return out + "]";
  }

  Kind kind_;
  at::Tensor data_;
  std::vector<int64_t> sizes_, strides_;
  bool summarize_ = false;
  bool sci_ = false;
  bool int_mode_ = false;
  int decimals_ = kMaxDecimals;
  size_t width_ = 0;
};

// PyTorch omits the dtype for the default float dtype, int64 and bool.
bool default_dtype(at::ScalarType t) {
  return t == kDefaultFloat || t == at::kLong || t == at::kBool;
}

// Python's repr of a float: shortest digits that read back (for the given
// precision), positional for exponents in [-4, 16), scientific otherwise.
std::string python_float(double v, bool single) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = single ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v),
                                    std::chars_format::scientific)
                    : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const size_t e = sci.find('e');
  const int exponent = std::stoi(sci.substr(e + 1));
  std::string sign, digits;
  for (char c : sci.substr(0, e)) {
    if (c == '-')
      sign = "-";
    else if (c != '.')
      digits += c;
  }
  if (exponent < -4 || exponent >= 16) {
    std::string mant = digits.substr(0, 1);
    if (digits.size() > 1) mant += "." + digits.substr(1);
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return sign + mant + exp_buf;
  }
  if (exponent < 0) return sign + "0." + std::string(-exponent - 1, '0') + digits;
  if (static_cast<int>(digits.size()) <= exponent + 1) {
    digits.append(exponent + 1 - digits.size(), '0');
    return sign + digits + ".0";
  }
  return sign + digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
}

}  // namespace

std::string print_scalar(const at::Tensor& one_element) {
  const at::ScalarType st = one_element.scalar_type();
  if (st == at::kBool) return one_element.item<bool>() ? "True" : "False";
  if (!at::isFloatingType(st)) return std::to_string(one_element.item<int64_t>());
  return python_float(one_element.item<double>(), st != at::kDouble);
}

namespace {

std::string print_defined(const at::Tensor& t) {
  static const std::string kPrefix = "tensor(";
  std::string out = kPrefix;
  if (t.numel() == 0 && t.dim() > 0) {
    out += "[]";
    if (t.dim() != 1) out += ", size=" + shape_to_string(t.sizes().vec());
    if (t.scalar_type() != kDefaultFloat)
      out += ", dtype=" + std::string(dtype_name(t.scalar_type()));
  } else {
    out += Printer(t).render(static_cast<int>(kPrefix.size()));
    if (!default_dtype(t.scalar_type()))
      out += ", dtype=" + std::string(dtype_name(t.scalar_type()));
  }
  if (t.grad_fn()) {
    out += ", grad_fn=<" + t.grad_fn()->name() + ">";
  } else if (t.requires_grad()) {
    out += ", requires_grad=True";
  }
  return out + ")";
}

}  // namespace

std::string print_tensor(const at::Tensor& t) {
  if (!t.defined()) return "tensor(<undefined>)";
  return torch_guard("print", [&] { return print_defined(t); });
}

}  // namespace kiln::rt
