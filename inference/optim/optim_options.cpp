#include "inference/optim/optim_options.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "frontend/diagnostics.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

namespace {

std::string_view range_requirement(OptionRange range) {
  switch (range) {
    case OptionRange::kAny: return "a finite number";
    case OptionRange::kNotNan: return "a number (not nan)";
    case OptionRange::kPositive: return "positive";
    case OptionRange::kNonNegative: return "non-negative";
    case OptionRange::kUnitInterval: return "in [0, 1)";
    case OptionRange::kOpenUnitInterval: return "in (0, 1)";
  }
  return "";
}

bool in_range(double d, OptionRange range) {
  if (range == OptionRange::kNotNan) return !std::isnan(d);
  if (!std::isfinite(d)) return false;
  switch (range) {
    case OptionRange::kAny:
    case OptionRange::kNotNan: return true;
    case OptionRange::kPositive: return d > 0;
    case OptionRange::kNonNegative: return d >= 0;
    case OptionRange::kUnitInterval: return d >= 0 && d < 1;
    case OptionRange::kOpenUnitInterval: return d > 0 && d < 1;
  }
  return false;
}

// A Python number (not a bool: lr=True is a slip, not a learning rate) or a
// one-element tensor.
std::optional<double> as_number(const Value& v) {
  if (v.is_int() || v.is_float()) return v.to_double();
  if (is_tensor(v)) {
    const at::Tensor& t = tensor_of(v);
    if (t.numel() == 1 && t.scalar_type() != at::kBool) return t.item<double>();
  }
  return std::nullopt;
}

// "option" -> "options", "entry" -> "entries".
std::string plural(const std::string& noun) {
  if (!noun.empty() && noun.back() == 'y') return noun.substr(0, noun.size() - 1) + "ies";
  return noun + "s";
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

OptionReader::OptionReader(std::string owner, const Value& options, std::string param, std::string noun)
    : owner_(std::move(owner)), param_(std::move(param)), noun_(std::move(noun)), options_(options) {
  if (options_.is_none()) return;
  if (!options_.is(ObjKind::kDict)) {
    const std::string example = noun_ == "option" ? " such as {\"lr\": 0.01}" : "";
    raise(owner_ + "(): the " + plural(noun_) + for_param() + " must be a dict" + example + ", got " +
          type_name(options_));
  }
  options_.as<DictObject>()->for_each([&](const Value& key, const Value&) {
    if (!is_str(key)) raise(owner_ + "(): " + noun_ + " names must be str, got " + type_name(key) + " " + to_repr(key));
  });
}

const Value* OptionReader::lookup(std::string_view option) {
  known_.emplace_back(option);
  if (options_.is_none()) return nullptr;
  const Value* v = options_.as<DictObject>()->find(make_str(std::string(option)));
  return v == nullptr || v->is_none() ? nullptr : v;
}

std::string OptionReader::for_param() const { return param_.empty() ? "" : " for param '" + param_ + "'"; }

void OptionReader::fail(std::string_view option, std::string_view requirement, const std::string& got) const {
  raise(owner_ + "(): " + noun_ + " '" + std::string(option) + "'" + for_param() + " must be " +
        std::string(requirement) + ", got " + got);
}

void OptionReader::missing(std::string_view option, std::string hint) const {
  raise(owner_ + "(): " + noun_ + " '" + std::string(option) + "'" + for_param() + " is required",
        std::move(hint));
}

std::optional<double> OptionReader::optional_number(std::string_view option, OptionRange range) {
  const Value* v = lookup(option);
  if (v == nullptr) return std::nullopt;
  const std::optional<double> d = as_number(*v);
  if (!d) fail(option, "a number", type_name(*v));
  if (!in_range(*d, range)) fail(option, range_requirement(range), is_tensor(*v) ? format_float(*d) : to_repr(*v));
  return d;
}

double OptionReader::number(std::string_view option, double default_value, OptionRange range) {
  return optional_number(option, range).value_or(default_value);
}

int64_t OptionReader::integer(std::string_view option, int64_t default_value, int64_t min_value) {
  const Value* v = lookup(option);
  if (v == nullptr) return default_value;
  if (!v->is_int()) fail(option, "an int", type_name(*v));
  if (v->as_int() < min_value)
    fail(option, min_value == 0 ? "non-negative" : ">= " + std::to_string(min_value),
         std::to_string(v->as_int()));
  return v->as_int();
}

bool OptionReader::flag(std::string_view option, bool default_value) {
  const Value* v = lookup(option);
  if (v == nullptr) return default_value;
  if (!v->is_bool() && !v->is_int()) fail(option, "a bool", type_name(*v));
  return v->as_bool();
}

std::pair<double, double> OptionReader::number_pair(std::string_view option,
                                                    std::pair<double, double> default_value,
                                                    OptionRange range) {
  const Value* v = lookup(option);
  if (v == nullptr) return default_value;
  const std::string requirement = "a pair of numbers " + std::string(range_requirement(range));
  if (!v->is(ObjKind::kTuple) && !v->is(ObjKind::kList)) fail(option, requirement, type_name(*v));
  const std::vector<Value> items = to_vector(*v);
  if (items.size() != 2) fail(option, requirement, to_repr(*v));
  const std::optional<double> a = as_number(items[0]), b = as_number(items[1]);
  if (!a || !b || !in_range(*a, range) || !in_range(*b, range)) fail(option, requirement, to_repr(*v));
  return {*a, *b};
}

std::string OptionReader::choice(std::string_view option, std::string default_value,
                                 const std::vector<std::string_view>& choices) {
  const Value* v = lookup(option);
  if (v == nullptr) return default_value;
  std::string requirement;
  for (std::string_view c : choices) requirement += (requirement.empty() ? "" : " or ") + ("'" + std::string(c) + "'");
  if (!is_str(*v)) fail(option, requirement, type_name(*v));
  if (std::find(choices.begin(), choices.end(), str_of(*v)) == choices.end())
    fail(option, requirement, to_repr(*v));
  return str_of(*v);
}

Value OptionReader::raw(std::string_view option) {
  const Value* v = lookup(option);
  return v == nullptr ? Value::unbound() : *v;
}

void OptionReader::finish() const {
  if (options_.is_none()) return;
  options_.as<DictObject>()->for_each([&](const Value& key, const Value&) {
    const std::string& name = str_of(key);
    if (std::find(known_.begin(), known_.end(), name) != known_.end()) return;
    const std::string best = closest_name(name, known_);
    raise(owner_ + "(): unknown " + noun_ + " '" + name + "'" + for_param(),
          (best.empty() ? "" : "did you mean '" + best + "'? ") + owner_ + "'s " + plural(noun_) + ": " +
              join_names(known_));
  });
}

Value options_from_call(const CallArgs& args) {
  const std::string owner(args.callee);
  if (args.npos > 1)
    raise(owner + "() takes at most 1 positional argument (a dict of options) but " +
          std::to_string(args.npos) + " were given");
  if (args.npos == 1 && args.nkw > 0)
    raise(owner + "(): give the options either as one dict (or a function of the param name) or as "
                  "keyword arguments, not both",
          "e.g. " + owner + "({\"lr\": 0.01}) or " + owner + "(lr=0.01)");
  if (args.npos == 1) {
    const Value& given = args[0];
    if (given.is_none() || given.is(ObjKind::kDict)) return given;
    if (is_callable(given) && !given.is(ObjKind::kNative)) return given;
    raise(owner + "(): argument 'optim_args' must be a dict of options or a function of the param "
                  "name returning one, got " + type_name(given),
          "e.g. " + owner + "({\"lr\": 0.01}) or " + owner + "(lambda name: {\"lr\": 0.01})");
  }
  if (args.nkw == 0) return Value();
  Value dict = make_dict();
  for (size_t i = 0; i < args.nkw; ++i) dict.as<DictObject>()->set(make_str(args.kw_names[i]), args.kw_values[i]);
  return dict;
}

}  // namespace kiln::rt
