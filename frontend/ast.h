// Kiln's abstract syntax tree: plain data built from the ANTLR parse tree by
// ast_builder.cpp, annotated in place by the resolver (name bindings, function
// scopes), and read by lowering. Nodes own their children via unique_ptr.
// Every node carries the SourceRange it was parsed from.
//
// Dispatch is on `kind` with a static_cast (see as<T>()); there are no
// virtual visitors, so adding a node is: a kind, a struct, a case in the
// builder, resolver and lowering (the compiler's -Wswitch names each place).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/source.h"

namespace kiln::ast {

// ---------------------------------------------------------------- names

// Where a name lives at run time, decided by the resolver.
enum class BindingKind : uint8_t {
  kUnresolved,
  kLocal,    // register slot of the current function
  kCell,     // slot of the current function holding a cell (captured by an inner function)
  kFree,     // index into the current closure's captured cells
  kGlobal,   // index into the program's global table
  kBuiltin,  // index into the builtin table (frontend/builtins.def)
};

struct Binding {
  BindingKind kind = BindingKind::kUnresolved;
  uint32_t index = 0;
};

// ---------------------------------------------------------------- expressions

enum class ExprKind : uint8_t {
  kName,
  kInt,
  kFloat,
  kStr,
  kBool,
  kNone,
  kEllipsis,
  kFString,
  kUnary,
  kBinary,
  kBoolOp,
  kCompare,
  kIfExp,
  kCall,
  kAttribute,
  kSubscript,
  kSlice,
  kList,
  kTuple,
  kDict,
  kLambda,
  kListComp,
  kDictComp,
  kSample,   // sample(name, dist, obs=..., infer=...)
  kParam,    // param(name, init, constraint=..., event_dim=...)
  kObserve,  // observe(name, dist, value)
  kPlate,    // plate(name, size, subsample_size=..., subsample=..., dim=...)
};

struct Expr {
  ExprKind kind;
  SourceRange range;
  explicit Expr(ExprKind k) : kind(k) {}
  virtual ~Expr() = default;
  template <class T>
  T& as() {
    return static_cast<T&>(*this);
  }
  template <class T>
  const T& as() const {
    return static_cast<const T&>(*this);
  }
};
using ExprPtr = std::unique_ptr<Expr>;

struct Name : Expr {
  std::string id;
  Binding binding;  // set by the resolver
  Name() : Expr(ExprKind::kName) {}
};

struct IntLit : Expr {
  int64_t value = 0;
  IntLit() : Expr(ExprKind::kInt) {}
};
struct FloatLit : Expr {
  double value = 0;
  FloatLit() : Expr(ExprKind::kFloat) {}
};
struct StrLit : Expr {
  std::string value;  // escapes already processed
  StrLit() : Expr(ExprKind::kStr) {}
};
struct BoolLit : Expr {
  bool value = false;
  BoolLit() : Expr(ExprKind::kBool) {}
};
struct NoneLit : Expr {
  NoneLit() : Expr(ExprKind::kNone) {}
};
struct EllipsisLit : Expr {
  EllipsisLit() : Expr(ExprKind::kEllipsis) {}
};

// f"x{i}_{y:.3f}": literal pieces and formatted expressions, in order.
struct FStringPart {
  std::string literal;  // used when expr is null
  ExprPtr expr;
  std::string format_spec;  // text after ':' inside the braces, e.g. ".3f"
};
struct FString : Expr {
  std::vector<FStringPart> parts;
  FString() : Expr(ExprKind::kFString) {}
};

enum class UnaryOp : uint8_t { kNeg, kPos, kNot };
struct Unary : Expr {
  UnaryOp op;
  ExprPtr operand;
  Unary() : Expr(ExprKind::kUnary) {}
};

enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kFloorDiv, kMod, kPow, kMatMul };
struct Binary : Expr {
  BinaryOp op;
  ExprPtr lhs, rhs;
  Binary() : Expr(ExprKind::kBinary) {}
};

