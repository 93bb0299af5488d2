// The runtime value: 16 bytes, no heap allocation for None, bool, int and
// float, an intrusively reference-counted Object for everything else (str,
// list, tuple, dict, functions, tensors, distributions, ...). This header does
// not include LibTorch: tensors are an Object kind defined in tensor_value.h,
// so the interpreter core compiles without LibTorch headers.
//
// Threading: reference counts are plain integers, because an atomic
// increment and decrement on every call and copy cost more than the rest of
// a .ppl call (measured: a quarter of fib's time). An object may therefore be
// used by one thread only, unless it is made immortal first
// (make_immortal(value), objects.h): immortal objects skip reference
// counting and are never freed. Engines that run a model on several threads
// (parallel chains) make the shared model, globals and data immortal before
// starting them. Containers are not synchronized: shared values must not be
// mutated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln::rt {

enum class ObjKind : uint8_t {
  kStr,
  kList,
  kTuple,
  kDict,
  kFunction,   // a closure of an ir::Function
  kBuiltin,    // a native function
  kBoundMethod,
  kCell,
  kIterator,
  kSlice,
  kTensor,
  kNative,     // anything else (distributions, traces, handlers, ...): behaviour by virtuals
};

class Value;
struct CallArgs;

class Object {
 public:
  explicit Object(ObjKind kind) : kind_(kind) {}
  virtual ~Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  ObjKind kind() const { return kind_; }
  void retain() {
    if (refs_ >= 0) ++refs_;
  }
  void release() {
    if (refs_ > 0 && --refs_ == 0) delete this;
  }
  bool immortal() const { return refs_ < 0; }
  // Never counted or freed again; see the threading note above.
  void set_immortal() { refs_ = -1; }

  // The user-facing type name, used in error messages ("tensor", "Normal").
  virtual std::string type_name() const = 0;
  // str() of the value; repr() for strings quotes them.
  virtual std::string to_string() const = 0;
  virtual std::string repr() const { return to_string(); }
  // Attribute and method access for kNative kinds and extensions. The default
  // raises "'<type>' has no attribute '<name>'".
  virtual Value get_attr(std::string_view name) const;
  virtual Value call_method(std::string_view name, const CallArgs& args);
  // Calling the object itself (a native callable); default raises.
  virtual Value call(const CallArgs& args);
  // Appends every Value this native object holds (a wrapped model, a base
  // distribution, captured handler data) to `out`, so make_immortal
  // (objects.h) can reach them. Containers and closures are walked by
  // make_immortal itself; a native kind that keeps Values must override
  // this, or sharing it between threads races on their reference counts.
  virtual void append_members(std::vector<Value>& out) const { (void)out; }

 private:
  int32_t refs_ = 0;  // < 0: immortal
  ObjKind kind_;
};

enum class Tag : uint8_t { kUnbound, kNone, kBool, kInt, kFloat, kObject };

class Value {
 public:
  Value() : tag_(Tag::kNone), i_(0) {}
  static Value unbound() {
    Value v;
    v.tag_ = Tag::kUnbound;
    return v;
  }
  Value(bool b) : tag_(Tag::kBool), i_(b) {}  // NOLINT: implicit by design
  Value(int64_t i) : tag_(Tag::kInt), i_(i) {}  // NOLINT
  Value(int i) : tag_(Tag::kInt), i_(i) {}      // NOLINT
  Value(double f) : tag_(Tag::kFloat), f_(f) {}  // NOLINT
  // Takes a reference to `o` (which may be freshly made with refcount 0).
  explicit Value(Object* o) : tag_(Tag::kObject), o_(o) { o->retain(); }

  Value(const Value& v) : tag_(v.tag_), i_(v.i_) {
    if (tag_ == Tag::kObject) o_->retain();
  }
  Value(Value&& v) noexcept : tag_(v.tag_), i_(v.i_) { v.tag_ = Tag::kNone; }
  Value& operator=(const Value& v) {
    if (v.tag_ == Tag::kObject) v.o_->retain();
    if (tag_ == Tag::kObject) o_->release();
    tag_ = v.tag_;
    i_ = v.i_;
    return *this;
  }
  Value& operator=(Value&& v) noexcept {
    if (this != &v) {
      if (tag_ == Tag::kObject) o_->release();
      tag_ = v.tag_;
      i_ = v.i_;
      v.tag_ = Tag::kNone;
    }
    return *this;
  }
  ~Value() {
    if (tag_ == Tag::kObject) o_->release();
  }

  Tag tag() const { return tag_; }
  bool is_unbound() const { return tag_ == Tag::kUnbound; }
  bool is_none() const { return tag_ == Tag::kNone; }
  bool is_bool() const { return tag_ == Tag::kBool; }
  bool is_int() const { return tag_ == Tag::kInt; }
  bool is_float() const { return tag_ == Tag::kFloat; }
  // int, float or bool: a Python number.
  bool is_number() const { return tag_ == Tag::kInt || tag_ == Tag::kFloat || tag_ == Tag::kBool; }
  bool is_object() const { return tag_ == Tag::kObject; }
  bool is(ObjKind k) const { return tag_ == Tag::kObject && o_->kind() == k; }

  bool as_bool() const { return i_ != 0; }
  int64_t as_int() const { return i_; }
  double as_float() const { return f_; }
  // A number as double (bool and int convert).
  double to_double() const { return tag_ == Tag::kFloat ? f_ : static_cast<double>(i_); }
  Object* obj() const { return o_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(o_);
  }

  // Identity of objects, equality of immediates (the `is` operator).
  bool identical(const Value& v) const {
    return tag_ == v.tag_ && (tag_ == Tag::kFloat ? f_ == v.f_ : i_ == v.i_);
  }

 private:
  Tag tag_;
  union {
    int64_t i_;  // also bool
    double f_;
    Object* o_;
  };
};

// Reference-holding pointer for code that works with one object kind.
template <class T>
Value make_value(T* object) {
  return Value(static_cast<Object*>(object));
}

}  // namespace kiln::rt
