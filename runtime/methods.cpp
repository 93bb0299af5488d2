// Attributes and methods of the core types (list, dict, str, tuple), and the
// dispatch of get_attr / call_method to tensors and native objects.
#include <algorithm>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_hooks.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

namespace {

void expect_args(const CallArgs& args, size_t lo, size_t hi, std::string_view method) {
  if (args.nkw != 0) raise(std::string(method) + "() takes no keyword arguments");
  if (args.npos < lo || args.npos > hi) {
    std::string expected = lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
    raise(std::string(method) + "() takes " + expected + " argument" + (hi == 1 ? "" : "s") + " (" +
          std::to_string(args.npos) + " given)");
  }
}

Value list_method(ListObject& list, std::string_view name, const CallArgs& args) {
  auto& items = list.items;
  if (name == "append") {
    expect_args(args, 1, 1, "list.append");
    items.push_back(args[0]);
    return Value();
  }
  if (name == "extend") {
    expect_args(args, 1, 1, "list.extend");
    std::vector<Value> more = to_vector(args[0]);
    items.insert(items.end(), more.begin(), more.end());
    return Value();
  }
  if (name == "pop") {
    expect_args(args, 0, 1, "list.pop");
    if (items.empty()) raise("pop from empty list");
    size_t i = args.npos ? normalize_index(to_int(args[0], "pop index"), items.size(), "pop")
                         : items.size() - 1;
    Value v = items[i];
    items.erase(items.begin() + static_cast<ptrdiff_t>(i));
    return v;
  }
  if (name == "insert") {
    expect_args(args, 2, 2, "list.insert");
    int64_t n = static_cast<int64_t>(items.size());
    int64_t i = to_int(args[0], "insert index");
    if (i < 0) i = std::max<int64_t>(0, i + n);
    i = std::min(i, n);
    items.insert(items.begin() + i, args[1]);
    return Value();
  }
  if (name == "index") {
    expect_args(args, 1, 1, "list.index");
    for (size_t i = 0; i < items.size(); ++i)
      if (values_equal(items[i], args[0])) return static_cast<int64_t>(i);
    raise(to_repr(args[0]) + " is not in list");
  }
  if (name == "count") {
    expect_args(args, 1, 1, "list.count");
    int64_t n = 0;
    for (const Value& v : items) n += values_equal(v, args[0]);
    return n;
  }
  if (name == "remove") {
    expect_args(args, 1, 1, "list.remove");
    for (size_t i = 0; i < items.size(); ++i) {
      if (values_equal(items[i], args[0])) {
        items.erase(items.begin() + static_cast<ptrdiff_t>(i));
        return Value();
      }
    }
    raise(to_repr(args[0]) + " is not in list");
  }
  if (name == "reverse") {
    expect_args(args, 0, 0, "list.reverse");
    std::reverse(items.begin(), items.end());
    return Value();
  }
  if (name == "copy") {
    expect_args(args, 0, 0, "list.copy");
    return make_list(items);
  }
  if (name == "clear") {
    expect_args(args, 0, 0, "list.clear");
    items.clear();
    return Value();
  }
  raise("'list' object has no method '" + std::string(name) + "'",
        "list methods: append, extend, pop, insert, index, count, remove, reverse, copy, clear");
}

Value dict_method(DictObject& dict, std::string_view name, const CallArgs& args) {
  if (name == "get") {
    expect_args(args, 1, 2, "dict.get");
    const Value* v = dict.find(args[0]);
    if (v) return *v;
    return args.npos > 1 ? args[1] : Value();
  }
  if (name == "keys" || name == "values" || name == "items") {
    expect_args(args, 0, 0, "dict." + std::string(name));
    std::vector<Value> out;
    dict.for_each([&](const Value& k, const Value& v) {
      if (name == "keys") out.push_back(k);
      else if (name == "values") out.push_back(v);
      else out.push_back(make_tuple({k, v}));
    });
    return make_list(std::move(out));
  }
  if (name == "pop") {
    expect_args(args, 1, 2, "dict.pop");
    const Value* v = dict.find(args[0]);
    if (!v) {
      if (args.npos > 1) return args[1];
      raise("key " + to_repr(args[0]) + " not found in dict");
    }
    Value out = *v;
    dict.erase(args[0]);
    return out;
  }
  if (name == "update") {
    expect_args(args, 1, 1, "dict.update");
    if (!args[0].is(ObjKind::kDict)) raise("dict.update() needs a dict, not '" + type_name(args[0]) + "'");
    args[0].as<DictObject>()->for_each([&](const Value& k, const Value& v) { dict.set(k, v); });
    return Value();
  }
  if (name == "setdefault") {
    expect_args(args, 1, 2, "dict.setdefault");
    if (const Value* v = dict.find(args[0])) return *v;
    Value d = args.npos > 1 ? args[1] : Value();
    dict.set(args[0], d);
    return d;
  }
  if (name == "copy") {
    expect_args(args, 0, 0, "dict.copy");
    auto* copy = new DictObject();
    Value out = make_value(copy);
    dict.for_each([&](const Value& k, const Value& v) { copy->set(k, v); });
    return out;
  }
  raise("'dict' object has no method '" + std::string(name) + "'",
        "dict methods: get, keys, values, items, pop, update, setdefault, copy");
}

std::string strip_chars(const std::string& s, const std::string& chars, bool left, bool right) {
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && chars.find(s[b]) != std::string::npos) ++b;
  if (right)
    while (e > b && chars.find(s[e - 1]) != std::string::npos) --e;
  return s.substr(b, e - b);
}

