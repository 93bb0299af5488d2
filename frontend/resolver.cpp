#include "frontend/resolver.h"

#include <unordered_map>
#include <unordered_set>

#include "frontend/builtins.h"
#include "frontend/call_checks.h"

namespace kiln {

using namespace ast;

namespace {

// ---------------------------------------------------------------- assigned names

// Names a block binds in its own scope: assignment, augmented assignment,
// for and with targets, and def names. Nested defs and lambdas are their own
// scopes and are not entered.
void collect_target_names(const Expr& target, std::vector<const Name*>& out) {
  switch (target.kind) {
    case ExprKind::kName:
      out.push_back(&target.as<Name>());
      break;
    case ExprKind::kTuple:
      for (const auto& e : target.as<TupleExpr>().elements) collect_target_names(*e, out);
      break;
    case ExprKind::kList:
      for (const auto& e : target.as<ListExpr>().elements) collect_target_names(*e, out);
      break;
    default:
      break;  // subscripts bind nothing
  }
}

void collect_assigned(const Block& block, std::vector<std::pair<std::string, SourceRange>>& out) {
  std::vector<const Name*> names;
  for (const StmtPtr& s : block) {
    switch (s->kind) {
      case StmtKind::kAssign:
        for (const auto& t : s->as<Assign>().targets) collect_target_names(*t, names);
        break;
      case StmtKind::kAugAssign:
        collect_target_names(*s->as<AugAssign>().target, names);
        break;
      case StmtKind::kFor:
        collect_target_names(*s->as<For>().target, names);
        collect_assigned(s->as<For>().body, out);
        break;
      case StmtKind::kWhile:
        collect_assigned(s->as<While>().body, out);
        break;
      case StmtKind::kIf:
        collect_assigned(s->as<If>().body, out);
        collect_assigned(s->as<If>().orelse, out);
        break;
      case StmtKind::kWith:
        if (s->as<With>().target) collect_target_names(*s->as<With>().target, names);
        collect_assigned(s->as<With>().body, out);
        break;
      case StmtKind::kDef:
        out.emplace_back(s->as<Def>().name, s->as<Def>().name_range);
        break;
      default:
        break;
    }
  }
  for (const Name* n : names) out.emplace_back(n->id, n->range);
}

bool is_constant_builtin(const std::string& name) {
  auto id = find_builtin(name);
  if (!id) return false;
  BuiltinKind kind = builtin_table()[*id].kind;
  return kind == BuiltinKind::kConstant || kind == BuiltinKind::kEffect;
}

// ---------------------------------------------------------------- scopes

struct FnScope {
  FnScope* parent = nullptr;
  Scope* out = nullptr;
  bool is_module = false;
  std::unordered_map<std::string, uint32_t> locals;
  std::vector<std::unordered_map<std::string, uint32_t>> comprehension_scopes;
  std::unordered_map<std::string, uint32_t> captures;
  std::unordered_map<uint32_t, const Def*> local_defs;  // slot -> its only def
  std::unordered_map<std::string, int> assignment_count;  // how often each local is bound
  int loop_depth = 0;

  uint32_t new_slot(const std::string& name) {
    out->slot_names.push_back(name);
    out->slot_is_cell.push_back(false);
    return out->num_slots++;
  }
  const uint32_t* find_local(const std::string& name) const {
    for (auto it = comprehension_scopes.rbegin(); it != comprehension_scopes.rend(); ++it) {
      auto f = it->find(name);
      if (f != it->end()) return &f->second;
    }
    auto f = locals.find(name);
    return f == locals.end() ? nullptr : &f->second;
  }
};

class Resolver {
 public:
  Resolver(Program& program, Diagnostics& diags) : program_(program), diags_(diags) {}

  void resolve(Module& module) {
    FnScope scope;
    scope.is_module = true;
    scope.out = &module.scope;
    current_ = &scope;
    resolve_block(module.body);
    current_ = nullptr;
  }

 private:
  // -------------------------------------------------------------- lookup

