#include "ir/lower.h"

#include "frontend/builtins.h"

namespace kiln::ir {

using namespace ast;

namespace {

// A block scope that must be left explicitly when control jumps out of it
// early (break, continue, return): plates and context managers.
struct OpenScope {
  enum class Kind { kPlate, kContext } kind;
  uint32_t reg;  // plate name or context manager value
  SourceRange loc;
};

struct Loop {
  uint32_t continue_block;
  uint32_t break_block;
  size_t open_scopes;  // scopes open when the loop began
};

class FunctionLowerer {
 public:
  FunctionLowerer(ir::Program& out, Function& fn, const Scope& scope) : out_(out), fn_(fn), scope_(scope) {
    fn_.num_regs = scope.num_slots;
    fn_.reg_names = scope.slot_names;
    for (const Capture& c : scope.captures) fn_.capture_names.push_back(c.name);
    fn_.num_captures = static_cast<uint32_t>(scope.captures.size());
    current_ = new_block("entry");
    // Cells are made on entry so that inner functions created anywhere in
    // the body share them; a parameter's cell starts with the argument.
    for (uint32_t slot = 0; slot < scope.num_slots; ++slot) {
      if (scope.slot_is_cell[slot]) emit(Op::NewCell, fn_.loc).a = slot;
    }
  }

  void lower_body(const ast::Block& body) {
    lower_block(body);
    if (!terminated()) emit(Op::Return, fn_.loc);
  }

  void lower_expression_body(const Expr& body) {
    uint32_t value = lower_expr(body);
    emit(Op::Return, body.range).a = value;
  }

 private:
  // -------------------------------------------------------------- building

  uint32_t new_block(const std::string& label) {
    fn_.blocks.push_back(Block{label + std::to_string(fn_.blocks.size()), {}});
    return static_cast<uint32_t>(fn_.blocks.size() - 1);
  }
  void set_block(uint32_t b) { current_ = b; }
  bool terminated() const {
    const auto& instrs = fn_.blocks[current_].instrs;
    return !instrs.empty() && is_terminator(instrs.back().op);
  }
  Instr& emit(Op op, const SourceRange& loc) {
    if (terminated()) set_block(new_block("dead"));  // code after return/break
    auto& instrs = fn_.blocks[current_].instrs;
    Instr instr;
    instr.op = op;
    instrs.push_back(std::move(instr));
    instrs.back().loc = loc;
    return instrs.back();
  }
  uint32_t temp() {
    fn_.reg_names.emplace_back();
    return fn_.num_regs++;
  }
  uint32_t constant(Constant c) { return out_.add_constant(std::move(c)); }
  uint32_t load_const(Constant c, const SourceRange& loc, uint32_t target = kNone) {
    uint32_t dst = target == kNone ? temp() : target;
    Instr& i = emit(Op::Const, loc);
    i.dst = dst;
    i.a = constant(std::move(c));
    return dst;
  }
  void jump(uint32_t block, const SourceRange& loc) {
    if (!terminated()) emit(Op::Jump, loc).a = block;
  }
  void branch(uint32_t cond, uint32_t then_block, uint32_t else_block, const SourceRange& loc) {
    Instr& i = emit(Op::Branch, loc);
    i.a = cond;
    i.b = then_block;
    i.c = else_block;
  }

  // -------------------------------------------------------------- variables

  bool is_cell(uint32_t slot) const { return slot < scope_.num_slots && scope_.slot_is_cell[slot]; }

  uint32_t load_name(const Name& n, uint32_t target) {
    const Binding& b = n.binding;
    switch (b.kind) {
      case BindingKind::kLocal:
      case BindingKind::kCell:
        if (!is_cell(b.index)) {
          if (target == kNone || target == b.index) return b.index;
          Instr& m = emit(Op::Move, n.range);
          m.dst = target;
          m.a = b.index;
          return target;
        }
        return emit_unary_like(Op::LoadCell, b.index, n.range, target);
      case BindingKind::kFree:
        return emit_unary_like(Op::LoadFree, b.index, n.range, target);
      case BindingKind::kGlobal:
        return emit_unary_like(Op::LoadGlobal, b.index, n.range, target);
      case BindingKind::kBuiltin:
        return emit_unary_like(Op::LoadBuiltin, b.index, n.range, target);
      case BindingKind::kUnresolved:
        break;
    }
    throw std::logic_error("lowering: unresolved name '" + n.id + "' (resolver bug)");
  }

  uint32_t emit_unary_like(Op op, uint32_t a, const SourceRange& loc, uint32_t target) {
    uint32_t dst = target == kNone ? temp() : target;
    Instr& i = emit(op, loc);
    i.dst = dst;
    i.a = a;
    return dst;
  }