Value str_method(const std::string& s, std::string_view name, const CallArgs& args) {
  auto str_arg = [&](size_t i, const char* what) -> const std::string& {
    if (!is_str(args[i])) raise(std::string(what) + " must be a str, not '" + type_name(args[i]) + "'");
    return str_of(args[i]);
  };
  if (name == "upper" || name == "lower") {
    expect_args(args, 0, 0, "str." + std::string(name));
    std::string out = s;
    for (char& c : out) c = static_cast<char>(name == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                                              : std::tolower(static_cast<unsigned char>(c)));
    return make_str(out);
  }
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    expect_args(args, 0, 1, "str." + std::string(name));
    std::string chars = args.npos ? str_arg(0, "strip characters") : " \t\n\r\f\v";
    return make_str(strip_chars(s, chars, name != "rstrip", name != "lstrip"));
  }
  if (name == "startswith" || name == "endswith") {
    expect_args(args, 1, 1, "str." + std::string(name));
    const std::string& p = str_arg(0, "prefix");
    bool r = p.size() <= s.size() &&
             (name == "startswith" ? s.compare(0, p.size(), p) == 0 : s.compare(s.size() - p.size(), p.size(), p) == 0);
    return r;
  }
  if (name == "split") {
    expect_args(args, 0, 1, "str.split");
    std::vector<Value> parts;
    if (args.npos == 0 || args[0].is_none()) {
      size_t i = 0;
      while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        size_t j = i;
        while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        if (j > i) parts.push_back(make_str(s.substr(i, j - i)));
        i = j;
      }
      return make_list(std::move(parts));
    }
    const std::string& sep = str_arg(0, "separator");
    if (sep.empty()) raise("empty separator");
    size_t start = 0;
    for (size_t pos; (pos = s.find(sep, start)) != std::string::npos; start = pos + sep.size())
      parts.push_back(make_str(s.substr(start, pos - start)));
    parts.push_back(make_str(s.substr(start)));
    return make_list(std::move(parts));
  }
  if (name == "join") {
    expect_args(args, 1, 1, "str.join");
    std::string out;
    std::vector<Value> items = to_vector(args[0]);
    for (size_t i = 0; i < items.size(); ++i) {
      if (!is_str(items[i])) raise("str.join() needs strings; item " + std::to_string(i) + " is '" + type_name(items[i]) + "'");
      if (i) out += s;
      out += str_of(items[i]);
    }
    return make_str(std::move(out));
  }
  if (name == "replace") {
    expect_args(args, 2, 2, "str.replace");
    const std::string& from = str_arg(0, "old");
    const std::string& to = str_arg(1, "new");
    if (from.empty()) return make_str(s);
    std::string out;
    size_t start = 0;
    for (size_t pos; (pos = s.find(from, start)) != std::string::npos; start = pos + from.size())
      out += s.substr(start, pos - start) + to;
    out += s.substr(start);
    return make_str(std::move(out));
  }
  if (name == "find") {
    expect_args(args, 1, 1, "str.find");
    size_t pos = s.find(str_arg(0, "substring"));
    return pos == std::string::npos ? int64_t{-1} : static_cast<int64_t>(pos);
  }
  if (name == "count") {
    expect_args(args, 1, 1, "str.count");
    const std::string& sub = str_arg(0, "substring");
    if (sub.empty()) return static_cast<int64_t>(s.size() + 1);
    int64_t n = 0;
    for (size_t pos = s.find(sub); pos != std::string::npos; pos = s.find(sub, pos + sub.size())) ++n;
    return n;
  }
  raise("'str' object has no method '" + std::string(name) + "'",
        "str methods: upper, lower, strip, lstrip, rstrip, startswith, endswith, split, join, replace, find, count");
}

Value tuple_method(const TupleObject& t, std::string_view name, const CallArgs& args) {
  if (name == "index" || name == "count") {
    expect_args(args, 1, 1, "tuple." + std::string(name));
    int64_t n = 0;
    for (size_t i = 0; i < t.items.size(); ++i) {
      if (!values_equal(t.items[i], args[0])) continue;
      if (name == "index") return static_cast<int64_t>(i);
      ++n;
    }
    if (name == "index") raise(to_repr(args[0]) + " is not in tuple");
    return n;
  }
  raise("'tuple' object has no method '" + std::string(name) + "'");
}

}  // namespace

Value get_attr(const Value& obj, std::string_view name) {
  if (obj.is(ObjKind::kTensor)) return tensor_get_attr(obj, name);
  if (obj.is_object()) {
    switch (obj.obj()->kind()) {
      case ObjKind::kList:
      case ObjKind::kDict:
      case ObjKind::kStr:
      case ObjKind::kTuple:
        // A method taken as a value: bind it, call later.
        return make_value(new BoundMethodObject(obj, std::string(name)));
      case ObjKind::kNative: return obj.obj()->get_attr(name);
      default: break;
    }
  }
  raise("'" + type_name(obj) + "' object has no attribute '" + std::string(name) + "'");
}

Value call_method(const Value& obj, std::string_view name, const CallArgs& args) {
  if (obj.is_object()) {
    switch (obj.obj()->kind()) {
      case ObjKind::kList: return list_method(*obj.as<ListObject>(), name, args);
      case ObjKind::kDict: return dict_method(*obj.as<DictObject>(), name, args);
      case ObjKind::kStr: return str_method(str_of(obj), name, args);
      case ObjKind::kTuple: return tuple_method(*obj.as<TupleObject>(), name, args);
      case ObjKind::kTensor: return tensor_call_method(obj, name, args);
      case ObjKind::kNative: return obj.obj()->call_method(name, args);
      default: break;
    }
  }
  // Not a method: an attribute holding a callable (e.g. a function stored on a native object).
  Value attr = get_attr(obj, name);
  return call_value(attr, args);
}

}  // namespace kiln::rt
