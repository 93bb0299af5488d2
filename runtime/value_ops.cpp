#include "runtime/value_ops.h"

#include <cmath>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/container_protocol.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_hooks.h"

namespace kiln::rt {

using ir::Op;

// ---------------------------------------------------------------- names, printing

std::string type_name(const Value& v) {
  switch (v.tag()) {
    case Tag::kUnbound: return "unbound";
    case Tag::kNone: return "NoneType";
    case Tag::kBool: return "bool";
    case Tag::kInt: return "int";
    case Tag::kFloat: return "float";
    case Tag::kObject: return v.obj()->type_name();
  }
  return "?";
}

std::string format_float(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  // Python's repr: the shortest digits that round-trip, in fixed notation
  // when the decimal exponent is in [-4, 16), else as 1.5e-05 / 1e+16.
  char buf[40];
  int precision = 1;
  for (; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string sci = buf;
  size_t e = sci.find('e');
  int exponent = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i)
    if (std::isdigit(static_cast<unsigned char>(sci[i]))) digits += sci[i];
  std::string sign = d < 0 ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    std::string out;
    if (exponent < 0) {
      out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else if (static_cast<int>(digits.size()) <= exponent + 1) {
      out = digits + std::string(static_cast<size_t>(exponent + 1) - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, static_cast<size_t>(exponent + 1)) + "." + digits.substr(static_cast<size_t>(exponent + 1));
    }
    return sign + out;
  }
  std::string mantissa = digits.substr(0, 1);
  if (digits.size() > 1) mantissa += "." + digits.substr(1);
  char ebuf[16];
  std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return sign + mantissa + ebuf;
}

std::string to_str(const Value& v) {
  switch (v.tag()) {
    case Tag::kUnbound: return "<unbound>";
    case Tag::kNone: return "None";
    case Tag::kBool: return v.as_bool() ? "True" : "False";
    case Tag::kInt: return std::to_string(v.as_int());
    case Tag::kFloat: return format_float(v.as_float());
    case Tag::kObject:
      if (v.is(ObjKind::kTensor)) return tensor_to_string(v);
      return v.obj()->to_string();
  }
  return "";
}

std::string to_repr(const Value& v) {
  if (v.is_object() && !v.is(ObjKind::kTensor)) return v.obj()->repr();
  return to_str(v);
}

// ---------------------------------------------------------------- truth, equality

bool truthy(const Value& v) {
  switch (v.tag()) {
    case Tag::kUnbound:
    case Tag::kNone: return false;
    case Tag::kBool:
    case Tag::kInt: return v.as_int() != 0;
    case Tag::kFloat: return v.as_float() != 0.0;
    case Tag::kObject: break;
  }
  switch (v.obj()->kind()) {
    case ObjKind::kStr: return !str_of(v).empty();
    case ObjKind::kList: return !v.as<ListObject>()->items.empty();
    case ObjKind::kTuple: return !v.as<TupleObject>()->items.empty();
    case ObjKind::kDict: return v.as<DictObject>()->size() != 0;
    case ObjKind::kTensor: return tensor_truthy(v);
    default:
      if (auto* r = dynamic_cast<const RangeObject*>(v.obj())) return r->size() != 0;
      return true;
  }
}

namespace {

bool sequences_equal(const std::vector<Value>& a, const std::vector<Value>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!values_equal(a[i], b[i])) return false;
  return true;
}

}  // namespace

bool values_equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.to_double() == b.to_double();
    return a.as_int() == b.as_int();
  }
  if (a.tag() != b.tag()) return false;
  if (!a.is_object()) return true;  // both None
  if (a.obj() == b.obj()) return true;
  ObjKind ka = a.obj()->kind(), kb = b.obj()->kind();
  if (ka != kb) return false;
  switch (ka) {
    case ObjKind::kStr: return str_of(a) == str_of(b);
    case ObjKind::kList: return sequences_equal(a.as<ListObject>()->items, b.as<ListObject>()->items);
    case ObjKind::kTuple: return sequences_equal(a.as<TupleObject>()->items, b.as<TupleObject>()->items);
    case ObjKind::kDict: {
      auto* da = a.as<DictObject>();
      auto* db = b.as<DictObject>();
      if (da->size() != db->size()) return false;
      bool equal = true;
      da->for_each([&](const Value& k, const Value& v) {
        const Value* other = db->find(k);
        if (!other || !values_equal(v, *other)) equal = false;
      });
      return equal;
    }
    default: return false;  // identity only
  }
}