  void store_binding(const Binding& b, uint32_t value, const SourceRange& loc) {
    switch (b.kind) {
      case BindingKind::kLocal:
      case BindingKind::kCell:
        if (is_cell(b.index)) {
          Instr& i = emit(Op::StoreCell, loc);
          i.a = b.index;
          i.b = value;
        } else if (value != b.index) {
          Instr& i = emit(Op::Move, loc);
          i.dst = b.index;
          i.a = value;
        }
        return;
      case BindingKind::kFree: {
        Instr& i = emit(Op::StoreFree, loc);
        i.a = b.index;
        i.b = value;
        return;
      }
      case BindingKind::kGlobal: {
        Instr& i = emit(Op::StoreGlobal, loc);
        i.a = b.index;
        i.b = value;
        return;
      }
      default:
        throw std::logic_error("lowering: cannot store to this binding (resolver bug)");
    }
  }

  // The register an assignment to `target` can write directly, if any.
  uint32_t direct_register(const Expr& target) const {
    if (target.kind != ExprKind::kName) return kNone;
    const Binding& b = target.as<Name>().binding;
    if (b.kind == BindingKind::kLocal && !is_cell(b.index)) return b.index;
    return kNone;
  }

  void store(const Expr& target, uint32_t value) {
    switch (target.kind) {
      case ExprKind::kName:
        store_binding(target.as<Name>().binding, value, target.range);
        return;
      case ExprKind::kSubscript: {
        const auto& s = target.as<Subscript>();
        uint32_t obj = lower_expr(*s.object);
        uint32_t key = lower_index(*s.index);
        Instr& i = emit(Op::SetItem, target.range);
        i.a = obj;
        i.b = key;
        i.c = value;
        return;
      }
      case ExprKind::kTuple:
      case ExprKind::kList: {
        const auto& elements = target.kind == ExprKind::kTuple ? target.as<TupleExpr>().elements
                                                               : target.as<ListExpr>().elements;
        std::vector<uint32_t> dsts;
        for (const auto& e : elements) {
          uint32_t direct = direct_register(*e);
          dsts.push_back(direct != kNone ? direct : temp());
        }
        Instr& u = emit(Op::Unpack, target.range);
        u.a = value;
        u.args = dsts;
        for (size_t k = 0; k < elements.size(); ++k) {
          if (dsts[k] != direct_register(*elements[k])) store(*elements[k], dsts[k]);
        }
        return;
      }
      default:
        throw std::logic_error("lowering: invalid assignment target (builder bug)");
    }
  }

  // -------------------------------------------------------------- statements

  void lower_block(const ast::Block& block) {
    for (const StmtPtr& s : block) lower_stmt(*s);
  }

  void lower_stmt(const Stmt& s) {
    switch (s.kind) {
      case StmtKind::kExpr:
        lower_expr(*s.as<ExprStmt>().value);
        return;
      case StmtKind::kAssign:
        lower_assign(s.as<Assign>());
        return;
      case StmtKind::kAugAssign:
        lower_aug_assign(s.as<AugAssign>());
        return;
      case StmtKind::kIf:
        lower_if(s.as<If>());
        return;
      case StmtKind::kFor:
        lower_for(s.as<For>());
        return;
      case StmtKind::kWhile:
        lower_while(s.as<While>());
        return;
      case StmtKind::kBreak:
        leave_scopes(loops_.back().open_scopes);
        jump(loops_.back().break_block, s.range);
        return;
      case StmtKind::kContinue:
        leave_scopes(loops_.back().open_scopes);
        jump(loops_.back().continue_block, s.range);
        return;
      case StmtKind::kReturn: {
        const auto& r = s.as<Return>();
        uint32_t value = r.value ? lower_expr(*r.value) : kNone;
        leave_scopes(0);
        emit(Op::Return, s.range).a = value;
        return;
      }
      case StmtKind::kPass:
        return;
      case StmtKind::kDef:
        lower_def(s.as<Def>());
        return;
      case StmtKind::kWith:
        lower_with(s.as<With>());
        return;
      case StmtKind::kAssert:
        lower_assert(s.as<Assert>());
        return;
      case StmtKind::kImport:
        emit(Op::Import, s.range).a = s.as<Import>().module_index;
        return;
    }
  }

  void lower_assign(const Assign& a) {
    // With one simple target the value is computed straight into its register.
    uint32_t direct = a.targets.size() == 1 ? direct_register(*a.targets[0]) : kNone;
    uint32_t value = lower_expr(*a.value, direct);
    for (const auto& t : a.targets) store(*t, value);
  }

  static Op binary_opcode(BinaryOp op) {
    switch (op) {
      case BinaryOp::kAdd: return Op::Add;
      case BinaryOp::kSub: return Op::Sub;
      case BinaryOp::kMul: return Op::Mul;
      case BinaryOp::kDiv: return Op::Div;
      case BinaryOp::kFloorDiv: return Op::FloorDiv;
      case BinaryOp::kMod: return Op::Mod;
      case BinaryOp::kPow: return Op::Pow;
      case BinaryOp::kMatMul: return Op::MatMul;
    }
    return Op::Add;
  }