// `and` / `or` with Python's short-circuit, value-returning semantics.
enum class BoolOpKind : uint8_t { kAnd, kOr };
struct BoolOp : Expr {
  BoolOpKind op;
  ExprPtr lhs, rhs;
  BoolOp() : Expr(ExprKind::kBoolOp) {}
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn, kIs, kIsNot };
// a < b <= c: operands.size() == ops.size() + 1, evaluated once each.
struct Compare : Expr {
  std::vector<CompareOp> ops;
  std::vector<ExprPtr> operands;
  Compare() : Expr(ExprKind::kCompare) {}
};

struct IfExp : Expr {
  ExprPtr cond, then_value, else_value;
  IfExp() : Expr(ExprKind::kIfExp) {}
};

struct Argument {
  std::string keyword;  // empty for a positional argument
  SourceRange keyword_range;
  ExprPtr value;
};

struct Call : Expr {
  ExprPtr callee;
  std::vector<Argument> args;  // positional first, then keyword (the builder checks order)
  Call() : Expr(ExprKind::kCall) {}
};

struct Attribute : Expr {
  ExprPtr object;
  std::string name;
  SourceRange name_range;
  Attribute() : Expr(ExprKind::kAttribute) {}
};

// x[i], x[a:b], x[:, 0]: `index` is a Tuple when there are commas.
struct Subscript : Expr {
  ExprPtr object;
  ExprPtr index;
  Subscript() : Expr(ExprKind::kSubscript) {}
};

// Only appears as (part of) a Subscript index. Each bound may be null.
struct Slice : Expr {
  ExprPtr lower, upper, step;
  Slice() : Expr(ExprKind::kSlice) {}
};

struct ListExpr : Expr {
  std::vector<ExprPtr> elements;
  ListExpr() : Expr(ExprKind::kList) {}
};
struct TupleExpr : Expr {
  std::vector<ExprPtr> elements;
  TupleExpr() : Expr(ExprKind::kTuple) {}
};
struct DictExpr : Expr {
  std::vector<ExprPtr> keys, values;
  DictExpr() : Expr(ExprKind::kDict) {}
};

// ---------------------------------------------------------------- functions

struct Parameter {
  std::string name;
  SourceRange range;
  ExprPtr default_value;  // null if required
};

