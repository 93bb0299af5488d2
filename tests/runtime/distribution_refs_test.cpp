// Every distribution, transform and KL divergence against reference values
// computed by PyTorch 1.13 in float64 (tests/runtime/data/
// distribution_refs.json, written by tests/tools/gen_distribution_refs.py;
// see tests/README.md). Each case names a constructor and its arguments as a
// .ppl program writes them; the test calls the builtin of that name, so a
// distribution that does not exist yet fails its cases ("no builtin Gamma")
// instead of being skipped. Values must agree to 1e-6 relative (1e-10
// absolute near zero); nan must be nan and an infinity the same infinity.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runtime_test_util.h"

#ifndef KILN_TEST_DATA_DIR
#error "tests/CMakeLists.txt must define KILN_TEST_DATA_DIR (the folder of distribution_refs.json)"
#endif

namespace kiln::rt::testing {
namespace {

using nlohmann::json;

// Tolerances of the comparison: torch and Kiln evaluate the same formulas in
// float64, so they differ by rounding, far below 1e-6, unless a formula is
// wrong or loses precision.
constexpr double kRelativeTolerance = 1e-6;
constexpr double kAbsoluteTolerance = 1e-10;

const json& refs() {
  static const json loaded = [] {
    const std::string path = std::string(KILN_TEST_DATA_DIR) + "/distribution_refs.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    return json::parse(in);
  }();
  return loaded;
}

// ------------------------------------------------------------ decoding JSON

// JSON has no nan or infinity: the generator writes them as strings.
double number_of(const json& j) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    throw std::runtime_error("bad number in distribution_refs.json: " + s);
  }
  return j.get<double>();
}

void flatten_into(const json& j, std::vector<double>& out) {
  if (!j.is_array()) {
    out.push_back(number_of(j));
    return;
  }
  for (const json& e : j) flatten_into(e, out);
}

// {"shape": [...], "data": nested lists, "dtype": "int64" | "bool" (default float64)}.
at::Tensor tensor_from(const json& j) {
  std::vector<double> data;
  flatten_into(j.at("data"), data);
  const auto shape = j.at("shape").get<std::vector<int64_t>>();
  at::Tensor t = at::tensor(data, at::TensorOptions().dtype(at::kDouble)).reshape(shape);
  const std::string dtype = j.value("dtype", std::string("float64"));
  if (dtype == "int64") return t.to(at::kLong);
  if (dtype == "bool") return t.to(at::kBool);
  return t;
}

// Calls a builtin found by name at run time, checking the arguments against
// builtins.def as a call from a program does.
Value call_builtin_named(const std::string& name, const std::vector<Value>& pos,
                         const Keywords& kw = {}) {
  const auto index = find_builtin(name);
  if (!index) throw std::runtime_error("no builtin " + name);
  ArgList args;
  for (const Value& v : pos) args.push(v);
  for (const auto& [key, v] : kw) args.push_kw(key, v);
  return call_value(builtin_value(*index), args.view(name));
}

Value build_distribution(const json& ctor);

// An argument: a tensor, {"int": n}, {"float": x} or {"dist": constructor}.
Value argument_from(const json& j) {
  if (j.contains("shape")) return tensor_value(tensor_from(j));
  if (j.contains("int")) return Value(j.at("int").get<int64_t>());
  if (j.contains("float")) return Value(number_of(j.at("float")));
  if (j.contains("dist")) return build_distribution(j.at("dist"));
  throw std::runtime_error("bad argument in distribution_refs.json: " + j.dump());
}

// {"name": "Normal", "args": [...], "kwargs": {...}}.
Value build_distribution(const json& ctor) {
  std::vector<Value> pos;
  for (const json& a : ctor.at("args")) pos.push_back(argument_from(a));
  Keywords kw;
  if (ctor.contains("kwargs")) {
    for (const auto& [key, a] : ctor.at("kwargs").items()) kw.emplace_back(key, argument_from(a));
  }
  return call_builtin_named(ctor.at("name").get<std::string>(), pos, kw);
}

// ---------------------------------------------------------------- comparing

