#include "runtime/interpreter.h"

#include <alloca.h>

#include <cmath>

#include "frontend/builtins.h"
#include "runtime/builtin_registry.h"
#include "runtime/effects.h"
#include "runtime/errors.h"
#include "runtime/format.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/interrupt.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

using ir::Op;

namespace {

thread_local Interpreter* g_current = nullptr;

Value constant_value(const ir::Constant& c) {
  return std::visit(
      [](const auto& v) -> Value {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, ir::NoneConst>) return Value();
        if constexpr (std::is_same_v<T, bool>) return Value(v);
        if constexpr (std::is_same_v<T, int64_t>) return Value(v);
        if constexpr (std::is_same_v<T, double>) return Value(v);
        if constexpr (std::is_same_v<T, std::string>) return make_str(v);
        if constexpr (std::is_same_v<T, ir::Ellipsis>) return make_value(new EllipsisObject());
        if constexpr (std::is_same_v<T, ir::KeywordNames>) return Value();
      },
      c);
}

// Registers of one .ppl call, constructed in place on the C++ stack.
struct RegisterGuard {
  Value* regs;
  uint32_t count;
  ~RegisterGuard() {
    for (uint32_t i = 0; i < count; ++i) regs[i].~Value();
  }
};

struct DepthGuard {
  int& depth;
  explicit DepthGuard(int& d) : depth(d) { ++depth; }
  ~DepthGuard() { --depth; }
};

// Gathers an instruction's argument registers into contiguous storage without
// touching the heap for the common case of a few arguments.
class GatheredArgs {
 public:
  GatheredArgs(const Value* regs, const std::vector<uint32_t>& args) : size_(args.size()) {
    if (size_ > kInline) {
      heap_.reserve(size_);
      for (uint32_t r : args) heap_.push_back(regs[r]);
      data_ = heap_.data();
    } else {
      for (size_t i = 0; i < size_; ++i) inline_[i] = regs[args[i]];
      data_ = inline_;
    }
  }
  const Value* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  static constexpr size_t kInline = 8;
  Value inline_[kInline];
  std::vector<Value> heap_;
  const Value* data_;
  size_t size_;
};

const std::string* keyword_names(const ir::Program& p, const ir::Instr& in) {
  if (in.nkw == 0) return nullptr;
  return std::get<ir::KeywordNames>(p.constants[in.kwnames]).data();
}

CallArgs make_call_args(const ir::Program& p, const ir::Instr& in, const GatheredArgs& g, std::string_view callee) {
  size_t npos = g.size() - in.nkw;
  return CallArgs{g.data(), npos, g.data() + npos, keyword_names(p, in), in.nkw, callee};
}

// Keyword arguments only (effect sites).
CallArgs keyword_args(const ir::Program& p, const ir::Instr& in, const GatheredArgs& g) {
  return CallArgs{nullptr, 0, g.data(), keyword_names(p, in), in.nkw, {}};
}

[[noreturn]] void unbound_local(const ir::Function& fn, uint32_t reg) {
  const std::string& name = reg < fn.reg_names.size() ? fn.reg_names[reg] : std::string("?");
  raise("local variable '" + name + "' is used before it is assigned",
        "assign '" + name + "' on every path before this use");
}

}  // namespace

Interpreter::Interpreter(const ir::Program& program) : program_(program) { sync_with_program(); }

Interpreter::~Interpreter() = default;

CurrentInterpreter::CurrentInterpreter(Interpreter* in) : previous_(g_current) { g_current = in; }
CurrentInterpreter::~CurrentInterpreter() { g_current = previous_; }

Interpreter* Interpreter::current() { return g_current; }

void Interpreter::sync_with_program() {
  for (size_t k = constants_.size(); k < program_.constants.size(); ++k)
    constants_.push_back(constant_value(program_.constants[k]));
  globals_.resize(program_.global_names.size(), Value::unbound());
  module_started_.resize(program_.modules.size(), false);
}

