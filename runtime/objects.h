// The core object kinds: str, list, tuple, dict, cell, slice, functions,
// builtins, bound methods and iterators. Tensors live in tensor_value.h (the
// only core kind that needs LibTorch); distributions, traces and handlers
// are kNative objects defined where they belong (stdlib/, runtime/handlers/).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::ir {
struct Function;
}

namespace kiln::rt {

class Interpreter;

struct StrObject final : Object {
  std::string value;
  explicit StrObject(std::string s) : Object(ObjKind::kStr), value(std::move(s)) {}
  std::string type_name() const override { return "str"; }
  std::string to_string() const override { return value; }
  std::string repr() const override;
};

struct ListObject final : Object {
  std::vector<Value> items;
  ListObject() : Object(ObjKind::kList) {}
  explicit ListObject(std::vector<Value> v) : Object(ObjKind::kList), items(std::move(v)) {}
  std::string type_name() const override { return "list"; }
  std::string to_string() const override;
};

struct TupleObject final : Object {
  std::vector<Value> items;
  explicit TupleObject(std::vector<Value> v) : Object(ObjKind::kTuple), items(std::move(v)) {}
  std::string type_name() const override { return "tuple"; }
  std::string to_string() const override;
};

struct ValueHash {
  size_t operator()(const Value& v) const;
};
struct ValueKeyEq {
  bool operator()(const Value& a, const Value& b) const;
};

// Insertion-ordered, as Python's dict. Keys must be hashable (None, bool,
// int, float, str, tuple of hashables); others raise a KilnError.
struct DictObject final : Object {
  DictObject() : Object(ObjKind::kDict) {}
  std::string type_name() const override { return "dict"; }
  std::string to_string() const override;

  const Value* find(const Value& key) const;
  void set(const Value& key, Value value);
  bool erase(const Value& key);
  size_t size() const { return index_.size(); }
  // Live entries in insertion order.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& e : entries_)
      if (!e.first.is_unbound()) f(e.first, e.second);
  }

 private:
  void compact();
  std::vector<std::pair<Value, Value>> entries_;  // erased entries have an unbound key
  std::unordered_map<Value, size_t, ValueHash, ValueKeyEq> index_;
};

struct CellObject final : Object {
  Value value = Value::unbound();
  CellObject() : Object(ObjKind::kCell) {}
  std::string type_name() const override { return "cell"; }
  std::string to_string() const override { return "<cell>"; }
};

struct SliceObject final : Object {
  Value lower, upper, step;  // None when absent
  SliceObject(Value l, Value u, Value s)
      : Object(ObjKind::kSlice), lower(std::move(l)), upper(std::move(u)), step(std::move(s)) {}
  std::string type_name() const override { return "slice"; }
  std::string to_string() const override;
};

// A closure: an IR function plus its captured cells and default values.
struct FunctionObject final : Object {
  const ir::Function* function;
  uint32_t function_index;
  std::vector<Value> captures;  // CellObjects
  std::vector<Value> defaults;  // for the trailing parameters that have one
  FunctionObject(const ir::Function* f, uint32_t index)
      : Object(ObjKind::kFunction), function(f), function_index(index) {}
  std::string type_name() const override { return "function"; }
  std::string to_string() const override;
};

using NativeFn = Value (*)(const CallArgs& args);

struct BuiltinObject final : Object {
  std::string name;
  NativeFn fn;
  BuiltinObject(std::string n, NativeFn f) : Object(ObjKind::kBuiltin), name(std::move(n)), fn(f) {}
  std::string type_name() const override { return "builtin"; }
  std::string to_string() const override { return "<builtin " + name + ">"; }
};

// obj.method, taken as a value (not called at once).
struct BoundMethodObject final : Object {
  Value self;
  std::string name;
  BoundMethodObject(Value s, std::string n)
      : Object(ObjKind::kBoundMethod), self(std::move(s)), name(std::move(n)) {}
  std::string type_name() const override { return "method"; }
  std::string to_string() const override { return "<method " + name + ">"; }
};

// Iterators produced by GetIter. Ranges and sequences are iterated without
// materializing; other iterables are snapshotted into a list first.
struct IteratorObject final : Object {
  enum class Mode : uint8_t { kRange, kSequence };
  Mode mode;
  int64_t next_int = 0, stop_int = 0, step_int = 1;  // kRange
  Value sequence;                                     // kSequence: list, tuple or tensor
  size_t position = 0;
  explicit IteratorObject(Mode m) : Object(ObjKind::kIterator), mode(m) {}
  std::string type_name() const override { return "iterator"; }
  std::string to_string() const override { return "<iterator>"; }
};

// range(start, stop, step): re-iterable, indexable, never materialized.
struct RangeObject final : Object {
  int64_t start, stop, step;
  RangeObject(int64_t a, int64_t b, int64_t s) : Object(ObjKind::kNative), start(a), stop(b), step(s) {}
  std::string type_name() const override { return "range"; }
  std::string to_string() const override;
  int64_t size() const;
  int64_t at(int64_t i) const { return start + i * step; }
};

// `...` in an index (x[..., 0]).
struct EllipsisObject final : Object {
  EllipsisObject() : Object(ObjKind::kNative) {}
  std::string type_name() const override { return "ellipsis"; }
  std::string to_string() const override { return "Ellipsis"; }
};

// ---- constructors
Value make_str(std::string s);
Value make_list(std::vector<Value> items = {});
Value make_tuple(std::vector<Value> items);
Value make_dict();

// Makes `v` and everything reachable from it (container items, closure
// captures and defaults, cell contents, the members native objects report
// through Object::append_members) immortal, so several threads may read
// them (value.h). Tensors' storage is LibTorch's and is shared safely.
void make_immortal(const Value& v);

// ---- inspection helpers
inline bool is_str(const Value& v) { return v.is(ObjKind::kStr); }
inline const std::string& str_of(const Value& v) { return v.as<StrObject>()->value; }

}  // namespace kiln::rt