std::string format_number(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

std::string format_shape(at::IntArrayRef shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

bool numbers_agree(double actual, double expected) {
  if (std::isnan(expected)) return std::isnan(actual);
  if (std::isinf(expected)) return actual == expected;
  return std::abs(actual - expected) <=
         std::max(kRelativeTolerance * std::abs(expected), kAbsoluteTolerance);
}

// The index of element `flat` of a row-major tensor of `shape`, as "[1, 2]".
std::string format_index(int64_t flat, at::IntArrayRef shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  std::string s = "[";
  for (size_t i = 0; i < index.size(); ++i) s += (i ? ", " : "") + std::to_string(index[i]);
  return s + "]";
}

// "" when `actual` (a tensor value) has the reference's shape and values,
// else what differs: the shape, or the first differing element and how many differ.
std::string mismatch(const Value& actual_value, const json& reference) {
  if (!is_tensor(actual_value)) return "got a " + type_name(actual_value) + ", expected a tensor";
  const at::Tensor expected = tensor_from(reference).to(at::kDouble).contiguous();
  const at::Tensor actual = tensor_of(actual_value).detach().to(at::kDouble).contiguous();
  if (actual.sizes() != expected.sizes()) {
    return "shape " + format_shape(actual.sizes()) + ", expected " + format_shape(expected.sizes());
  }
  const double* a = actual.data_ptr<double>();
  const double* e = expected.data_ptr<double>();
  int64_t first = -1, count = 0;
  for (int64_t i = 0; i < expected.numel(); ++i) {
    if (numbers_agree(a[i], e[i])) continue;
    if (first < 0) first = i;
    ++count;
  }
  if (count == 0) return "";
  return "at " + format_index(first, expected.sizes()) + " got " + format_number(a[first]) +
         ", expected " + format_number(e[first]) + " (" + std::to_string(count) + " of " +
         std::to_string(expected.numel()) + " elements differ)";
}

void expect_matches(const std::string& label, const Value& actual, const json& reference) {
  const std::string m = mismatch(actual, reference);
  if (!m.empty()) ADD_FAILURE() << label << ": " << m;
}

// Runs `check` and reports any exception as a failure of `label`, so one
// missing builtin or method fails its case and the test goes on.
template <class F>
void guarded_check(const std::string& label, F&& check) {
  try {
    check();
  } catch (const std::exception& e) {
    ADD_FAILURE() << label << ": " << e.what();
  }
}

// --------------------------------------------------------------- distributions

std::string case_label(const json& c) {
  return c.at("dist").get<std::string>() + " set " + std::to_string(c.at("set").get<int>());
}

// Calls check(distribution, reference, label) for every distribution case
// that records `quantity`; a case whose constructor fails is one failure.
template <class F>
void for_each_distribution_with(std::string_view quantity, F&& check) {
  for (const json& c : refs().at("distributions")) {
    if (!c.contains(quantity)) continue;
    const std::string label = case_label(c) + " " + std::string(quantity);
    Value dist;
    try {
      dist = build_distribution(c.at("ctor"));
    } catch (const std::exception& e) {
      ADD_FAILURE() << label << ": cannot construct: " << e.what();
      continue;
    }
    guarded_check(label, [&] { check(dist, c.at(quantity), label); });
  }
}

std::vector<int64_t> shape_of(const Value& tuple) {
  std::vector<int64_t> dims;
  for (const Value& d : to_vector(tuple)) dims.push_back(to_int(d, "shape"));
  return dims;
}

TEST(DistributionRefs, ReferenceFileHasEveryFamily) {
  EXPECT_GE(refs().at("distributions").size(), 60u);
  EXPECT_GE(refs().at("transforms").size(), 10u);
  EXPECT_GE(refs().at("kl").size(), 50u);
}

TEST(DistributionRefs, BatchAndEventShapesMatchTorch) {
  for_each_distribution_with("batch_shape", [](const Value& d, const json& batch, const std::string& label) {
    EXPECT_EQ(shape_of(get_attr(d, "batch_shape")), batch.get<std::vector<int64_t>>()) << label;
  });
  for_each_distribution_with("event_shape", [](const Value& d, const json& event, const std::string& label) {
    EXPECT_EQ(shape_of(get_attr(d, "event_shape")), event.get<std::vector<int64_t>>()) << label;
  });
}

// log_prob, cdf and icdf: a list of {"value", "result"} pairs.
void expect_pointwise_method_matches(std::string_view method) {
  for_each_distribution_with(method, [&](const Value& d, const json& points, const std::string& label) {
    for (size_t i = 0; i < points.size(); ++i) {
      const std::string point_label = label + " value " + std::to_string(i);
      guarded_check(point_label, [&] {
        const Value x = tensor_value(tensor_from(points[i].at("value")));
        expect_matches(point_label, call_method_of(d, method, {x}), points[i].at("result"));
      });
    }
  });
}

TEST(DistributionRefs, LogProbMatchesTorch) { expect_pointwise_method_matches("log_prob"); }
TEST(DistributionRefs, CdfMatchesTorch) { expect_pointwise_method_matches("cdf"); }
TEST(DistributionRefs, IcdfMatchesTorch) { expect_pointwise_method_matches("icdf"); }

TEST(DistributionRefs, MeanMatchesTorch) {
  for_each_distribution_with("mean", [](const Value& d, const json& ref, const std::string& label) {
    expect_matches(label, get_attr(d, "mean"), ref);
  });
}

TEST(DistributionRefs, VarianceMatchesTorch) {
  for_each_distribution_with("variance", [](const Value& d, const json& ref, const std::string& label) {
    expect_matches(label, get_attr(d, "variance"), ref);
  });
}

TEST(DistributionRefs, EntropyMatchesTorch) {
  for_each_distribution_with("entropy", [](const Value& d, const json& ref, const std::string& label) {
    expect_matches(label, call_method_of(d, "entropy"), ref);
  });
}

TEST(DistributionRefs, EnumerateSupportMatchesTorch) {
  for_each_distribution_with("enumerate_support", [](const Value& d, const json& ref, const std::string& label) {
    for (const bool expand : {true, false}) {
      const char* key = expand ? "expand" : "no_expand";
      if (!ref.contains(key)) continue;
      const std::string expand_label = label + (expand ? " (expand=True)" : " (expand=False)");
      guarded_check(expand_label, [&] {
        expect_matches(expand_label, call_method_of(d, "enumerate_support", {}, {{"expand", Value(expand)}}),
                       ref.at(key));
      });
    }
  });
}

// ------------------------------------------------------------------ transforms

// biject_to(constraints.<name>) or biject_to(constraints.<name>(args...)),
// reached as a program reaches them.
Value transform_for(const json& c) {
  const auto index = find_builtin("constraints");
  if (!index) throw std::runtime_error("no builtin constraints");
  const Value& namespace_value = builtin_value(*index);
  const std::string name = c.at("constraint").get<std::string>();
  Value constraint;
  if (c.at("constraint_args").empty()) {
    constraint = get_attr(namespace_value, name);
  } else {
    ArgList args;
    for (const json& a : c.at("constraint_args")) args.push(Value(number_of(a)));
    constraint = call_method(namespace_value, name, args.view(name));
  }
  return call_builtin_named("biject_to", {constraint});
}

std::string transform_label(const json& c) {
  std::string label = "biject_to(constraints." + c.at("constraint").get<std::string>();
  if (!c.at("constraint_args").empty()) {
    label += "(";
    for (size_t i = 0; i < c.at("constraint_args").size(); ++i)
      label += (i ? ", " : "") + format_number(number_of(c.at("constraint_args")[i]));
    label += ")";
  }
  return label + ")";
}

// Calls check(transform, point, label) for each {"x", "y", ...} point of
// every transform case's `direction` ("forward" or "inverse").
template <class F>
void for_each_transform_point(std::string_view direction, std::string_view what, F&& check) {
  for (const json& c : refs().at("transforms")) {
    const std::string label = transform_label(c) + " " + std::string(what);
    Value transform;
    try {
      transform = transform_for(c);
    } catch (const std::exception& e) {
      ADD_FAILURE() << label << ": cannot construct: " << e.what();
      continue;
    }
    const json& points = c.at(direction);
    for (size_t i = 0; i < points.size(); ++i) {
      const std::string point_label = label + " point " + std::to_string(i);
      guarded_check(point_label, [&] { check(transform, points[i], point_label); });
    }
  }
}

Value call_once(const Value& callable, const Value& arg) {
  ArgList args{arg};
  return call_value(callable, args.view());
}

TEST(TransformRefs, ForwardMatchesTorch) {
  for_each_transform_point("forward", "forward", [](const Value& t, const json& p, const std::string& label) {
    expect_matches(label, call_once(t, tensor_value(tensor_from(p.at("x")))), p.at("y"));
  });
}

TEST(TransformRefs, InverseMatchesTorch) {
  for_each_transform_point("inverse", "inverse", [](const Value& t, const json& p, const std::string& label) {
    expect_matches(label, call_once(get_attr(t, "inv"), tensor_value(tensor_from(p.at("y")))), p.at("x"));
  });
}

TEST(TransformRefs, LogAbsDetJacobianMatchesTorch) {
  for_each_transform_point(
      "forward", "log_abs_det_jacobian", [](const Value& t, const json& p, const std::string& label) {
        if (!p.contains("log_abs_det_jacobian")) return;  // torch 1.13 does not define it here
        const Value x = tensor_value(tensor_from(p.at("x")));
        const Value y = tensor_value(tensor_from(p.at("y")));
        expect_matches(label, call_method_of(t, "log_abs_det_jacobian", {x, y}),
                       p.at("log_abs_det_jacobian"));
      });
}

// -------------------------------------------------------------------------- KL

TEST(KlDivergenceRefs, MatchesTorch) {
  const json& cases = refs().at("kl");
  for (size_t i = 0; i < cases.size(); ++i) {
    const json& c = cases[i];
    const std::string label = "kl_divergence(" + c.at("p").at("name").get<std::string>() + ", " +
                              c.at("q").at("name").get<std::string>() + ") case " + std::to_string(i);
    guarded_check(label, [&] {
      const Value p = build_distribution(c.at("p"));
      const Value q = build_distribution(c.at("q"));
      expect_matches(label, call_builtin_named("kl_divergence", {p, q}), c.at("result"));
    });
  }
}

}  // namespace
}  // namespace kiln::rt::testing