  void lower_aug_assign(const AugAssign& a) {
    Op op = binary_opcode(a.op);
    if (a.target->kind == ExprKind::kSubscript) {
      // Object and index are evaluated once, as in Python.
      const auto& s = a.target->as<Subscript>();
      uint32_t obj = lower_expr(*s.object);
      uint32_t key = lower_index(*s.index);
      uint32_t old = temp();
      Instr& g = emit(Op::GetItem, a.range);
      g.dst = old;
      g.a = obj;
      g.b = key;
      uint32_t rhs = lower_expr(*a.value);
      uint32_t result = emit_binary(op, old, rhs, a.range, kNone);
      Instr& set = emit(Op::SetItem, a.range);
      set.a = obj;
      set.b = key;
      set.c = result;
      return;
    }
    uint32_t direct = direct_register(*a.target);
    uint32_t old = lower_expr(*a.target);
    uint32_t rhs = lower_expr(*a.value);
    uint32_t result = emit_binary(op, old, rhs, a.range, direct);
    store(*a.target, result);
  }

  void lower_if(const If& i) {
    uint32_t cond = lower_expr(*i.cond);
    uint32_t then_block = new_block("then");
    uint32_t end_block = new_block("endif");
    uint32_t else_block = i.orelse.empty() ? end_block : new_block("else");
    branch(cond, then_block, else_block, i.cond->range);
    set_block(then_block);
    lower_block(i.body);
    jump(end_block, i.range);
    if (!i.orelse.empty()) {
      set_block(else_block);
      lower_block(i.orelse);
      jump(end_block, i.range);
    }
    set_block(end_block);
  }

  void lower_while(const While& w) {
    uint32_t header = new_block("while");
    uint32_t body = new_block("body");
    uint32_t exit = new_block("endwhile");
    jump(header, w.range);
    set_block(header);
    uint32_t cond = lower_expr(*w.cond);
    branch(cond, body, exit, w.cond->range);
    set_block(body);
    loops_.push_back({header, exit, open_.size()});
    lower_block(w.body);
    loops_.pop_back();
    jump(header, w.range);
    set_block(exit);
  }

  // Iterates `iterable` (a register); `body` lowers the loop body given the
  // register holding the current element.
  template <class Body>
  void lower_loop(uint32_t iterable, const SourceRange& loc, uint32_t element_register, Body&& body) {
    uint32_t iter = temp();
    Instr& g = emit(Op::GetIter, loc);
    g.dst = iter;
    g.a = iterable;
    uint32_t header = new_block("for");
    uint32_t body_block = new_block("body");
    uint32_t exit = new_block("endfor");
    jump(header, loc);
    set_block(header);
    uint32_t element = element_register == kNone ? temp() : element_register;
    Instr& f = emit(Op::ForIter, loc);
    f.dst = element;
    f.a = iter;
    f.b = body_block;
    f.c = exit;
    set_block(body_block);
    loops_.push_back({header, exit, open_.size()});
    body(element);
    loops_.pop_back();
    jump(header, loc);
    set_block(exit);
  }

  void lower_for(const For& f) {
    if (f.iter->kind == ExprKind::kPlate) {
      lower_sequential_plate(f);
      return;
    }
    uint32_t iterable = lower_expr(*f.iter);
    uint32_t direct = direct_register(*f.target);
    lower_loop(iterable, f.iter->range, direct, [&](uint32_t element) {
      if (element != direct) store(*f.target, element);
      lower_block(f.body);
    });
  }

  // for i in plate("name", size): each iteration is its own conditionally
  // independent context, entered and left explicitly.
  void lower_sequential_plate(const For& f) {
    const auto& p = f.iter->as<Plate>();
    uint32_t name = lower_expr(*p.args[0].value);
    uint32_t size = kNone;
    for (size_t k = 1; k < p.args.size(); ++k) {
      if (p.args[k].keyword.empty() || p.args[k].keyword == "size") size = lower_expr(*p.args[k].value);
    }
    uint32_t range = temp();
    Instr& r = emit(Op::CallBuiltin, p.range);
    r.dst = range;
    r.a = static_cast<uint32_t>(BuiltinId::k_range);
    r.args = {size};
    uint32_t direct = direct_register(*f.target);
    lower_loop(range, f.iter->range, direct, [&](uint32_t element) {
      Instr& enter = emit(Op::SeqPlateEnter, p.range);
      enter.a = name;
      enter.b = element;
      open_.push_back({OpenScope::Kind::kPlate, name, p.range});
      if (element != direct) store(*f.target, element);
      lower_block(f.body);
      open_.pop_back();
      if (!terminated()) emit(Op::PlateExit, p.range).a = name;
    });
  }

