// The Python-core builtins of frontend/builtins.def: print, len, range,
// enumerate, zip, min, max, sum, abs, round, conversions, sorted, reversed,
// any, all, map, filter, repr, type_name, and the numeric constants. Tensor
// arguments are handed to the tensor's own method of the same name.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/value_ops.h"
#include "stdlib/tensor/tensor_builtins.h"

namespace kiln::rt {

namespace {

bool any_tensor(const CallArgs& args) {
  for (size_t i = 0; i < args.npos; ++i)
    if (args[i].is(ObjKind::kTensor)) return true;
  return false;
}

Value builtin_print(const CallArgs& args) {
  std::string sep = " ", end = "\n";
  if (const Value* s = args.kw("sep"); s && !s->is_none()) sep = to_str(*s);
  if (const Value* e = args.kw("end"); e && !e->is_none()) end = to_str(*e);
  std::string line;
  for (size_t i = 0; i < args.npos; ++i) {
    if (i) line += sep;
    line += to_str(args[i]);
  }
  line += end;
  std::fwrite(line.data(), 1, line.size(), stdout);
  return Value();
}

Value builtin_len(const CallArgs& args) { return length(args[0]); }

Value builtin_range(const CallArgs& args) {
  int64_t start = 0, stop, step = 1;
  if (args.npos == 1) {
    stop = to_int(args[0], "range() stop");
  } else {
    start = to_int(args[0], "range() start");
    stop = to_int(args[1], "range() stop");
    if (args.npos == 3) step = to_int(args[2], "range() step");
  }
  if (step == 0) raise("range() step must not be zero");
  return make_value(new RangeObject(start, stop, step));
}

Value builtin_enumerate(const CallArgs& args) {
  int64_t start = 0;
  if (const Value* s = args.get(1, "start")) start = to_int(*s, "enumerate() start");
  std::vector<Value> items = to_vector(args[0]);
  std::vector<Value> out;
  out.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) out.push_back(make_tuple({Value(start + static_cast<int64_t>(i)), items[i]}));
  return make_list(std::move(out));
}

Value builtin_zip(const CallArgs& args) {
  std::vector<std::vector<Value>> columns;
  size_t n = std::numeric_limits<size_t>::max();
  for (size_t i = 0; i < args.npos; ++i) {
    columns.push_back(to_vector(args[i]));
    n = std::min(n, columns.back().size());
  }
  std::vector<Value> out;
  for (size_t r = 0; r < n; ++r) {
    std::vector<Value> row;
    for (auto& c : columns) row.push_back(c[r]);
    out.push_back(make_tuple(std::move(row)));
  }
  return make_list(std::move(out));
}

// min/max: of several arguments, or of one iterable; a tensor argument is
// reduced by the tensor's own min/max (with dim=, keepdim=).
Value extreme(const CallArgs& args, bool want_max) {
  const char* name = want_max ? "max" : "min";
  if (any_tensor(args)) return tensor_reduce_builtin(name, args);
  if (args.nkw) raise(std::string(name) + "() takes dim= and keepdim= only for a tensor");
  std::vector<Value> items = args.npos == 1 ? to_vector(args[0]) : std::vector<Value>(args.pos, args.pos + args.npos);
  if (items.empty()) raise(std::string(name) + "() of an empty sequence");
  Value best = items[0];
  for (size_t i = 1; i < items.size(); ++i) {
    Value better = binary_op(want_max ? ir::Op::Gt : ir::Op::Lt, items[i], best);
    if (truthy(better)) best = items[i];
  }
  return best;
}

Value builtin_min(const CallArgs& args) { return extreme(args, false); }
Value builtin_max(const CallArgs& args) { return extreme(args, true); }

Value builtin_sum(const CallArgs& args) {
  if (any_tensor(args)) return tensor_reduce_builtin("sum", args);
  if (args.nkw) raise("sum() takes dim= and keepdim= only for a tensor");
  Value total = args.npos > 1 ? args[1] : Value(int64_t{0});
  Value it = make_iterator(args[0]);
  Value item;
  while (iterator_next(it, item)) total = binary_op(ir::Op::Add, total, item);
  return total;
}

Value builtin_abs(const CallArgs& args) {
  const Value& v = args[0];
  if (v.is_float()) return std::fabs(v.as_float());
  if (v.is_int() || v.is_bool()) {
    if (v.as_int() == std::numeric_limits<int64_t>::min()) raise("integer overflow in abs()");
    return v.as_int() < 0 ? -v.as_int() : v.as_int();
  }
  if (v.is(ObjKind::kTensor)) return tensor_reduce_builtin("abs", args);
  raise("bad operand type for abs(): '" + type_name(v) + "'");
}

// Python rounds half to even.
Value builtin_round(const CallArgs& args) {
  const Value& v = args[0];
  if (v.is(ObjKind::kTensor)) return tensor_reduce_builtin("round", args);
  if (args.npos > 1 && !args[1].is_none()) {
    int64_t digits = to_int(args[1], "round() ndigits");
    if (v.is_int() && digits >= 0) return v;
    double d = to_double(v, "round() argument");
    if (digits >= 0 && digits <= 300) {
      // Round the exact binary value, as Python does: glibc's printf is exact,
      // so round(2.675, 2) is 2.67 (2.675 is stored as 2.67499999...).
      char buf[400];
      std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(digits), d);
      return std::strtod(buf, nullptr);
    }
    double scale = std::pow(10.0, static_cast<double>(digits));
    return std::nearbyint(d * scale) / scale;
  }
  if (v.is_int() || v.is_bool()) return Value(v.as_int());
  double d = std::nearbyint(to_double(v, "round() argument"));
  // 2^63 is the first double that no longer fits an int64.
  if (!std::isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
    raise("cannot round " + format_float(d) + " to an int", "Kiln ints are 64-bit; round(x, 0) keeps a float");
  }
  return static_cast<int64_t>(d);
}