// Filled by the resolver for every def and lambda, read by lowering.
struct Capture {
  std::string name;
  Binding outer;  // kCell or kFree in the enclosing function
};
struct Scope {
  uint32_t num_slots = 0;             // registers for parameters and locals
  std::vector<std::string> slot_names;  // slot i's variable name ("" for hidden temporaries)
  std::vector<bool> slot_is_cell;     // slot holds a cell shared with inner functions
  std::vector<Capture> captures;      // free variables, in closure order
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;

struct Lambda : Expr {
  std::vector<Parameter> params;
  ExprPtr body;
  Scope scope;
  Lambda() : Expr(ExprKind::kLambda) {}
};

// [elt for target in iter if cond ...]: clauses nest left to right.
struct Comprehension {
  ExprPtr target;  // Name or Tuple of Names
  ExprPtr iter;
  std::vector<ExprPtr> conditions;
};
struct ListComp : Expr {
  ExprPtr element;
  std::vector<Comprehension> clauses;
  ListComp() : Expr(ExprKind::kListComp) {}
};
struct DictComp : Expr {
  ExprPtr key, value;
  std::vector<Comprehension> clauses;
  DictComp() : Expr(ExprKind::kDictComp) {}
};

// ---------------------------------------------------------------- effect keywords
// Arguments are kept as written (positional then keyword) so the checker can
// report a missing name or distribution precisely; lowering reads them by role.

struct Sample : Expr {
  std::vector<Argument> args;
  Sample() : Expr(ExprKind::kSample) {}
};
struct Param : Expr {
  std::vector<Argument> args;
  Param() : Expr(ExprKind::kParam) {}
};
struct Observe : Expr {
  std::vector<Argument> args;
  Observe() : Expr(ExprKind::kObserve) {}
};
struct Plate : Expr {
  std::vector<Argument> args;
  Plate() : Expr(ExprKind::kPlate) {}
};

// ---------------------------------------------------------------- statements

enum class StmtKind : uint8_t {
  kExpr,
  kAssign,
  kAugAssign,
  kIf,
  kFor,
  kWhile,
  kBreak,
  kContinue,
  kReturn,
  kPass,
  kDef,
  kWith,
  kAssert,
  kImport,
};

struct Stmt {
  StmtKind kind;
  SourceRange range;
  explicit Stmt(StmtKind k) : kind(k) {}
  virtual ~Stmt() = default;
  template <class T>
  T& as() {
    return static_cast<T&>(*this);
  }
  template <class T>
  const T& as() const {
    return static_cast<const T&>(*this);
  }
};

using Block = std::vector<StmtPtr>;

struct ExprStmt : Stmt {
  ExprPtr value;
  ExprStmt() : Stmt(StmtKind::kExpr) {}
};

// a = b = value: targets are Name, Tuple/List of targets, or Subscript.
struct Assign : Stmt {
  std::vector<ExprPtr> targets;
  ExprPtr value;
  Assign() : Stmt(StmtKind::kAssign) {}
};

struct AugAssign : Stmt {
  ExprPtr target;  // Name or Subscript
  BinaryOp op;
  ExprPtr value;
  AugAssign() : Stmt(StmtKind::kAugAssign) {}
};

// elif chains are nested Ifs in orelse.
struct If : Stmt {
  ExprPtr cond;
  Block body, orelse;
  If() : Stmt(StmtKind::kIf) {}
};

// `for i in plate("seq", T):` is a For whose iter is a Plate expression.
struct For : Stmt {
  ExprPtr target;
  ExprPtr iter;
  Block body;
  For() : Stmt(StmtKind::kFor) {}
};

struct While : Stmt {
  ExprPtr cond;
  Block body;
  While() : Stmt(StmtKind::kWhile) {}
};

struct Break : Stmt {
  Break() : Stmt(StmtKind::kBreak) {}
};
struct Continue : Stmt {
  Continue() : Stmt(StmtKind::kContinue) {}
};
struct Return : Stmt {
  ExprPtr value;  // may be null
  Return() : Stmt(StmtKind::kReturn) {}
};
struct Pass : Stmt {
  Pass() : Stmt(StmtKind::kPass) {}
};

struct Def : Stmt {
  std::string name;
  SourceRange name_range;
  std::vector<Parameter> params;
  Block body;
  Scope scope;      // set by the resolver
  Binding binding;  // where the function value is stored, set by the resolver
  Def() : Stmt(StmtKind::kDef) {}
};

// `with plate(...) as idx:` or `with ctx [as name]:`
struct With : Stmt {
  ExprPtr context;
  ExprPtr target;  // may be null
  Block body;
  With() : Stmt(StmtKind::kWith) {}
};

struct Assert : Stmt {
  ExprPtr cond;
  ExprPtr message;  // may be null
  Assert() : Stmt(StmtKind::kAssert) {}
};

// import "file.ppl": runs that file once and shares its global names.
struct Import : Stmt {
  std::string path;         // as written
  std::string resolved;     // absolute path, set by the loader
  uint32_t module_index = 0;  // index into Program::modules, set by the loader
  Import() : Stmt(StmtKind::kImport) {}
};

// ---------------------------------------------------------------- modules

struct Module {
  uint32_t file = 0;  // SourceManager id
  std::string path;
  Block body;
  Scope scope;  // module-level hidden temporaries (comprehension variables, etc.)
  // REPL input whose last statement was an expression: it was rewritten to
  // `_ = expression`, and the session prints `_` after running the module.
  bool echo_result = false;
};

}  // namespace kiln::ast