  void lower_with(const With& w) {
    if (w.context->kind == ExprKind::kPlate) {
      const auto& p = w.context->as<Plate>();
      uint32_t name = lower_expr(*p.args[0].value);
      uint32_t size = kNone;
      LoweredArgs keywords;
      for (size_t k = 1; k < p.args.size(); ++k) {
        const Argument& a = p.args[k];
        if (a.keyword.empty() || a.keyword == "size") {
          size = lower_expr(*a.value);
        } else {
          keywords.regs.push_back(lower_expr(*a.value));
          keywords.names.push_back(a.keyword);
        }
      }
      uint32_t direct = w.target ? direct_register(*w.target) : kNone;
      uint32_t index = direct == kNone ? temp() : direct;
      Instr& enter = emit(Op::PlateEnter, p.range);
      enter.dst = index;
      enter.a = name;
      enter.b = size;
      attach_args(enter, std::move(keywords));
      if (w.target && index != direct) store(*w.target, index);
      open_.push_back({OpenScope::Kind::kPlate, name, p.range});
      lower_block(w.body);
      open_.pop_back();
      if (!terminated()) emit(Op::PlateExit, w.range).a = name;
      return;
    }
    uint32_t manager = lower_expr(*w.context);
    uint32_t entered = temp();
    Instr& enter = emit(Op::EnterContext, w.context->range);
    enter.dst = entered;
    enter.a = manager;
    if (w.target) store(*w.target, entered);
    open_.push_back({OpenScope::Kind::kContext, manager, w.context->range});
    lower_block(w.body);
    open_.pop_back();
    if (!terminated()) emit(Op::ExitContext, w.range).a = manager;
  }

  // Emits the exits of open plates/contexts down to `depth`, innermost first,
  // without popping them (the code after the jump still runs inside them).
  void leave_scopes(size_t depth) {
    for (size_t k = open_.size(); k > depth; --k) {
      const OpenScope& s = open_[k - 1];
      emit(s.kind == OpenScope::Kind::kPlate ? Op::PlateExit : Op::ExitContext, s.loc).a = s.reg;
    }
  }

  void lower_assert(const Assert& a) {
    uint32_t cond = lower_expr(*a.cond);
    uint32_t fail = new_block("assert_fail");
    uint32_t ok = new_block("assert_ok");
    branch(cond, ok, fail, a.range);
    set_block(fail);
    uint32_t message = a.message ? lower_expr(*a.message) : kNone;
    emit(Op::AssertFail, a.range).a = message;
    set_block(ok);
  }

  // A def or lambda: lower its body as a new function, then make the closure.
  uint32_t make_closure(const std::string& name, const SourceRange& loc, const Scope& scope,
                        const std::vector<ast::Parameter>& params, const ast::Block* body,
                        const Expr* expression_body, uint32_t target) {
    // Defaults are evaluated where the def runs, before the function exists.
    std::vector<uint32_t> defaults;
    for (const ast::Parameter& p : params)
      if (p.default_value) defaults.push_back(lower_expr(*p.default_value));

    auto fn = std::make_unique<Function>();
    fn->name = fn_.name == "<module>" ? name : fn_.name + "." + name;
    fn->loc = loc;
    for (const ast::Parameter& p : params) fn->params.push_back({p.name, p.default_value != nullptr});
    Function* raw = fn.get();
    out_.functions.push_back(std::move(fn));
    uint32_t index = static_cast<uint32_t>(out_.functions.size() - 1);
    {
      FunctionLowerer inner(out_, *raw, scope);
      if (body) {
        inner.lower_body(*body);
      } else {
        inner.lower_expression_body(*expression_body);
      }
    }

    std::vector<uint32_t> captures;
    for (const Capture& c : scope.captures) {
      // The cell itself is passed: for kCell the slot holds it, for kFree the
      // enclosing closure's capture is forwarded.
      if (c.outer.kind == BindingKind::kCell) {
        captures.push_back(c.outer.index);
      } else {
        uint32_t cell = temp();
        Instr& i = emit(Op::LoadFree, loc);
        i.dst = cell;
        i.a = c.outer.index;
        i.b = 1;  // b = 1: the cell object, not its contents
        captures.push_back(cell);
      }
    }
    uint32_t dst = target == kNone ? temp() : target;
    Instr& mk = emit(Op::MakeClosure, loc);
    mk.dst = dst;
    mk.a = index;
    mk.b = static_cast<uint32_t>(captures.size());
    mk.args = captures;
    mk.args.insert(mk.args.end(), defaults.begin(), defaults.end());
    return dst;
  }

  void lower_def(const Def& d) {
    uint32_t direct = kNone;
    if ((d.binding.kind == BindingKind::kLocal) && !is_cell(d.binding.index)) direct = d.binding.index;
    uint32_t closure = make_closure(d.name, d.range, d.scope, d.params, &d.body, nullptr, direct);
    if (closure != direct) store_binding(d.binding, closure, d.name_range);
  }