  // Finds `name` in `s` or an enclosing function, threading a capture through
  // every function in between. Module globals are not captured: they are
  // looked up in the global table.
  std::optional<Binding> find_through(FnScope* s, const std::string& name) {
    if (const uint32_t* slot = s->find_local(name)) return Binding{BindingKind::kLocal, *slot};
    auto cap = s->captures.find(name);
    if (cap != s->captures.end()) return Binding{BindingKind::kFree, cap->second};
    if (!s->parent) return std::nullopt;
    std::optional<Binding> outer = find_through(s->parent, name);
    if (!outer) return std::nullopt;
    if (outer->kind == BindingKind::kLocal) {
      s->parent->out->slot_is_cell[outer->index] = true;
      outer->kind = BindingKind::kCell;
    }
    uint32_t index = static_cast<uint32_t>(s->out->captures.size());
    s->out->captures.push_back({name, *outer});
    s->captures.emplace(name, index);
    return Binding{BindingKind::kFree, index};
  }

  Binding lookup(const std::string& name, const SourceRange& range) {
    if (auto b = find_through(current_, name)) {
      // A cell slot is still addressed as kLocal; lowering reads slot_is_cell.
      if (b->kind == BindingKind::kCell) b->kind = BindingKind::kLocal;
      return *b;
    }
    if (const uint32_t* g = program_.globals.find(name)) return {BindingKind::kGlobal, *g};
    if (auto id = find_builtin(name)) return {BindingKind::kBuiltin, *id};
    report_undefined(name, range);
    return {};
  }

  void report_undefined(const std::string& name, const SourceRange& range) {
    std::vector<std::string> candidates;
    for (FnScope* s = current_; s; s = s->parent) {
      for (const auto& cs : s->comprehension_scopes)
        for (const auto& [n, _] : cs) candidates.push_back(n);
      for (const auto& [n, _] : s->locals) candidates.push_back(n);
      for (const auto& [n, _] : s->captures) candidates.push_back(n);
    }
    for (const std::string& g : program_.globals.names()) candidates.push_back(g);
    for (const BuiltinInfo& b : builtin_table()) candidates.emplace_back(b.name);
    std::string hint;
    std::string best = closest_name(name, candidates);
    if (!best.empty()) hint = "did you mean '" + best + "'?";
    diags_.error(range, "name '" + name + "' is not defined", hint);
  }

  // Binding for a name being assigned in the current scope.
  Binding bind_target(const std::string& name, const SourceRange& range) {
    if (is_constant_builtin(name)) {
      diags_.error(range, "cannot assign to builtin '" + name + "'",
                   "choose another name; '" + name + "' is provided by Kiln");
    }
    if (const uint32_t* slot = current_->find_local(name)) return {BindingKind::kLocal, *slot};
    if (current_->is_module) {
      return {BindingKind::kGlobal, program_.globals.intern(name)};
    }
    // Every name assigned in a function was declared a local on entry.
    return lookup(name, range);
  }

  // -------------------------------------------------------------- statements

  void resolve_block(Block& block) {
    for (StmtPtr& s : block) resolve_stmt(*s);
  }
  // A nested block (if/for/while/with body).
  void resolve_body(Block& block) {
    ++block_depth_;
    resolve_block(block);
    --block_depth_;
  }

