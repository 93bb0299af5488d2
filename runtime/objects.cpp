#include "runtime/objects.h"

#include <cmath>
#include <cstring>

#include <cstdint>

#include "runtime/errors.h"
#include "runtime/value_ops.h"
#include "ir/ir.h"

namespace kiln::rt {

// ---------------------------------------------------------------- Object defaults

Value Object::get_attr(std::string_view name) const {
  raise("'" + type_name() + "' object has no attribute '" + std::string(name) + "'");
}

Value Object::call_method(std::string_view name, const CallArgs&) {
  raise("'" + type_name() + "' object has no method '" + std::string(name) + "'");
}

Value Object::call(const CallArgs&) { raise("'" + type_name() + "' object is not callable"); }

// ---------------------------------------------------------------- printing

std::string StrObject::repr() const {
  // Python prefers single quotes unless the text contains one and no double.
  bool has_single = value.find('\'') != std::string::npos;
  bool has_double = value.find('"') != std::string::npos;
  char q = has_single && !has_double ? '"' : '\'';
  std::string out(1, q);
  for (unsigned char c : value) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c == static_cast<unsigned char>(q)) {
          out += '\\';
          out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + q;
}

namespace {
std::string join_reprs(const std::vector<Value>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += to_repr(items[i]);
  }
  return out;
}
}  // namespace

std::string ListObject::to_string() const { return "[" + join_reprs(items) + "]"; }

std::string TupleObject::to_string() const {
  if (items.size() == 1) return "(" + to_repr(items[0]) + ",)";
  return "(" + join_reprs(items) + ")";
}

std::string DictObject::to_string() const {
  std::string out = "{";
  bool first = true;
  for_each([&](const Value& k, const Value& v) {
    if (!first) out += ", ";
    first = false;
    out += to_repr(k) + ": " + to_repr(v);
  });
  return out + "}";
}

std::string SliceObject::to_string() const {
  return "slice(" + to_repr(lower) + ", " + to_repr(upper) + ", " + to_repr(step) + ")";
}

std::string RangeObject::to_string() const {
  std::string s = "range(" + std::to_string(start) + ", " + std::to_string(stop);
  if (step != 1) s += ", " + std::to_string(step);
  return s + ")";
}

int64_t RangeObject::size() const {
  // In 128 bits: stop - start overflows int64 for the widest ranges.
  __int128 a = start, b = stop, s = step;
  __int128 n = s > 0 ? (b > a ? (b - a + s - 1) / s : 0) : (a > b ? (a - b - s - 1) / (-s) : 0);
  if (n > INT64_MAX) raise("range() has more than 2**63 - 1 elements");
  return static_cast<int64_t>(n);
}

std::string FunctionObject::to_string() const { return "<function " + function->name + ">"; }

// ---------------------------------------------------------------- dict

size_t ValueHash::operator()(const Value& v) const {
  switch (v.tag()) {
    case Tag::kNone: return 0x9e3779b9;
    case Tag::kBool:
    case Tag::kInt: return std::hash<int64_t>()(v.as_int());
    case Tag::kFloat: {
      // Equal numbers hash equally across int and float, as in Python.
      double d = v.as_float();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
        return std::hash<int64_t>()(static_cast<int64_t>(d));
      }
      return std::hash<double>()(d);
    }
    case Tag::kObject:
      if (v.is(ObjKind::kStr)) return std::hash<std::string>()(str_of(v));
      if (v.is(ObjKind::kTuple)) {
        size_t h = 0x345678;
        for (const Value& item : v.as<TupleObject>()->items) h = h * 1000003 ^ (*this)(item);
        return h;
      }
      raise("unhashable type: '" + type_name(v) + "'",
            "dict keys must be str, int, float, bool, None or tuples of those");
    case Tag::kUnbound: break;
  }
  return 0;
}

bool ValueKeyEq::operator()(const Value& a, const Value& b) const { return values_equal(a, b); }

const Value* DictObject::find(const Value& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

void DictObject::set(const Value& key, Value value) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    entries_[it->second].second = std::move(value);
    return;
  }
  index_.emplace(key, entries_.size());
  entries_.emplace_back(key, std::move(value));
}

bool DictObject::erase(const Value& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  entries_[it->second] = {Value::unbound(), Value()};
  index_.erase(it);
  if (entries_.size() > 32 && index_.size() < entries_.size() / 2) compact();
  return true;
}

void DictObject::compact() {
  std::vector<std::pair<Value, Value>> live;
  live.reserve(index_.size());
  for (auto& e : entries_)
    if (!e.first.is_unbound()) live.push_back(std::move(e));
  entries_ = std::move(live);
  index_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
}

// ---------------------------------------------------------------- sharing

void make_immortal(const Value& root) {
  std::vector<Value> work = {root};
  while (!work.empty()) {
    Value v = std::move(work.back());
    work.pop_back();
    if (!v.is_object() || v.obj()->immortal()) continue;
    Object* o = v.obj();
    o->set_immortal();
    switch (o->kind()) {
      case ObjKind::kList:
        for (const Value& item : static_cast<ListObject*>(o)->items) work.push_back(item);
        break;
      case ObjKind::kTuple:
        for (const Value& item : static_cast<TupleObject*>(o)->items) work.push_back(item);
        break;
      case ObjKind::kDict:
        static_cast<DictObject*>(o)->for_each([&](const Value& k, const Value& x) {
          work.push_back(k);
          work.push_back(x);
        });
        break;
      case ObjKind::kFunction: {
        auto* f = static_cast<FunctionObject*>(o);
        for (const Value& c : f->captures) work.push_back(c);
        for (const Value& d : f->defaults) work.push_back(d);
        break;
      }
      case ObjKind::kCell:
        work.push_back(static_cast<CellObject*>(o)->value);
        break;
      case ObjKind::kBoundMethod:
        work.push_back(static_cast<BoundMethodObject*>(o)->self);
        break;
      default:
        o->append_members(work);
        break;
    }
  }
}

// ---------------------------------------------------------------- constructors

Value make_str(std::string s) { return make_value(new StrObject(std::move(s))); }
Value make_list(std::vector<Value> items) { return make_value(new ListObject(std::move(items))); }
Value make_tuple(std::vector<Value> items) { return make_value(new TupleObject(std::move(items))); }
Value make_dict() { return make_value(new DictObject()); }

}  // namespace kiln::rt