  // -------------------------------------------------------------- expressions

  uint32_t emit_binary(Op op, uint32_t a, uint32_t b, const SourceRange& loc, uint32_t target) {
    uint32_t dst = target == kNone ? temp() : target;
    Instr& i = emit(op, loc);
    i.dst = dst;
    i.a = a;
    i.b = b;
    return dst;
  }

  // Arguments: positional registers then keyword registers, names in a constant.
  struct LoweredArgs {
    std::vector<uint32_t> regs;
    KeywordNames names;
  };
  LoweredArgs lower_args(const std::vector<Argument>& args, size_t skip = 0) {
    LoweredArgs out;
    for (size_t k = skip; k < args.size(); ++k)
      if (args[k].keyword.empty()) out.regs.push_back(lower_expr(*args[k].value));
    for (size_t k = skip; k < args.size(); ++k) {
      if (args[k].keyword.empty()) continue;
      out.regs.push_back(lower_expr(*args[k].value));
      out.names.push_back(args[k].keyword);
    }
    return out;
  }
  void attach_args(Instr& i, LoweredArgs&& args) {
    i.args = std::move(args.regs);
    i.nkw = static_cast<uint32_t>(args.names.size());
    if (i.nkw) i.kwnames = constant(std::move(args.names));
  }

  uint32_t lower_call(const Call& c, uint32_t target) {
    if (c.callee->kind == ExprKind::kName && c.callee->as<Name>().binding.kind == BindingKind::kBuiltin) {
      uint32_t id = c.callee->as<Name>().binding.index;
      const BuiltinInfo& info = builtin_table()[id];
      if (info.kind == BuiltinKind::kEffect) return lower_effect_builtin(c, id, target);
      if (info.kind == BuiltinKind::kFunction) {
        LoweredArgs args = lower_args(c.args);
        uint32_t dst = target == kNone ? temp() : target;
        Instr& i = emit(Op::CallBuiltin, c.range);
        i.dst = dst;
        i.a = id;
        attach_args(i, std::move(args));
        return dst;
      }
    }
    if (c.callee->kind == ExprKind::kAttribute) {
      const auto& attr = c.callee->as<Attribute>();
      uint32_t self = lower_expr(*attr.object);
      LoweredArgs args = lower_args(c.args);
      uint32_t dst = target == kNone ? temp() : target;
      Instr& i = emit(Op::CallMethod, c.range);
      i.dst = dst;
      i.a = self;
      i.b = out_.add_symbol(attr.name);
      attach_args(i, std::move(args));
      return dst;
    }
    uint32_t callee = lower_expr(*c.callee);
    LoweredArgs args = lower_args(c.args);
    uint32_t dst = target == kNone ? temp() : target;
    Instr& i = emit(Op::Call, c.range);
    i.dst = dst;
    i.a = callee;
    attach_args(i, std::move(args));
    return dst;
  }

  uint32_t lower_effect_builtin(const Call& c, uint32_t id, uint32_t target) {
    uint32_t name = lower_expr(*c.args[0].value);
    uint32_t value = lower_expr(*c.args[1].value);
    uint32_t dst = target == kNone ? temp() : target;
    if (id == static_cast<uint32_t>(BuiltinId::k_factor)) {
      Instr& i = emit(Op::Factor, c.range);
      i.a = name;
      i.b = value;
      return load_const(NoneConst{}, c.range, dst);
    }
    Instr& i = emit(Op::Deterministic, c.range);
    i.dst = dst;
    i.a = name;
    i.b = value;
    return dst;
  }

  // Separates an effect keyword's leading positional arguments from its
  // keyword arguments; `pulled` keywords are returned separately (e.g. obs).
  struct SiteArgs {
    std::vector<uint32_t> positional;
    std::vector<std::pair<std::string, uint32_t>> pulled;
    LoweredArgs keywords;
  };
  SiteArgs lower_site_args(const std::vector<Argument>& args, std::initializer_list<const char*> pull) {
    SiteArgs out;
    for (const Argument& a : args) {
      uint32_t reg = lower_expr(*a.value);
      if (a.keyword.empty()) {
        out.positional.push_back(reg);
        continue;
      }
      bool pulled = false;
      for (const char* p : pull) {
        if (a.keyword == p) {
          out.pulled.emplace_back(a.keyword, reg);
          pulled = true;
        }
      }
      if (!pulled) {
        out.keywords.regs.push_back(reg);
        out.keywords.names.push_back(a.keyword);
      }
    }
    return out;
  }
  static uint32_t pulled(const SiteArgs& s, const char* name) {
    for (const auto& [k, reg] : s.pulled)
      if (k == name) return reg;
    return kNone;
  }