  void resolve_stmt(Stmt& s) {
    switch (s.kind) {
      case StmtKind::kExpr:
        resolve_expr(*s.as<ExprStmt>().value);
        break;
      case StmtKind::kAssign: {
        auto& a = s.as<Assign>();
        resolve_expr(*a.value);
        for (auto& t : a.targets) resolve_target(*t);
        break;
      }
      case StmtKind::kAugAssign: {
        auto& a = s.as<AugAssign>();
        resolve_expr(*a.value);
        resolve_target(*a.target);
        break;
      }
      case StmtKind::kIf: {
        auto& i = s.as<If>();
        resolve_expr(*i.cond);
        resolve_body(i.body);
        resolve_body(i.orelse);
        break;
      }
      case StmtKind::kFor: {
        auto& f = s.as<For>();
        if (f.iter->kind == ExprKind::kPlate) {
          resolve_plate(f.iter->as<Plate>());
          check_sequential_plate_args(f.iter->as<Plate>(), diags_);
        } else {
          resolve_expr(*f.iter);
        }
        resolve_target(*f.target);
        ++current_->loop_depth;
        resolve_body(f.body);
        --current_->loop_depth;
        break;
      }
      case StmtKind::kWhile: {
        auto& w = s.as<While>();
        resolve_expr(*w.cond);
        ++current_->loop_depth;
        resolve_body(w.body);
        --current_->loop_depth;
        break;
      }
      case StmtKind::kBreak:
      case StmtKind::kContinue:
        if (current_->loop_depth == 0) {
          diags_.error(s.range, std::string("'") + (s.kind == StmtKind::kBreak ? "break" : "continue") +
                                    "' outside loop");
        }
        break;
      case StmtKind::kReturn: {
        auto& r = s.as<Return>();
        if (current_->is_module) diags_.error(s.range, "'return' outside function");
        if (r.value) resolve_expr(*r.value);
        break;
      }
      case StmtKind::kPass:
        break;
      case StmtKind::kDef:
        resolve_def(s.as<Def>());
        break;
      case StmtKind::kWith: {
        auto& w = s.as<With>();
        if (w.context->kind == ExprKind::kPlate) {
          resolve_plate(w.context->as<Plate>());
        } else {
          resolve_expr(*w.context);
        }
        if (w.target) resolve_target(*w.target);
        resolve_body(w.body);
        break;
      }
      case StmtKind::kAssert: {
        auto& a = s.as<Assert>();
        resolve_expr(*a.cond);
        if (a.message) resolve_expr(*a.message);
        break;
      }
      case StmtKind::kImport:
        // The loader runs only imports written directly at the top level.
        if (!current_->is_module || nesting_ > 0 || block_depth_ > 0) {
          diags_.error(s.range, "import must be at the top level of a file",
                       "move the import to the start of the file");
        }
        break;
    }
  }

  void resolve_target(Expr& target) {
    switch (target.kind) {
      case ExprKind::kName: {
        auto& n = target.as<Name>();
        n.binding = bind_target(n.id, n.range);
        break;
      }
      case ExprKind::kTuple:
        for (auto& e : target.as<TupleExpr>().elements) resolve_target(*e);
        break;
      case ExprKind::kList:
        for (auto& e : target.as<ListExpr>().elements) resolve_target(*e);
        break;
      case ExprKind::kSubscript: {
        auto& sub = target.as<Subscript>();
        resolve_expr(*sub.object);
        resolve_expr(*sub.index);
        break;
      }
      default:
        // The AST builder rejects other targets; nothing to bind.
        resolve_expr(target);
        break;
    }
  }

  // Defaults are evaluated in the enclosing scope when the def runs.
  // (Duplicate parameters and their order are checked by the AST builder.)
  void resolve_defaults(std::vector<Parameter>& params) {
    for (Parameter& p : params)
      if (p.default_value) resolve_expr(*p.default_value);
  }

  // Opens a function scope with `params` as slots 0..n-1 and the names
  // assigned in `body` (if any) as further locals.
  FnScope open_function(Scope& out, const std::vector<Parameter>& params, const Block* body) {
    FnScope fn;
    fn.parent = current_;
    fn.out = &out;
    out = Scope{};
    for (const Parameter& p : params) {
      if (!fn.locals.count(p.name)) fn.locals.emplace(p.name, fn.new_slot(p.name));
    }
    if (body) {
      std::vector<std::pair<std::string, SourceRange>> assigned;
      collect_assigned(*body, assigned);
      for (const auto& [name, range] : assigned) {
        ++fn.assignment_count[name];
        if (!fn.locals.count(name)) fn.locals.emplace(name, fn.new_slot(name));
      }
    }
    return fn;
  }

  void resolve_def(Def& d) {
    resolve_defaults(d.params);
    d.binding = bind_target(d.name, d.name_range);
    FnScope fn = open_function(d.scope, d.params, &d.body);
    FnScope* saved = current_;
    current_ = &fn;
    ++nesting_;
    resolve_block(d.body);
    --nesting_;
    current_ = saved;
    // Calls are checked against a local def only if nothing else binds its name.
    if (d.binding.kind == BindingKind::kLocal && current_->assignment_count[d.name] == 1) {
      current_->local_defs[d.binding.index] = &d;
    }
  }