Value builtin_float(const CallArgs& args) {
  if (args.npos == 0) return 0.0;
  const Value& v = args[0];
  if (is_str(v)) {
    const std::string& s = str_of(v);
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    while (end && *end && std::isspace(static_cast<unsigned char>(*end))) ++end;
    if (s.empty() || !end || *end) raise("could not convert string to float: " + to_repr(v));
    return d;
  }
  return to_double(v, "float() argument");
}

Value builtin_int(const CallArgs& args) {
  if (args.npos == 0) return int64_t{0};
  const Value& v = args[0];
  if (v.is_int() || v.is_bool()) return Value(v.as_int());
  if (is_str(v)) {
    const std::string& s = str_of(v);
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(s.c_str(), &end, 10);
    while (end && *end && std::isspace(static_cast<unsigned char>(*end))) ++end;
    if (s.empty() || !end || *end || errno == ERANGE) raise("invalid literal for int(): " + to_repr(v));
    return static_cast<int64_t>(n);
  }
  double d = to_double(v, "int() argument");
  if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) raise("cannot convert " + format_float(d) + " to int");
  return static_cast<int64_t>(std::trunc(d));
}

Value builtin_bool(const CallArgs& args) { return args.npos ? truthy(args[0]) : false; }
Value builtin_str(const CallArgs& args) { return make_str(args.npos ? to_str(args[0]) : std::string()); }
Value builtin_repr(const CallArgs& args) { return make_str(to_repr(args[0])); }
Value builtin_type_name(const CallArgs& args) { return make_str(type_name(args[0])); }
Value builtin_list(const CallArgs& args) { return make_list(args.npos ? to_vector(args[0]) : std::vector<Value>{}); }
Value builtin_tuple(const CallArgs& args) { return make_tuple(args.npos ? to_vector(args[0]) : std::vector<Value>{}); }

Value builtin_dict(const CallArgs& args) {
  Value d = make_dict();
  auto* dict = d.as<DictObject>();
  if (args.npos) {
    if (args[0].is(ObjKind::kDict)) {
      args[0].as<DictObject>()->for_each([&](const Value& k, const Value& v) { dict->set(k, v); });
    } else {
      for (const Value& pair : to_vector(args[0])) {
        std::vector<Value> kv = to_vector(pair);
        if (kv.size() != 2) raise("dict() needs pairs; got an element of length " + std::to_string(kv.size()));
        dict->set(kv[0], kv[1]);
      }
    }
  }
  for (size_t k = 0; k < args.nkw; ++k) dict->set(make_str(args.kw_names[k]), args.kw_values[k]);
  return d;
}