  uint32_t lower_sample(const Sample& s, uint32_t target) {
    SiteArgs args = lower_site_args(s.args, {"obs"});
    uint32_t dst = target == kNone ? temp() : target;
    Instr& i = emit(Op::Sample, s.range);
    i.dst = dst;
    i.a = args.positional[0];
    i.b = args.positional[1];
    i.c = pulled(args, "obs");
    attach_args(i, std::move(args.keywords));
    return dst;
  }

  uint32_t lower_observe(const Observe& o, uint32_t target) {
    SiteArgs args = lower_site_args(o.args, {});
    uint32_t dst = target == kNone ? temp() : target;
    Instr& i = emit(Op::Observe, o.range);
    i.dst = dst;
    i.a = args.positional[0];
    i.b = args.positional[1];
    i.c = args.positional[2];
    return dst;
  }

  uint32_t lower_param(const ast::Param& p, uint32_t target) {
    SiteArgs args = lower_site_args(p.args, {});
    uint32_t dst = target == kNone ? temp() : target;
    Instr& i = emit(Op::Param, p.range);
    i.dst = dst;
    i.a = args.positional[0];
    i.b = args.positional.size() > 1 ? args.positional[1] : kNone;
    attach_args(i, std::move(args.keywords));
    return dst;
  }

  // x[i], x[a:b], x[:, 0]: slices become slice objects, tuples tuples.
  uint32_t lower_index(const Expr& index) {
    if (index.kind == ExprKind::kSlice) return lower_slice(index.as<Slice>());
    if (index.kind == ExprKind::kTuple) {
      std::vector<uint32_t> parts;
      for (const auto& e : index.as<TupleExpr>().elements) parts.push_back(lower_index(*e));
      uint32_t dst = temp();
      Instr& i = emit(Op::BuildTuple, index.range);
      i.dst = dst;
      i.args = parts;
      return dst;
    }
    return lower_expr(index);
  }

  uint32_t lower_slice(const Slice& s) {
    uint32_t lo = s.lower ? lower_expr(*s.lower) : kNone;
    uint32_t hi = s.upper ? lower_expr(*s.upper) : kNone;
    uint32_t step = s.step ? lower_expr(*s.step) : kNone;
    uint32_t dst = temp();
    Instr& i = emit(Op::BuildSlice, s.range);
    i.dst = dst;
    i.a = lo;
    i.b = hi;
    i.c = step;
    return dst;
  }

  static Op compare_opcode(CompareOp op) {
    switch (op) {
      case CompareOp::kEq: return Op::Eq;
      case CompareOp::kNe: return Op::Ne;
      case CompareOp::kLt: return Op::Lt;
      case CompareOp::kLe: return Op::Le;
      case CompareOp::kGt: return Op::Gt;
      case CompareOp::kGe: return Op::Ge;
      case CompareOp::kIn: return Op::In;
      case CompareOp::kNotIn: return Op::NotIn;
      case CompareOp::kIs: return Op::Is;
      case CompareOp::kIsNot: return Op::IsNot;
    }
    return Op::Eq;
  }

  // a < b < c: each operand evaluated once; stops at the first false link.
  uint32_t lower_compare(const Compare& c, uint32_t target) {
    uint32_t lhs = lower_expr(*c.operands[0]);
    if (c.ops.size() == 1) {
      uint32_t rhs = lower_expr(*c.operands[1]);
      return emit_binary(compare_opcode(c.ops[0]), lhs, rhs, c.range, target);
    }
    uint32_t result = temp();
    uint32_t end = new_block("cmp_end");
    for (size_t k = 0; k < c.ops.size(); ++k) {
      uint32_t rhs = lower_expr(*c.operands[k + 1]);
      emit_binary(compare_opcode(c.ops[k]), lhs, rhs, c.range, result);
      if (k + 1 < c.ops.size()) {
        uint32_t next = new_block("cmp_next");
        branch(result, next, end, c.range);
        set_block(next);
      }
      lhs = rhs;
    }
    jump(end, c.range);
    set_block(end);
    return move_to(result, target, c.range);
  }

  uint32_t move_to(uint32_t value, uint32_t target, const SourceRange& loc) {
    if (target == kNone || target == value) return value;
    Instr& m = emit(Op::Move, loc);
    m.dst = target;
    m.a = value;
    return target;
  }

  uint32_t lower_bool_op(const BoolOp& b, uint32_t target) {
    uint32_t result = temp();
    lower_expr(*b.lhs, result);
    uint32_t rhs_block = new_block(b.op == BoolOpKind::kAnd ? "and" : "or");
    uint32_t end = new_block("bool_end");
    if (b.op == BoolOpKind::kAnd) {
      branch(result, rhs_block, end, b.range);
    } else {
      branch(result, end, rhs_block, b.range);
    }
    set_block(rhs_block);
    lower_expr(*b.rhs, result);
    jump(end, b.range);
    set_block(end);
    return move_to(result, target, b.range);
  }