  // -------------------------------------------------------------- expressions

  // (Repeated keywords and their order are checked by the AST builder.)
  void resolve_args(std::vector<Argument>& args) {
    for (Argument& a : args) resolve_expr(*a.value);
  }

  void resolve_plate(Plate& p) {
    resolve_args(p.args);
    check_plate_args(p, diags_);
  }

  void resolve_expr(Expr& e) {
    switch (e.kind) {
      case ExprKind::kName: {
        auto& n = e.as<Name>();
        n.binding = lookup(n.id, n.range);
        if (n.binding.kind == BindingKind::kBuiltin && builtin_table()[n.binding.index].kind == BuiltinKind::kEffect) {
          diags_.error(n.range, "'" + n.id + "' is an effect and can only be called",
                       "write " + n.id + "(\"name\", value) where the effect happens");
        }
        break;
      }
      case ExprKind::kInt:
      case ExprKind::kFloat:
      case ExprKind::kStr:
      case ExprKind::kBool:
      case ExprKind::kNone:
      case ExprKind::kEllipsis:
        break;
      case ExprKind::kFString:
        for (auto& part : e.as<FString>().parts)
          if (part.expr) resolve_expr(*part.expr);
        break;
      case ExprKind::kUnary:
        resolve_expr(*e.as<Unary>().operand);
        break;
      case ExprKind::kBinary:
        resolve_binary(e);
        break;
      case ExprKind::kBoolOp:
        resolve_expr(*e.as<BoolOp>().lhs);
        resolve_expr(*e.as<BoolOp>().rhs);
        break;
      case ExprKind::kCompare:
        for (auto& o : e.as<Compare>().operands) resolve_expr(*o);
        break;
      case ExprKind::kIfExp: {
        auto& i = e.as<IfExp>();
        resolve_expr(*i.cond);
        resolve_expr(*i.then_value);
        resolve_expr(*i.else_value);
        break;
      }
      case ExprKind::kCall: {
        auto& c = e.as<Call>();
        if (c.callee->kind == ExprKind::kName) {
          auto& callee = c.callee->as<Name>();  // effects may be called, so not resolve_expr
          callee.binding = lookup(callee.id, callee.range);
        } else {
          resolve_expr(*c.callee);
        }
        resolve_args(c.args);
        check_call(c);
        break;
      }
      case ExprKind::kAttribute:
        resolve_expr(*e.as<Attribute>().object);
        break;
      case ExprKind::kSubscript:
        resolve_expr(*e.as<Subscript>().object);
        resolve_expr(*e.as<Subscript>().index);
        break;
      case ExprKind::kSlice: {
        auto& s = e.as<Slice>();
        if (s.lower) resolve_expr(*s.lower);
        if (s.upper) resolve_expr(*s.upper);
        if (s.step) resolve_expr(*s.step);
        break;
      }
      case ExprKind::kList:
        for (auto& x : e.as<ListExpr>().elements) resolve_expr(*x);
        break;
      case ExprKind::kTuple:
        for (auto& x : e.as<TupleExpr>().elements) resolve_expr(*x);
        break;
      case ExprKind::kDict: {
        auto& d = e.as<DictExpr>();
        for (auto& k : d.keys) resolve_expr(*k);
        for (auto& v : d.values) resolve_expr(*v);
        break;
      }
      case ExprKind::kLambda:
        resolve_lambda(e.as<Lambda>());
        break;
      case ExprKind::kListComp: {
        auto& c = e.as<ListComp>();
        resolve_comprehension(c.clauses, [&] { resolve_expr(*c.element); });
        break;
      }
      case ExprKind::kDictComp: {
        auto& c = e.as<DictComp>();
        resolve_comprehension(c.clauses, [&] {
          resolve_expr(*c.key);
          resolve_expr(*c.value);
        });
        break;
      }
      case ExprKind::kSample:
        resolve_args(e.as<Sample>().args);
        check_sample_args(e.as<Sample>(), diags_);
        break;
      case ExprKind::kParam:
        resolve_args(e.as<Param>().args);
        check_param_args(e.as<Param>(), diags_);
        break;
      case ExprKind::kObserve:
        resolve_args(e.as<Observe>().args);
        check_observe_args(e.as<Observe>(), diags_);
        break;
      case ExprKind::kPlate:
        resolve_args(e.as<Plate>().args);
        diags_.error(e.range, "plate(...) can only open a block",
                     "write `with plate(\"name\", size) as idx:` or `for i in plate(\"name\", size):`");
        break;
    }
  }