Value builtin_sorted(const CallArgs& args) {
  std::vector<Value> items = to_vector(args[0]);
  const Value* key = args.kw("key");
  bool reverse = false;
  if (const Value* r = args.kw("reverse")) reverse = truthy(*r);
  std::vector<Value> keys;
  if (key && !key->is_none()) {
    for (const Value& v : items) {
      ArgList a{v};
      keys.push_back(call_value(*key, a.view()));
    }
  } else {
    keys = items;
  }
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return truthy(binary_op(ir::Op::Lt, reverse ? keys[b] : keys[a], reverse ? keys[a] : keys[b]));
  });
  std::vector<Value> out;
  for (size_t i : order) out.push_back(items[i]);
  return make_list(std::move(out));
}

Value builtin_reversed(const CallArgs& args) {
  std::vector<Value> items = to_vector(args[0]);
  std::reverse(items.begin(), items.end());
  return make_list(std::move(items));
}

Value builtin_any(const CallArgs& args) {
  Value it = make_iterator(args[0]);
  Value item;
  while (iterator_next(it, item))
    if (truthy(item)) return true;
  return false;
}

Value builtin_all(const CallArgs& args) {
  Value it = make_iterator(args[0]);
  Value item;
  while (iterator_next(it, item))
    if (!truthy(item)) return false;
  return true;
}

Value builtin_map(const CallArgs& args) {
  std::vector<Value> out;
  Value it = make_iterator(args[1]);
  Value item;
  while (iterator_next(it, item)) {
    ArgList a{item};
    out.push_back(call_value(args[0], a.view()));
  }
  return make_list(std::move(out));
}

Value builtin_filter(const CallArgs& args) {
  std::vector<Value> out;
  Value it = make_iterator(args[1]);
  Value item;
  while (iterator_next(it, item)) {
    bool keep;
    if (args[0].is_none()) {
      keep = truthy(item);
    } else {
      ArgList a{item};
      keep = truthy(call_value(args[0], a.view()));
    }
    if (keep) out.push_back(item);
  }
  return make_list(std::move(out));
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_print, &builtin_print);
  register_builtin(BuiltinId::k_len, &builtin_len);
  register_builtin(BuiltinId::k_range, &builtin_range);
  register_builtin(BuiltinId::k_enumerate, &builtin_enumerate);
  register_builtin(BuiltinId::k_zip, &builtin_zip);
  register_builtin(BuiltinId::k_min, &builtin_min);
  register_builtin(BuiltinId::k_max, &builtin_max);
  register_builtin(BuiltinId::k_sum, &builtin_sum);
  register_builtin(BuiltinId::k_abs, &builtin_abs);
  register_builtin(BuiltinId::k_round, &builtin_round);
  register_builtin(BuiltinId::k_float, &builtin_float);
  register_builtin(BuiltinId::k_int, &builtin_int);
  register_builtin(BuiltinId::k_bool, &builtin_bool);
  register_builtin(BuiltinId::k_str, &builtin_str);
  register_builtin(BuiltinId::k_list, &builtin_list);
  register_builtin(BuiltinId::k_tuple, &builtin_tuple);
  register_builtin(BuiltinId::k_dict, &builtin_dict);
  register_builtin(BuiltinId::k_sorted, &builtin_sorted);
  register_builtin(BuiltinId::k_reversed, &builtin_reversed);
  register_builtin(BuiltinId::k_any, &builtin_any);
  register_builtin(BuiltinId::k_all, &builtin_all);
  register_builtin(BuiltinId::k_map, &builtin_map);
  register_builtin(BuiltinId::k_filter, &builtin_filter);
  register_builtin(BuiltinId::k_repr, &builtin_repr);
  register_builtin(BuiltinId::k_type_name, &builtin_type_name);
  register_constant(BuiltinId::k_pi, Value(M_PI));
  register_constant(BuiltinId::k_inf, Value(std::numeric_limits<double>::infinity()));
  register_constant(BuiltinId::k_nan, Value(std::numeric_limits<double>::quiet_NaN()));
  register_constant(BuiltinId::k_argv, make_list());
}

}  // namespace kiln::rt