  uint32_t lower_if_exp(const IfExp& e, uint32_t target) {
    uint32_t result = temp();
    uint32_t cond = lower_expr(*e.cond);
    uint32_t then_block = new_block("ifexp_then");
    uint32_t else_block = new_block("ifexp_else");
    uint32_t end = new_block("ifexp_end");
    branch(cond, then_block, else_block, e.range);
    set_block(then_block);
    lower_expr(*e.then_value, result);
    jump(end, e.range);
    set_block(else_block);
    lower_expr(*e.else_value, result);
    jump(end, e.range);
    set_block(end);
    return move_to(result, target, e.range);
  }

  uint32_t lower_fstring(const FString& f, uint32_t target) {
    std::vector<uint32_t> parts;
    for (const FStringPart& p : f.parts) {
      if (!p.expr) {
        parts.push_back(load_const(p.literal, f.range));
        continue;
      }
      uint32_t value = lower_expr(*p.expr);
      uint32_t text = temp();
      Instr& i = emit(Op::FormatValue, p.expr->range);
      i.dst = text;
      i.a = value;
      if (!p.format_spec.empty()) i.b = constant(p.format_spec);
      parts.push_back(text);
    }
    uint32_t dst = target == kNone ? temp() : target;
    Instr& i = emit(Op::BuildString, f.range);
    i.dst = dst;
    i.args = parts;
    return dst;
  }

  // [elt for t in it if c ...] / {k: v for ...}: nested loops appending to
  // a fresh list or dict.
  template <class Element>
  void lower_clauses(const std::vector<Comprehension>& clauses, size_t k, Element&& element) {
    if (k == clauses.size()) {
      element();
      return;
    }
    const Comprehension& c = clauses[k];
    uint32_t iterable = lower_expr(*c.iter);
    uint32_t direct = direct_register(*c.target);
    lower_loop(iterable, c.iter->range, direct, [&](uint32_t item) {
      if (item != direct) store(*c.target, item);
      for (const auto& cond : c.conditions) {
        uint32_t ok = lower_expr(*cond);
        uint32_t pass = new_block("comp_if");
        branch(ok, pass, loops_.back().continue_block, cond->range);
        set_block(pass);
      }
      lower_clauses(clauses, k + 1, element);
    });
  }

  uint32_t lower_list_comp(const ListComp& c, uint32_t target) {
    uint32_t result = temp();
    emit(Op::BuildList, c.range).dst = result;
    lower_clauses(c.clauses, 0, [&] {
      uint32_t value = lower_expr(*c.element);
      Instr& i = emit(Op::ListAppend, c.range);
      i.a = result;
      i.b = value;
    });
    return move_to(result, target, c.range);
  }

  uint32_t lower_dict_comp(const DictComp& c, uint32_t target) {
    uint32_t result = temp();
    emit(Op::BuildDict, c.range).dst = result;
    lower_clauses(c.clauses, 0, [&] {
      uint32_t key = lower_expr(*c.key);
      uint32_t value = lower_expr(*c.value);
      Instr& i = emit(Op::DictSet, c.range);
      i.a = result;
      i.b = key;
      i.c = value;
    });
    return move_to(result, target, c.range);
  }

  uint32_t build(Op op, const std::vector<uint32_t>& regs, const SourceRange& loc, uint32_t target) {
    uint32_t dst = target == kNone ? temp() : target;
    Instr& i = emit(op, loc);
    i.dst = dst;
    i.args = regs;
    return dst;
  }

  // Long left-nested `a + b + c ...` chains are lowered iteratively so a
  // generated 100 000-term expression cannot exhaust the stack.
  uint32_t lower_binary_chain(const Binary& top, uint32_t target) {
    std::vector<const Binary*> spine;
    const Expr* cur = &top;
    while (cur->kind == ExprKind::kBinary) {
      spine.push_back(&cur->as<Binary>());
      cur = cur->as<Binary>().lhs.get();
    }
    uint32_t acc = lower_expr(*cur);
    for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
      uint32_t rhs = lower_expr(*(*it)->rhs);
      bool outermost = *it == &top;
      acc = emit_binary(binary_opcode((*it)->op), acc, rhs, (*it)->range, outermost ? target : kNone);
    }
    return acc;
  }