std::unique_ptr<Interpreter> Interpreter::fork() {
  sync_with_program();
  for (const Value& c : constants_) make_immortal(c);
  for (const Value& g : globals_) make_immortal(g);
  auto copy = std::make_unique<Interpreter>(program_);
  copy->constants_ = constants_;
  copy->globals_ = globals_;
  copy->module_started_ = module_started_;
  return copy;
}

void Interpreter::run_module(uint32_t index) {
  CurrentInterpreter current(this);
  sync_with_program();
  module_started_.at(index) = true;
  const ir::Function& fn = *program_.functions.at(program_.modules[index].init_function);
  auto* regs = static_cast<Value*>(alloca(sizeof(Value) * fn.num_regs));
  for (uint32_t i = 0; i < fn.num_regs; ++i) new (regs + i) Value(Value::unbound());
  RegisterGuard guard{regs, fn.num_regs};
  // Plates entered by code that fails are never exited by it: unwind them here.
  const size_t handler_depth = handler_stack_depth();
  try {
    execute(fn, nullptr, regs);
  } catch (...) {
    unwind_handler_stack(handler_depth);
    throw;
  }
}

// The fast path of Op::Call: positional arguments copied straight from the
// caller's registers into the callee's, no keyword matching.
Value Interpreter::call_positional(FunctionObject& f, const Value* caller_regs, const std::vector<uint32_t>& arg_regs) {
  const ir::Function& fn = *f.function;
  const size_t nargs = arg_regs.size();
  if (g_interrupt_requested.load(std::memory_order_relaxed)) raise_interrupted();
  if (depth_ >= kMaxCallDepth || nargs > fn.params.size()) {
    // Rare: let the general path raise the error.
    std::vector<Value> values;
    for (uint32_t r : arg_regs) values.push_back(caller_regs[r]);
    return call_function(f, CallArgs{values.data(), values.size(), nullptr, nullptr, 0, {}});
  }
  auto* regs = static_cast<Value*>(alloca(sizeof(Value) * fn.num_regs));
  for (uint32_t i = 0; i < nargs; ++i) new (regs + i) Value(caller_regs[arg_regs[i]]);
  for (uint32_t i = static_cast<uint32_t>(nargs); i < fn.num_regs; ++i) new (regs + i) Value(Value::unbound());
  RegisterGuard guard{regs, fn.num_regs};
  if (nargs < fn.params.size()) bind_defaults(f, regs, nargs);
  DepthGuard depth(depth_);
  return execute(fn, &f, regs);
}

// Fills unbound parameters from nargs on with defaults; raises for missing ones.
void Interpreter::bind_defaults(FunctionObject& f, Value* regs, size_t nargs) {
  const ir::Function& fn = *f.function;
  const size_t nparams = fn.params.size();
  size_t first_default = nparams;
  for (size_t p = 0; p < nparams; ++p) {
    if (fn.params[p].has_default) {
      first_default = p;
      break;
    }
  }
  std::string missing;
  for (size_t p = nargs; p < nparams; ++p) {
    if (!regs[p].is_unbound()) continue;
    if (fn.params[p].has_default) {
      regs[p] = f.defaults[p - first_default];
    } else {
      missing += (missing.empty() ? "'" : ", '") + fn.params[p].name + "'";
    }
  }
  if (!missing.empty()) raise(fn.name + "() missing required argument(s): " + missing);
}