  // Long `a + b + c + ...` chains nest to the left; walk the left spine
  // iteratively so a generated 100 000-term sum cannot exhaust the stack.
  void resolve_binary(Expr& e) {
    std::vector<Binary*> spine;
    Expr* cur = &e;
    while (cur->kind == ExprKind::kBinary) {
      spine.push_back(&cur->as<Binary>());
      cur = cur->as<Binary>().lhs.get();
    }
    resolve_expr(*cur);
    for (auto it = spine.rbegin(); it != spine.rend(); ++it) resolve_expr(*(*it)->rhs);
  }

  void resolve_lambda(Lambda& l) {
    resolve_defaults(l.params);
    FnScope fn = open_function(l.scope, l.params, nullptr);
    FnScope* saved = current_;
    current_ = &fn;
    ++nesting_;
    resolve_expr(*l.body);
    --nesting_;
    current_ = saved;
  }

  // Comprehension targets get fresh slots in a scope of their own, so they
  // neither leak nor clobber variables of the same name (as in Python 3).
  template <class F>
  void resolve_comprehension(std::vector<Comprehension>& clauses, F&& element) {
    current_->comprehension_scopes.emplace_back();
    for (Comprehension& c : clauses) {
      resolve_expr(*c.iter);
      std::vector<const Name*> names;
      collect_target_names(*c.target, names);
      for (const Name* n : names) {
        if (!current_->comprehension_scopes.back().count(n->id)) {
          current_->comprehension_scopes.back().emplace(n->id, current_->new_slot(n->id));
        }
      }
      resolve_target(*c.target);
      for (auto& cond : c.conditions) resolve_expr(*cond);
    }
    element();
    current_->comprehension_scopes.pop_back();
  }

  // Arity of calls to builtins and to functions whose definition is known.
  void check_call(const Call& c) {
    if (c.callee->kind != ExprKind::kName) return;
    const Binding& b = c.callee->as<Name>().binding;
    if (b.kind == BindingKind::kBuiltin) {
      check_builtin_call(c, builtin_table()[b.index], diags_);
      return;
    }
    const Def* def = nullptr;
    if (b.kind == BindingKind::kGlobal) {
      auto it = program_.global_defs.find(b.index);
      if (it != program_.global_defs.end()) def = it->second;
    } else if (b.kind == BindingKind::kLocal) {
      auto it = current_->local_defs.find(b.index);
      if (it != current_->local_defs.end()) def = it->second;
    }
    if (def) check_user_call(c, *def, diags_);
  }

  Program& program_;
  Diagnostics& diags_;
  FnScope* current_ = nullptr;
  int nesting_ = 0;      // depth of defs/lambdas (imports only at depth 0)
  int block_depth_ = 0;  // depth of if/for/while/with bodies within the current function
};

}  // namespace

void declare_globals(Program& program, const Module& module) {
  std::vector<std::pair<std::string, SourceRange>> assigned;
  collect_assigned(module.body, assigned);
  std::unordered_map<std::string, int> assignment_count;
  for (const auto& [name, range] : assigned) {
    program.globals.intern(name);
    ++assignment_count[name];
  }
  // A name bound only by one top-level def can have its calls checked statically.
  for (const auto& [name, count] : assignment_count) program.global_defs.erase(*program.globals.find(name));
  for (const StmtPtr& s : module.body) {
    if (s->kind != StmtKind::kDef) continue;
    const Def& d = s->as<Def>();
    if (assignment_count[d.name] == 1) program.global_defs[*program.globals.find(d.name)] = &d;
  }
}

void resolve_module(Program& program, Module& module, Diagnostics& diags) {
  Resolver(program, diags).resolve(module);
}

}  // namespace kiln