// ---------------------------------------------------------------- arithmetic

namespace {

[[noreturn]] void unsupported(const char* symbol, const Value& a, const Value& b) {
  raise(std::string("unsupported operand types for ") + symbol + ": '" + type_name(a) + "' and '" +
        type_name(b) + "'");
}

const char* op_symbol(Op op) {
  switch (op) {
    case Op::Add: return "+";
    case Op::Sub: return "-";
    case Op::Mul: return "*";
    case Op::Div: return "/";
    case Op::FloorDiv: return "//";
    case Op::Mod: return "%";
    case Op::Pow: return "**";
    case Op::MatMul: return "@";
    case Op::Eq: return "==";
    case Op::Ne: return "!=";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    default: return "?";
  }
}

[[noreturn]] void integer_overflow(const char* what) {
  raise(std::string("integer overflow in ") + what, "Kiln ints are 64-bit; use floats for larger values");
}

int64_t int_pow(int64_t base, int64_t exp) {
  int64_t result = 1;
  while (exp > 0) {
    if ((exp & 1) && __builtin_mul_overflow(result, base, &result)) integer_overflow("**");
    exp >>= 1;
    if (exp && __builtin_mul_overflow(base, base, &base)) integer_overflow("**");
  }
  return result;
}

Value number_op(Op op, const Value& a, const Value& b) {
  bool ints = !a.is_float() && !b.is_float();
  if (ints) {
    int64_t x = a.as_int(), y = b.as_int(), r = 0;
    switch (op) {
      // The overflow test must run before r is read: keep it a statement.
      case Op::Add:
        if (__builtin_add_overflow(x, y, &r)) integer_overflow("+");
        return r;
      case Op::Sub:
        if (__builtin_sub_overflow(x, y, &r)) integer_overflow("-");
        return r;
      case Op::Mul:
        if (__builtin_mul_overflow(x, y, &r)) integer_overflow("*");
        return r;
      case Op::Div:
        if (y == 0) raise("division by zero");
        return static_cast<double>(x) / static_cast<double>(y);
      case Op::FloorDiv: {
        if (y == 0) raise("integer division by zero");
        if (x == INT64_MIN && y == -1) integer_overflow("//");  // the one quotient that does not fit
        int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --q;  // round towards -inf
        return q;
      }
      case Op::Mod: {
        if (y == 0) raise("integer modulo by zero");
        if (y == -1) return int64_t{0};  // x % -1 traps for INT64_MIN in hardware
        int64_t m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) m += y;  // sign of the divisor
        return m;
      }
      case Op::Pow:
        if (y < 0) return std::pow(static_cast<double>(x), static_cast<double>(y));
        return int_pow(x, y);
      default: break;
    }
  }
  double x = a.to_double(), y = b.to_double();
  switch (op) {
    case Op::Add: return x + y;
    case Op::Sub: return x - y;
    case Op::Mul: return x * y;
    case Op::Div:
      if (y == 0.0) raise("float division by zero");
      return x / y;
    case Op::FloorDiv:
      if (y == 0.0) raise("float floor division by zero");
      return std::floor(x / y);
    case Op::Mod: {
      if (y == 0.0) raise("float modulo by zero");
      double m = std::fmod(x, y);
      if (m != 0.0 && ((m < 0) != (y < 0))) m += y;
      return m;
    }
    case Op::Pow: {
      if (x == 0.0 && y < 0) raise("0.0 cannot be raised to a negative power");
      double r = std::pow(x, y);
      if (std::isnan(r) && !std::isnan(x) && !std::isnan(y)) {
        raise("negative number raised to a fractional power", "Kiln has no complex numbers");
      }
      return r;
    }
    case Op::MatMul: unsupported("@", a, b);
    default: break;
  }
  unsupported(op_symbol(op), a, b);
}

// Sequences longer than this are refused rather than attempted (about 16 GiB of values).
constexpr int64_t kMaxSequenceLength = int64_t{1} << 30;