Value Interpreter::call_function(FunctionObject& f, const CallArgs& args) {
  const ir::Function& fn = *f.function;
  if (depth_ >= kMaxCallDepth) {
    raise("maximum recursion depth (" + std::to_string(kMaxCallDepth) + ") exceeded in '" + fn.name + "'",
          "check the recursion's base case, or rewrite deep recursion as a loop");
  }
  const size_t nparams = fn.params.size();
  if (args.npos > nparams) {
    raise(fn.name + "() takes " + std::to_string(nparams) + " positional argument" + (nparams == 1 ? "" : "s") +
          " but " + std::to_string(args.npos) + (args.npos == 1 ? " was" : " were") + " given");
  }
  auto* regs = static_cast<Value*>(alloca(sizeof(Value) * fn.num_regs));
  for (uint32_t i = 0; i < fn.num_regs; ++i) {
    if (i < args.npos) {
      new (regs + i) Value(args.pos[i]);
    } else {
      new (regs + i) Value(Value::unbound());
    }
  }
  RegisterGuard guard{regs, fn.num_regs};
  for (size_t k = 0; k < args.nkw; ++k) {
    size_t p = 0;
    while (p < nparams && fn.params[p].name != args.kw_names[k]) ++p;
    if (p == nparams) raise(fn.name + "() got an unexpected keyword argument '" + args.kw_names[k] + "'");
    if (!regs[p].is_unbound()) raise(fn.name + "() got multiple values for argument '" + args.kw_names[k] + "'");
    regs[p] = args.kw_values[k];
  }
  if (args.npos + args.nkw < nparams) bind_defaults(f, regs, args.npos);
  DepthGuard depth(depth_);
  return execute(fn, &f, regs);
}

Value call_value(const Value& callee, const CallArgs& args) {
  if (callee.is_object()) {
    switch (callee.obj()->kind()) {
      case ObjKind::kFunction: {
        Interpreter* in = Interpreter::current();
        KILN_ASSERT(in != nullptr, "call_value: no interpreter on this thread");
        return in->call_function(*callee.as<FunctionObject>(), args);
      }
      case ObjKind::kBuiltin: {
        auto* b = callee.as<BuiltinObject>();
        if (auto index = find_builtin(b->name)) check_builtin_args(*index, args);
        CallArgs named = args;
        named.callee = b->name;
        return b->fn(named);
      }
      case ObjKind::kBoundMethod: {
        auto* m = callee.as<BoundMethodObject>();
        return call_method(m->self, m->name, args);
      }
      default:
        return callee.obj()->call(args);
    }
  }
  raise("'" + type_name(callee) + "' object is not callable");
}