 public:
  // Lowers `e`; the result is in the returned register, which is `target`
  // when one is given. A returned register may be a variable's slot: callers
  // must not write to it.
  uint32_t lower_expr(const Expr& e, uint32_t target = kNone) {
    switch (e.kind) {
      case ExprKind::kName:
        return load_name(e.as<Name>(), target);
      case ExprKind::kInt:
        return load_const(e.as<IntLit>().value, e.range, target);
      case ExprKind::kFloat:
        return load_const(e.as<FloatLit>().value, e.range, target);
      case ExprKind::kStr:
        return load_const(e.as<StrLit>().value, e.range, target);
      case ExprKind::kBool:
        return load_const(e.as<BoolLit>().value, e.range, target);
      case ExprKind::kNone:
        return load_const(NoneConst{}, e.range, target);
      case ExprKind::kEllipsis:
        return load_const(Ellipsis{}, e.range, target);
      case ExprKind::kFString:
        return lower_fstring(e.as<FString>(), target);
      case ExprKind::kUnary: {
        const auto& u = e.as<Unary>();
        uint32_t v = lower_expr(*u.operand);
        Op op = u.op == UnaryOp::kNeg ? Op::Neg : u.op == UnaryOp::kPos ? Op::Pos : Op::Not;
        return emit_unary_like(op, v, e.range, target);
      }
      case ExprKind::kBinary:
        return lower_binary_chain(e.as<Binary>(), target);
      case ExprKind::kBoolOp:
        return lower_bool_op(e.as<BoolOp>(), target);
      case ExprKind::kCompare:
        return lower_compare(e.as<Compare>(), target);
      case ExprKind::kIfExp:
        return lower_if_exp(e.as<IfExp>(), target);
      case ExprKind::kCall:
        return lower_call(e.as<Call>(), target);
      case ExprKind::kAttribute: {
        const auto& a = e.as<Attribute>();
        uint32_t obj = lower_expr(*a.object);
        uint32_t dst = target == kNone ? temp() : target;
        Instr& i = emit(Op::GetAttr, e.range);
        i.dst = dst;
        i.a = obj;
        i.b = out_.add_symbol(a.name);
        return dst;
      }
      case ExprKind::kSubscript: {
        const auto& s = e.as<Subscript>();
        uint32_t obj = lower_expr(*s.object);
        uint32_t key = lower_index(*s.index);
        return emit_binary(Op::GetItem, obj, key, e.range, target);
      }
      case ExprKind::kSlice:
        return move_to(lower_slice(e.as<Slice>()), target, e.range);
      case ExprKind::kList: {
        std::vector<uint32_t> regs;
        for (const auto& x : e.as<ListExpr>().elements) regs.push_back(lower_expr(*x));
        return build(Op::BuildList, regs, e.range, target);
      }
      case ExprKind::kTuple: {
        std::vector<uint32_t> regs;
        for (const auto& x : e.as<TupleExpr>().elements) regs.push_back(lower_expr(*x));
        return build(Op::BuildTuple, regs, e.range, target);
      }
      case ExprKind::kDict: {
        const auto& d = e.as<DictExpr>();
        std::vector<uint32_t> regs;
        for (size_t k = 0; k < d.keys.size(); ++k) {
          regs.push_back(lower_expr(*d.keys[k]));
          regs.push_back(lower_expr(*d.values[k]));
        }
        return build(Op::BuildDict, regs, e.range, target);
      }
      case ExprKind::kLambda: {
        const auto& l = e.as<Lambda>();
        return make_closure("<lambda>", e.range, l.scope, l.params, nullptr, l.body.get(), target);
      }
      case ExprKind::kListComp:
        return lower_list_comp(e.as<ListComp>(), target);
      case ExprKind::kDictComp:
        return lower_dict_comp(e.as<DictComp>(), target);
      case ExprKind::kSample:
        return lower_sample(e.as<Sample>(), target);
      case ExprKind::kObserve:
        return lower_observe(e.as<Observe>(), target);
      case ExprKind::kParam:
        return lower_param(e.as<ast::Param>(), target);
      case ExprKind::kPlate:
        break;  // only as a with/for header (the resolver enforces it)
    }
    throw std::logic_error("lowering: expression kind not expected here (resolver bug)");
  }

 private:
  ir::Program& out_;
  Function& fn_;
  const Scope& scope_;
  uint32_t current_ = 0;
  std::vector<Loop> loops_;
  std::vector<OpenScope> open_;
};

}  // namespace

uint32_t lower_module(const kiln::Program& program, uint32_t module_index, ir::Program& out) {
  const ast::Module& module = *program.modules.at(module_index);
  auto fn = std::make_unique<Function>();
  fn->name = "<module>";
  fn->loc = SourceRange{module.file, 1, 1, 1, 1};
  Function* raw = fn.get();
  out.functions.push_back(std::move(fn));
  uint32_t index = static_cast<uint32_t>(out.functions.size() - 1);
  FunctionLowerer(out, *raw, module.scope).lower_body(module.body);
  if (out.modules.size() <= module_index) out.modules.resize(module_index + 1);
  out.modules[module_index] = ModuleInfo{module.path, index};
  out.global_names = program.globals.names();
  return index;
}

void lower_program(const kiln::Program& program, ir::Program& out) {
  for (uint32_t m = 0; m < program.modules.size(); ++m) lower_module(program, m, out);
  out.main_module = static_cast<uint32_t>(program.modules.size() - 1);
}

}  // namespace kiln::ir