std::vector<Value> repeat(const std::vector<Value>& items, int64_t times) {
  std::vector<Value> out;
  if (times <= 0) return out;
  if (!items.empty() && times > kMaxSequenceLength / static_cast<int64_t>(items.size())) {
    raise("sequence repetition too large (" + std::to_string(items.size()) + " x " + std::to_string(times) + ")");
  }
  out.reserve(items.size() * static_cast<size_t>(times));
  for (int64_t t = 0; t < times; ++t) out.insert(out.end(), items.begin(), items.end());
  return out;
}

Value sequence_op(Op op, const Value& a, const Value& b) {
  ObjKind ka = a.is_object() ? a.obj()->kind() : ObjKind::kNative;
  ObjKind kb = b.is_object() ? b.obj()->kind() : ObjKind::kNative;
  if (op == Op::Add && a.is_object() && b.is_object() && ka == kb) {
    switch (ka) {
      case ObjKind::kStr: return make_str(str_of(a) + str_of(b));
      case ObjKind::kList: {
        std::vector<Value> items = a.as<ListObject>()->items;
        const auto& more = b.as<ListObject>()->items;
        items.insert(items.end(), more.begin(), more.end());
        return make_list(std::move(items));
      }
      case ObjKind::kTuple: {
        std::vector<Value> items = a.as<TupleObject>()->items;
        const auto& more = b.as<TupleObject>()->items;
        items.insert(items.end(), more.begin(), more.end());
        return make_tuple(std::move(items));
      }
      default: break;
    }
  }
  if (op == Op::Mul) {
    const Value& seq = a.is_int() || a.is_bool() ? b : a;
    const Value& count = a.is_int() || a.is_bool() ? a : b;
    if ((count.is_int() || count.is_bool()) && seq.is_object()) {
      int64_t n = count.as_int();
      switch (seq.obj()->kind()) {
        case ObjKind::kStr: {
          std::string out;
          for (int64_t i = 0; i < n; ++i) out += str_of(seq);
          return make_str(std::move(out));
        }
        case ObjKind::kList: return make_list(repeat(seq.as<ListObject>()->items, n));
        case ObjKind::kTuple: return make_tuple(repeat(seq.as<TupleObject>()->items, n));
        default: break;
      }
    }
  }
  if (op == Op::Mod && is_str(a)) {
    raise("'%' formatting of strings is not supported", "use an f-string: f\"{x:.3f}\"");
  }
  unsupported(op_symbol(op), a, b);
}