Value Interpreter::execute(const ir::Function& fn, FunctionObject* closure, Value* regs) {
  const ir::Block* blocks = fn.blocks.data();
  const ir::Instr* ip = blocks[0].instrs.data();
  try {
    for (;;) {
      const ir::Instr& in = *ip;
      switch (in.op) {
        case Op::Const:
          regs[in.dst] = constants_[in.a];
          break;
        case Op::Move:
          regs[in.dst] = regs[in.a];
          break;
        case Op::CheckBound:
          if (regs[in.a].is_unbound()) unbound_local(fn, in.a);
          break;
        case Op::LoadGlobal: {
          const Value& g = globals_[in.a];
          if (g.is_unbound()) {
            const std::string& name = program_.global_names[in.a];
            raise("name '" + name + "' is used before it is assigned",
                  "'" + name + "' is assigned later in the program; move that assignment before this use");
          }
          regs[in.dst] = g;
          break;
        }
        case Op::StoreGlobal:
          globals_[in.a] = regs[in.b];
          break;
        case Op::LoadBuiltin:
          regs[in.dst] = builtin_value(in.a);
          break;
        case Op::NewCell: {
          auto* cell = new CellObject();
          cell->value = std::move(regs[in.a]);
          regs[in.a] = make_value(cell);
          break;
        }
        case Op::LoadCell: {
          const Value& v = regs[in.a].as<CellObject>()->value;
          if (v.is_unbound()) unbound_local(fn, in.a);
          regs[in.dst] = v;
          break;
        }
        case Op::StoreCell:
          regs[in.a].as<CellObject>()->value = regs[in.b];
          break;
        case Op::LoadFree: {
          const Value& cell = closure->captures[in.a];
          if (in.b == 1) {
            regs[in.dst] = cell;
            break;
          }
          const Value& v = cell.as<CellObject>()->value;
          if (v.is_unbound()) {
            raise("variable '" + fn.capture_names[in.a] + "' is used before it is assigned in the enclosing function");
          }
          regs[in.dst] = v;
          break;
        }
        case Op::StoreFree:
          closure->captures[in.a].as<CellObject>()->value = regs[in.b];
          break;
        case Op::MakeClosure: {
          auto* f = new FunctionObject(program_.functions[in.a].get(), in.a);
          Value made = make_value(f);
          for (uint32_t k = 0; k < in.b; ++k) f->captures.push_back(regs[in.args[k]]);
          for (size_t k = in.b; k < in.args.size(); ++k) f->defaults.push_back(regs[in.args[k]]);
          regs[in.dst] = std::move(made);
          break;
        }
        case Op::Neg: {
          const Value& a = regs[in.a];
          if (a.is_float()) {
            regs[in.dst] = Value(-a.as_float());
          } else {
            regs[in.dst] = unary_op(Op::Neg, a);
          }
          break;
        }
        case Op::Pos:
          regs[in.dst] = unary_op(Op::Pos, regs[in.a]);
          break;
        case Op::Not:
          regs[in.dst] = Value(!truthy(regs[in.a]));
          break;

// Arithmetic fast paths: int op int (with overflow checks) and float op float
// or mixed numbers stay inline; everything else goes to binary_op.
#define KILN_ARITH(OP, INT_BUILTIN, FLOAT_EXPR)                                       \
  case Op::OP: {                                                                     \
    const Value& a = regs[in.a];                                                     \
    const Value& b = regs[in.b];                                                     \
    if (a.is_int() && b.is_int()) {                                                  \
      int64_t r;                                                                     \
      if (!INT_BUILTIN(a.as_int(), b.as_int(), &r)) {                                \
        regs[in.dst] = Value(r);                                                     \
        break;                                                                       \
      }                                                                              \
    } else if ((a.is_float() || a.is_int()) && (b.is_float() || b.is_int())) {      \
      double x = a.to_double(), y = b.to_double();                                   \
      regs[in.dst] = Value(FLOAT_EXPR);                                              \
      break;                                                                         \
    }                                                                                \
    regs[in.dst] = binary_op(Op::OP, a, b);                                          \
    break;                                                                           \
  }
          KILN_ARITH(Add, __builtin_add_overflow, x + y)
          KILN_ARITH(Sub, __builtin_sub_overflow, x - y)
          KILN_ARITH(Mul, __builtin_mul_overflow, x * y)
#undef KILN_ARITH

        case Op::Div: {
          const Value& a = regs[in.a];
          const Value& b = regs[in.b];
          if (a.is_float() && b.is_float() && b.as_float() != 0.0) {
            regs[in.dst] = Value(a.as_float() / b.as_float());
          } else {
            regs[in.dst] = binary_op(Op::Div, a, b);
          }
          break;
        }
        case Op::FloorDiv:
        case Op::Mod:
        case Op::Pow:
        case Op::MatMul:
        case Op::In:
        case Op::NotIn:
        case Op::Is:
        case Op::IsNot:
          regs[in.dst] = binary_op(in.op, regs[in.a], regs[in.b]);
          break;

#define KILN_COMPARE(OP, CMP)                                                        \
  case Op::OP: {                                                                     \
    const Value& a = regs[in.a];                                                     \
    const Value& b = regs[in.b];                                                     \
    if (a.is_int() && b.is_int()) {                                                  \
      regs[in.dst] = Value(a.as_int() CMP b.as_int());                               \
    } else if ((a.is_float() || a.is_int()) && (b.is_float() || b.is_int())) {      \
      regs[in.dst] = Value(a.to_double() CMP b.to_double());                         \
    } else {                                                                         \
      regs[in.dst] = binary_op(Op::OP, a, b);                                        \
    }                                                                                \
    break;                                                                           \
  }
          KILN_COMPARE(Eq, ==)
          KILN_COMPARE(Ne, !=)
          KILN_COMPARE(Lt, <)
          KILN_COMPARE(Le, <=)
          KILN_COMPARE(Gt, >)
          KILN_COMPARE(Ge, >=)
#undef KILN_COMPARE

        case Op::BuildList: {
          std::vector<Value> items;
          items.reserve(in.args.size());
          for (uint32_t r : in.args) items.push_back(regs[r]);
          regs[in.dst] = make_list(std::move(items));
          break;
        }
        case Op::BuildTuple: {
          std::vector<Value> items;
          items.reserve(in.args.size());
          for (uint32_t r : in.args) items.push_back(regs[r]);
          regs[in.dst] = make_tuple(std::move(items));
          break;
        }
        case Op::BuildDict: {
          Value d = make_dict();
          auto* dict = d.as<DictObject>();
          for (size_t k = 0; k + 1 < in.args.size(); k += 2) dict->set(regs[in.args[k]], regs[in.args[k + 1]]);
          regs[in.dst] = std::move(d);
          break;
        }
        case Op::BuildSlice: {
          auto reg_or_none = [&](uint32_t r) { return r == ir::kNone ? Value() : regs[r]; };
          regs[in.dst] = make_value(new SliceObject(reg_or_none(in.a), reg_or_none(in.b), reg_or_none(in.c)));
          break;
        }
        case Op::ListAppend:
          regs[in.a].as<ListObject>()->items.push_back(regs[in.b]);
          break;
        case Op::DictSet:
          regs[in.a].as<DictObject>()->set(regs[in.b], regs[in.c]);
          break;
        case Op::GetAttr:
          regs[in.dst] = get_attr(regs[in.a], program_.symbols[in.b]);
          break;
        case Op::GetItem: {
          const Value& obj = regs[in.a];
          const Value& key = regs[in.b];
          if (obj.is(ObjKind::kList) && key.is_int()) {
            const auto& items = obj.as<ListObject>()->items;
            int64_t i = key.as_int();
            if (i >= 0 && static_cast<size_t>(i) < items.size()) {
              regs[in.dst] = items[static_cast<size_t>(i)];
              break;
            }
          }
          regs[in.dst] = get_item(obj, key);
          break;
        }
        case Op::SetItem:
          set_item(regs[in.a], regs[in.b], regs[in.c]);
          break;
        case Op::Unpack: {
          const Value& source = regs[in.a];
          std::vector<Value> items;
          if (source.is(ObjKind::kTuple)) {
            items = source.as<TupleObject>()->items;
          } else {
            items = to_vector(source);
          }
          if (items.size() != in.args.size()) {
            raise(items.size() < in.args.size()
                      ? "not enough values to unpack (expected " + std::to_string(in.args.size()) + ", got " +
                            std::to_string(items.size()) + ")"
                      : "too many values to unpack (expected " + std::to_string(in.args.size()) + ", got " +
                            std::to_string(items.size()) + ")");
          }
          for (size_t k = 0; k < items.size(); ++k) regs[in.args[k]] = std::move(items[k]);
          break;
        }
        case Op::Call: {
          const Value& callee = regs[in.a];
          if (in.nkw == 0 && callee.is(ObjKind::kFunction)) {
            regs[in.dst] = call_positional(*callee.as<FunctionObject>(), regs, in.args);
            break;
          }
          GatheredArgs g(regs, in.args);
          CallArgs args = make_call_args(program_, in, g, {});
          if (callee.is(ObjKind::kFunction)) {
            regs[in.dst] = call_function(*callee.as<FunctionObject>(), args);
          } else {
            regs[in.dst] = call_value(callee, args);
          }
          break;
        }
        case Op::CallMethod: {
          GatheredArgs g(regs, in.args);
          const std::string& name = program_.symbols[in.b];
          regs[in.dst] = call_method(regs[in.a], name, make_call_args(program_, in, g, name));
          break;
        }
        case Op::CallBuiltin: {
          GatheredArgs g(regs, in.args);
          NativeFn f = builtin_function(in.a);
          KILN_ASSERT(f != nullptr, "builtin without implementation: " + std::string(builtin_table()[in.a].name));
          regs[in.dst] = f(make_call_args(program_, in, g, builtin_table()[in.a].name));
          break;
        }
        case Op::GetIter:
          regs[in.dst] = make_iterator(regs[in.a]);
          break;
        case Op::FormatValue:
          regs[in.dst] = make_str(format_value(regs[in.a], in.b == ir::kNone ? std::string_view()
                                                                               : std::string_view(str_of(constants_[in.b]))));
          break;
        case Op::BuildString: {
          std::string out;
          for (uint32_t r : in.args) out += str_of(regs[r]);
          regs[in.dst] = make_str(std::move(out));
          break;
        }
        case Op::AssertFail:
          raise(in.a == ir::kNone ? "assertion failed" : "assertion failed: " + to_str(regs[in.a]));
        case Op::EnterContext: {
          const Value& manager = regs[in.a];
          if (!manager.is(ObjKind::kNative)) raise("'" + type_name(manager) + "' object is not a context manager");
          regs[in.dst] = manager.obj()->call_method("__enter__", CallArgs{});
          break;
        }
        case Op::ExitContext:
          regs[in.a].obj()->call_method("__exit__", CallArgs{});
          break;
        case Op::Import:
          if (!module_started_.at(in.a)) run_module(in.a);
          break;
        case Op::Sample: {
          GatheredArgs g(regs, in.args);
          const Value* obs = in.c == ir::kNone ? nullptr : &regs[in.c];
          regs[in.dst] = effect_sample(regs[in.a], regs[in.b], obs, keyword_args(program_, in, g));
          break;
        }
        case Op::Observe:
          regs[in.dst] = effect_observe(regs[in.a], regs[in.b], regs[in.c]);
          break;
        case Op::Param: {
          GatheredArgs g(regs, in.args);
          const Value* init = in.b == ir::kNone ? nullptr : &regs[in.b];
          regs[in.dst] = effect_param(regs[in.a], init, keyword_args(program_, in, g));
          break;
        }
        case Op::Factor:
          effect_factor(regs[in.a], regs[in.b]);
          break;
        case Op::Deterministic:
          regs[in.dst] = effect_deterministic(regs[in.a], regs[in.b]);
          break;
        case Op::PlateEnter: {
          GatheredArgs g(regs, in.args);
          Value size = in.b == ir::kNone ? Value() : regs[in.b];
          regs[in.dst] = effect_plate_enter(regs[in.a], size, keyword_args(program_, in, g));
          break;
        }
        case Op::PlateExit:
          effect_plate_exit(regs[in.a]);
          break;
        case Op::SeqPlateEnter:
          effect_seq_plate_enter(regs[in.a], regs[in.b]);
          break;
        case Op::Jump:
          // Every loop passes a Jump back to its header: the place to notice Ctrl-C.
          if (g_interrupt_requested.load(std::memory_order_relaxed)) raise_interrupted();
          ip = blocks[in.a].instrs.data();
          continue;
        case Op::Branch: {
          const Value& c = regs[in.a];
          bool taken = c.is_bool() ? c.as_bool() : truthy(c);
          ip = blocks[taken ? in.b : in.c].instrs.data();
          continue;
        }
        case Op::ForIter: {
          auto* it = regs[in.a].as<IteratorObject>();
          if (it->mode == IteratorObject::Mode::kRange) {
            bool more = it->step_int > 0 ? it->next_int < it->stop_int : it->next_int > it->stop_int;
            if (more) {
              regs[in.dst] = Value(it->next_int);
              it->next_int += it->step_int;
            }
            ip = blocks[more ? in.b : in.c].instrs.data();
            continue;
          }
          Value item;
          bool more = iterator_next(regs[in.a], item);
          if (more) regs[in.dst] = std::move(item);
          ip = blocks[more ? in.b : in.c].instrs.data();
          continue;
        }
        case Op::Return:
          return in.a == ir::kNone ? Value() : regs[in.a];
      }
      ++ip;
    }
  } catch (KilnError& e) {
    e.add_frame(fn.name, ip->loc);
    throw;
  } catch (const std::bad_alloc&) {
    KilnError e("out of memory", "reduce the size of the data or the number of samples");
    e.add_frame(fn.name, ip->loc);
    throw e;
  }
}

}  // namespace kiln::rt