// <, <=, >, >= on numbers, strings and sequences (lexicographic).
int compare_order(const Value& a, const Value& b, Op op) {
  if (a.is_number() && b.is_number()) {
    if (!a.is_float() && !b.is_float()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
    double x = a.to_double(), y = b.to_double();
    if (std::isnan(x) || std::isnan(y)) return 2;  // unordered: every comparison false
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (is_str(a) && is_str(b)) {
    int c = str_of(a).compare(str_of(b));
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  auto items = [](const Value& v) -> const std::vector<Value>* {
    if (v.is(ObjKind::kList)) return &v.as<ListObject>()->items;
    if (v.is(ObjKind::kTuple)) return &v.as<TupleObject>()->items;
    return nullptr;
  };
  const auto* x = items(a);
  const auto* y = items(b);
  if (x && y && a.obj()->kind() == b.obj()->kind()) {
    for (size_t i = 0; i < x->size() && i < y->size(); ++i) {
      if (values_equal((*x)[i], (*y)[i])) continue;
      return compare_order((*x)[i], (*y)[i], op);
    }
    return x->size() < y->size() ? -1 : x->size() > y->size() ? 1 : 0;
  }
  raise(std::string("'") + op_symbol(op) + "' is not supported between '" + type_name(a) + "' and '" +
        type_name(b) + "'");
}

}  // namespace

Value binary_op(Op op, const Value& a, const Value& b) {
  if (a.is_unbound() || b.is_unbound()) raise("a variable was used before it was assigned");
  if (a.is(ObjKind::kTensor) || b.is(ObjKind::kTensor)) {
    if (op != Op::Is && op != Op::IsNot && op != Op::In && op != Op::NotIn) return tensor_binary_op(op, a, b);
  }
  switch (op) {
    case Op::Eq: return values_equal(a, b);
    case Op::Ne: return !values_equal(a, b);
    case Op::Lt: return compare_order(a, b, op) == -1;
    case Op::Le: {
      int c = compare_order(a, b, op);
      return c == -1 || c == 0;
    }
    case Op::Gt: return compare_order(a, b, op) == 1;
    case Op::Ge: {
      int c = compare_order(a, b, op);
      return c == 1 || c == 0;
    }
    case Op::In: return contains(b, a);
    case Op::NotIn: return !contains(b, a);
    case Op::Is: return a.identical(b);
    case Op::IsNot: return !a.identical(b);
    default: break;
  }
  if (a.is_number() && b.is_number()) return number_op(op, a, b);
  return sequence_op(op, a, b);
}

Value unary_op(Op op, const Value& a) {
  if (a.is_unbound()) raise("a variable was used before it was assigned");
  if (op == Op::Not) return !truthy(a);
  if (a.is(ObjKind::kTensor)) return tensor_unary_op(op, a);
  if (op == Op::Pos) {
    if (a.is_bool()) return Value(a.as_int());
    if (a.is_number()) return a;
  }
  if (op == Op::Neg) {
    if (a.is_float()) return -a.as_float();
    if (a.is_int() || a.is_bool()) {
      if (a.as_int() == INT64_MIN) raise("integer overflow in unary -");
      return -a.as_int();
    }
  }
  raise(std::string("bad operand type for unary ") + (op == Op::Neg ? "-" : "+") + ": '" + type_name(a) + "'");
}

// ---------------------------------------------------------------- numbers

double to_double(const Value& v, std::string_view what) {
  if (v.is_number()) return v.to_double();
  if (v.is(ObjKind::kTensor)) {
    Value item = tensor_call_method(v, "item", CallArgs{});
    if (item.is_number()) return item.to_double();
  }
  raise(std::string(what) + " must be a number, not '" + type_name(v) + "'");
}

int64_t to_int(const Value& v, std::string_view what) {
  if (v.is_int() || v.is_bool()) return v.as_int();
  if (v.is(ObjKind::kTensor)) {
    Value item = tensor_call_method(v, "item", CallArgs{});
    if (item.is_int() || item.is_bool()) return item.as_int();
  }
  raise(std::string(what) + " must be an int, not '" + type_name(v) + "'");
}

size_t normalize_index(int64_t i, size_t size, std::string_view what) {
  int64_t n = static_cast<int64_t>(size);
  if (i < 0) i += n;
  if (i < 0 || i >= n) {
    raise(std::string(what) + " index out of range (index " + std::to_string(i < 0 ? i - n : i) +
          ", length " + std::to_string(n) + ")");
  }
  return static_cast<size_t>(i);
}

// ---------------------------------------------------------------- containers

int64_t length(const Value& v) {
  if (v.is_object()) {
    switch (v.obj()->kind()) {
      case ObjKind::kStr: {
        int64_t n = 0;
        for (unsigned char c : str_of(v)) n += (c & 0xC0) != 0x80;
        return n;
      }
      case ObjKind::kList: return static_cast<int64_t>(v.as<ListObject>()->items.size());
      case ObjKind::kTuple: return static_cast<int64_t>(v.as<TupleObject>()->items.size());
      case ObjKind::kDict: return static_cast<int64_t>(v.as<DictObject>()->size());
      case ObjKind::kTensor: return tensor_length(v);
      default:
        if (auto* r = dynamic_cast<const RangeObject*>(v.obj())) return r->size();
        if (auto* c = dynamic_cast<const ContainerProtocol*>(v.obj())) return c->length();
        break;
    }
  }
  raise("object of type '" + type_name(v) + "' has no len()");
}

bool contains(const Value& container, const Value& item) {
  if (container.is_object()) {
    switch (container.obj()->kind()) {
      case ObjKind::kStr:
        if (!is_str(item)) raise("'in <string>' requires a string on the left, not '" + type_name(item) + "'");
        return str_of(container).find(str_of(item)) != std::string::npos;
      case ObjKind::kList:
      case ObjKind::kTuple: {
        const auto& items = container.is(ObjKind::kList) ? container.as<ListObject>()->items
                                                          : container.as<TupleObject>()->items;
        for (const Value& v : items)
          if (values_equal(v, item)) return true;
        return false;
      }
      case ObjKind::kDict: return container.as<DictObject>()->find(item) != nullptr;
      case ObjKind::kTensor: return tensor_contains(container, item);
      default:
        if (auto* r = dynamic_cast<const RangeObject*>(container.obj())) {
          if (!(item.is_int() || item.is_bool())) return false;
          int64_t x = item.as_int();
          if (r->step > 0 ? (x < r->start || x >= r->stop) : (x > r->start || x <= r->stop)) return false;
          return (x - r->start) % r->step == 0;
        }
        break;
    }
  }
  raise("argument of type '" + type_name(container) + "' is not a container");
}

namespace {

// Python slice bounds over a sequence of `size`: start, stop, step, count.
struct SliceBounds {
  int64_t start, stop, step, count;
};

SliceBounds slice_bounds(const SliceObject& s, int64_t size) {
  int64_t step = s.step.is_none() ? 1 : to_int(s.step, "slice step");
  if (step == 0) raise("slice step cannot be zero");
  auto clamp_bound = [&](const Value& v, int64_t dflt) {
    if (v.is_none()) return dflt;
    int64_t i = to_int(v, "slice index");
    if (i < 0) i += size;
    if (step > 0) return std::clamp<int64_t>(i, 0, size);
    return std::clamp<int64_t>(i, -1, size - 1);
  };
  int64_t start = clamp_bound(s.lower, step > 0 ? 0 : size - 1);
  int64_t stop = clamp_bound(s.upper, step > 0 ? size : -1);
  int64_t count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                           : (start > stop ? (start - stop - step - 1) / (-step) : 0);
  return {start, stop, step, count};
}

std::vector<Value> slice_items(const std::vector<Value>& items, const SliceObject& s) {
  SliceBounds b = slice_bounds(s, static_cast<int64_t>(items.size()));
  std::vector<Value> out;
  out.reserve(static_cast<size_t>(b.count));
  for (int64_t k = 0, i = b.start; k < b.count; ++k, i += b.step) out.push_back(items[static_cast<size_t>(i)]);
  return out;
}

// Code points of a UTF-8 string (strings are indexed by character).
std::vector<std::string> characters(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

Value get_item(const Value& obj, const Value& key) {
  if (obj.is(ObjKind::kTensor)) return tensor_get_item(obj, key);
  if (obj.is(ObjKind::kDict)) {
    const Value* v = obj.as<DictObject>()->find(key);
    if (!v) raise("key " + to_repr(key) + " not found in dict", "use d.get(key, default) for optional keys");
    return *v;
  }
  if (obj.is(ObjKind::kList) || obj.is(ObjKind::kTuple)) {
    const auto& items = obj.is(ObjKind::kList) ? obj.as<ListObject>()->items : obj.as<TupleObject>()->items;
    if (key.is(ObjKind::kSlice)) {
      auto sliced = slice_items(items, *key.as<SliceObject>());
      return obj.is(ObjKind::kList) ? make_list(std::move(sliced)) : make_tuple(std::move(sliced));
    }
    if (!(key.is_int() || key.is_bool())) {
      raise(type_name(obj) + " indices must be integers or slices, not '" + type_name(key) + "'");
    }
    return items[normalize_index(key.as_int(), items.size(), type_name(obj))];
  }
  if (is_str(obj)) {
    std::vector<std::string> chars = characters(str_of(obj));
    if (key.is(ObjKind::kSlice)) {
      SliceBounds b = slice_bounds(*key.as<SliceObject>(), static_cast<int64_t>(chars.size()));
      std::string out;
      for (int64_t k = 0, i = b.start; k < b.count; ++k, i += b.step) out += chars[static_cast<size_t>(i)];
      return make_str(std::move(out));
    }
    return make_str(chars[normalize_index(to_int(key, "string index"), chars.size(), "string")]);
  }
  if (obj.is_object()) {
    if (auto* r = dynamic_cast<const RangeObject*>(obj.obj())) {
      return r->at(static_cast<int64_t>(normalize_index(to_int(key, "range index"), static_cast<size_t>(r->size()), "range")));
    }
    if (auto* c = dynamic_cast<const ContainerProtocol*>(obj.obj())) return c->get_item(key);
  }
  raise("'" + type_name(obj) + "' object is not subscriptable");
}

void set_item(const Value& obj, const Value& key, const Value& value) {
  if (obj.is(ObjKind::kTensor)) return tensor_set_item(obj, key, value);
  if (obj.is(ObjKind::kDict)) return obj.as<DictObject>()->set(key, value);
  if (obj.is(ObjKind::kList)) {
    auto& items = obj.as<ListObject>()->items;
    if (key.is(ObjKind::kSlice)) raise("assigning to a list slice is not supported", "build a new list instead");
    items[normalize_index(to_int(key, "list index"), items.size(), "list assignment")] = value;
    return;
  }
  raise("'" + type_name(obj) + "' object does not support item assignment");
}

// ---------------------------------------------------------------- iteration

Value make_iterator(const Value& iterable) {
  if (iterable.is(ObjKind::kIterator)) return iterable;
  if (iterable.is_object()) {
    ObjKind k = iterable.obj()->kind();
    if (k == ObjKind::kList || k == ObjKind::kTuple || k == ObjKind::kTensor) {
      auto* it = new IteratorObject(IteratorObject::Mode::kSequence);
      it->sequence = iterable;
      return make_value(it);
    }
    if (k == ObjKind::kStr) {
      std::vector<Value> chars;
      for (std::string& c : characters(str_of(iterable))) chars.push_back(make_str(std::move(c)));
      auto* it = new IteratorObject(IteratorObject::Mode::kSequence);
      it->sequence = make_list(std::move(chars));
      return make_value(it);
    }
    if (k == ObjKind::kDict) {
      std::vector<Value> keys;
      iterable.as<DictObject>()->for_each([&](const Value& key, const Value&) { keys.push_back(key); });
      auto* it = new IteratorObject(IteratorObject::Mode::kSequence);
      it->sequence = make_list(std::move(keys));
      return make_value(it);
    }
    if (auto* r = dynamic_cast<const RangeObject*>(iterable.obj())) {
      auto* it = new IteratorObject(IteratorObject::Mode::kRange);
      it->next_int = r->start;
      it->stop_int = r->stop;
      it->step_int = r->step;
      return make_value(it);
    }
    if (auto* c = dynamic_cast<const ContainerProtocol*>(iterable.obj())) {
      auto* it = new IteratorObject(IteratorObject::Mode::kSequence);
      it->sequence = c->iteration_items();
      return make_value(it);
    }
  }
  raise("'" + type_name(iterable) + "' object is not iterable");
}

bool iterator_next(const Value& iterator, Value& out) {
  auto* it = iterator.as<IteratorObject>();
  switch (it->mode) {
    case IteratorObject::Mode::kRange:
      if (it->step_int > 0 ? it->next_int >= it->stop_int : it->next_int <= it->stop_int) return false;
      out = Value(it->next_int);
      it->next_int += it->step_int;
      return true;
    case IteratorObject::Mode::kSequence: {
      const Value& seq = it->sequence;
      if (seq.is(ObjKind::kTensor)) {
        if (static_cast<int64_t>(it->position) >= tensor_length(seq)) return false;
        out = tensor_element(seq, static_cast<int64_t>(it->position++));
        return true;
      }
      const auto& items = seq.is(ObjKind::kList) ? seq.as<ListObject>()->items : seq.as<TupleObject>()->items;
      if (it->position >= items.size()) return false;
      out = items[it->position++];
      return true;
    }
  }
  return false;
}

std::vector<Value> to_vector(const Value& iterable) {
  if (iterable.is(ObjKind::kList)) return iterable.as<ListObject>()->items;
  if (iterable.is(ObjKind::kTuple)) return iterable.as<TupleObject>()->items;
  std::vector<Value> out;
  Value it = make_iterator(iterable);
  Value item;
  while (iterator_next(it, item)) out.push_back(item);
  return out;
}

}  // namespace kiln::rt
