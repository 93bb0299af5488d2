#include "frontend/ast_builder.h"

#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "frontend/literals.h"

namespace kiln {

namespace {

using antlr4::Token;
using P = grammar::KilnParser;

constexpr uint64_t kMaxInt = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

template <class T>
std::unique_ptr<T> make(const SourceRange& range) {
  auto node = std::make_unique<T>();
  node->range = range;
  return node;
}

[[noreturn]] void unreachable(const char* what) {
  throw std::logic_error(std::string("internal error: AST builder: ") + what +
                         "\nThis is a bug in Kiln; please report it with the program that caused it.");
}

ast::BinaryOp binary_op(size_t token_type) {
  switch (token_type) {
    case P::PLUS: case P::PLUS_ASSIGN: return ast::BinaryOp::kAdd;
    case P::MINUS: case P::MINUS_ASSIGN: return ast::BinaryOp::kSub;
    case P::STAR: case P::STAR_ASSIGN: return ast::BinaryOp::kMul;
    case P::SLASH: case P::SLASH_ASSIGN: return ast::BinaryOp::kDiv;
    case P::DOUBLE_SLASH: case P::DOUBLE_SLASH_ASSIGN: return ast::BinaryOp::kFloorDiv;
    case P::PERCENT: case P::PERCENT_ASSIGN: return ast::BinaryOp::kMod;
    case P::POWER: case P::POWER_ASSIGN: return ast::BinaryOp::kPow;
    case P::AT: case P::AT_ASSIGN: return ast::BinaryOp::kMatMul;
    default: unreachable("unknown binary operator");
  }
}

ast::CompareOp compare_op(P::ComparisonOpContext* ctx) {
  const bool two_words = ctx->children.size() == 2;
  switch (ctx->getStart()->getType()) {
    case P::LESS: return ast::CompareOp::kLt;
    case P::GREATER: return ast::CompareOp::kGt;
    case P::EQUAL: return ast::CompareOp::kEq;
    case P::GREATER_EQUAL: return ast::CompareOp::kGe;
    case P::LESS_EQUAL: return ast::CompareOp::kLe;
    case P::NOT_EQUAL: return ast::CompareOp::kNe;
    case P::IN: return ast::CompareOp::kIn;
    case P::NOT: return ast::CompareOp::kNotIn;
    case P::IS: return two_words ? ast::CompareOp::kIsNot : ast::CompareOp::kIs;
    default: unreachable("unknown comparison operator");
  }
}

// The expr alternatives, told apart by their children (see KilnParser.g4).
bool is_left_associative(const P::ExprContext* ctx) {
  return ctx->children.size() == 3 && !(ctx->op && ctx->op->getType() == P::POWER);
}

P::ExprContext* expr_child(antlr4::ParserRuleContext* ctx, size_t i) {
  return static_cast<P::ExprContext*>(ctx->children[i]);
}

// The INT token of an operand that is nothing but an integer literal.
const Token* bare_int_token(P::ExprContext* ctx) {
  if (ctx->children.size() != 1) return nullptr;
  auto* primary = static_cast<P::PrimaryContext*>(ctx->children[0]);
  if (primary->children.size() != 1) return nullptr;
  const Token* token = primary->getStart();
  return token->getType() == P::INT ? token : nullptr;
}

// How Python names an expression that cannot be assigned to.
std::string unassignable_name(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::kCall: return "function call";
    case ast::ExprKind::kInt: case ast::ExprKind::kFloat: case ast::ExprKind::kStr: return "literal";
    case ast::ExprKind::kFString: return "f-string expression";
    case ast::ExprKind::kBool: return e.as<ast::BoolLit>().value ? "True" : "False";
    case ast::ExprKind::kNone: return "None";
    case ast::ExprKind::kEllipsis: return "ellipsis";
    case ast::ExprKind::kCompare: return "comparison";
    case ast::ExprKind::kIfExp: return "conditional expression";
    case ast::ExprKind::kLambda: return "lambda";
    case ast::ExprKind::kListComp: return "list comprehension";
    case ast::ExprKind::kDictComp: return "dict comprehension";
    case ast::ExprKind::kDict: return "dict literal";
    case ast::ExprKind::kTuple: return "tuple";
    case ast::ExprKind::kList: return "list";
    case ast::ExprKind::kAttribute: return "attribute";
    case ast::ExprKind::kSample: return "sample(...)";
    case ast::ExprKind::kParam: return "param(...)";
    case ast::ExprKind::kObserve: return "observe(...)";
    case ast::ExprKind::kPlate: return "plate(...)";
    default: return "expression";
  }
}

class AstBuilder {
 public:
  AstBuilder(const SourceManager& sources, uint32_t file_id, Diagnostics& diags)
      : sources_(sources), file_(file_id), diags_(diags) {}

  ast::Block build_program(P::ProgramContext& ctx) {
    ast::Block body;
    for (auto* child : ctx.children) {
      if (auto* statement = dynamic_cast<P::StatementContext*>(child)) {
        build_statement(statement, body);
      }
    }
    return body;
  }

  ast::ExprPtr build_test_list(P::TestListContext* ctx);

 private:
  // ---- statements
  void build_statement(P::StatementContext* ctx, ast::Block& out);
  ast::Block build_block(P::BlockContext* ctx);
  ast::StmtPtr build_simple_statement(P::SimpleStatementContext* ctx);
  ast::StmtPtr build_expression_statement(P::ExpressionStatementContext* ctx);
  ast::StmtPtr build_compound_statement(P::CompoundStatementContext* ctx);
  ast::StmtPtr build_if(P::IfStatementContext* ctx);
  ast::StmtPtr build_for(P::ForStatementContext* ctx);
  ast::StmtPtr build_with(P::WithStatementContext* ctx);
  ast::StmtPtr build_def(P::DefStatementContext* ctx);
  std::vector<ast::Parameter> build_parameters(P::ParametersContext* ctx);

  // ---- expressions
  ast::ExprPtr build_test(P::TestContext* ctx);
  ast::ExprPtr build_lambda(P::LambdaExprContext* ctx);
  ast::ExprPtr build_expr(P::ExprContext* ctx);
  ast::ExprPtr build_operand(P::ExprContext* ctx);
  ast::ExprPtr build_unary(P::ExprContext* ctx);
  ast::ExprPtr build_primary(P::PrimaryContext* ctx);
  ast::ExprPtr build_atom(P::AtomContext* ctx);
  ast::ExprPtr build_parenthesized(P::AtomContext* ctx);
  ast::ExprPtr build_list(P::AtomContext* ctx);
  ast::ExprPtr build_dict(P::AtomContext* ctx);
  ast::ExprPtr build_int(const Token* token, bool negated, const SourceRange& range);
  ast::ExprPtr build_strings(P::AtomContext* ctx);
  ast::ExprPtr build_effect(P::AtomContext* ctx);
  std::vector<ast::Argument> build_arguments(P::ArgumentsContext* ctx);
  ast::ExprPtr build_subscripts(P::SubscriptsContext* ctx);
  ast::ExprPtr build_subscript(P::SubscriptContext* ctx);
  std::vector<ast::Comprehension> build_clauses(
      const std::vector<P::ComprehensionForContext*>& clauses);
  ast::ExprPtr build_target_list(P::TargetListContext* ctx);

  // ---- checks the grammar cannot make
  void verify_assign_target(const ast::Expr& target);
  void verify_augmented_target(const ast::Expr& target);
  void verify_comprehension_target(const ast::Expr& target);

  // ---- positions
  SourceRange token_range(const Token* token) const;
  SourceRange range(antlr4::ParserRuleContext* ctx) const;
  // From the start of `first` to the end of `last`.
  static SourceRange span(const SourceRange& first, const SourceRange& last) {
    SourceRange r = first;
    r.end_line = last.end_line;
    r.end_col = last.end_col;
    return r;
  }

  const SourceManager& sources_;
  uint32_t file_;
  Diagnostics& diags_;
};

// ------------------------------------------------------------------ statements

void AstBuilder::build_statement(P::StatementContext* ctx, ast::Block& out) {
  if (auto* compound = ctx->compoundStatement()) {
    out.push_back(build_compound_statement(compound));
    return;
  }
  for (auto* child : ctx->simpleStatements()->children) {
    if (auto* simple = dynamic_cast<P::SimpleStatementContext*>(child)) {
      out.push_back(build_simple_statement(simple));
    }
  }
}

ast::Block AstBuilder::build_block(P::BlockContext* ctx) {
  ast::Block body;
  for (auto* child : ctx->children) {
    if (auto* statement = dynamic_cast<P::StatementContext*>(child)) {
      build_statement(statement, body);
    } else if (auto* simple = dynamic_cast<P::SimpleStatementsContext*>(child)) {
      for (auto* s : simple->children) {
        if (auto* one = dynamic_cast<P::SimpleStatementContext*>(s)) {
          body.push_back(build_simple_statement(one));
        }
      }
    }
  }
  return body;
}

ast::StmtPtr AstBuilder::build_simple_statement(P::SimpleStatementContext* ctx) {
  auto* inner = static_cast<antlr4::ParserRuleContext*>(ctx->children[0]);
  const SourceRange where = range(inner);
  switch (inner->getRuleIndex()) {
    case P::RuleExpressionStatement:
      return build_expression_statement(static_cast<P::ExpressionStatementContext*>(inner));
    case P::RuleReturnStatement: {
      auto node = make<ast::Return>(where);
      if (auto* value = static_cast<P::ReturnStatementContext*>(inner)->testList()) {
        node->value = build_test_list(value);
      }
      return node;
    }
    case P::RulePassStatement: return make<ast::Pass>(where);
    case P::RuleBreakStatement: return make<ast::Break>(where);
    case P::RuleContinueStatement: return make<ast::Continue>(where);
    case P::RuleAssertStatement: {
      auto* assert_ctx = static_cast<P::AssertStatementContext*>(inner);
      auto node = make<ast::Assert>(where);
      node->cond = build_test(assert_ctx->test(0));
      if (auto* message = assert_ctx->test(1)) node->message = build_test(message);
      return node;
    }
    case P::RuleImportStatement: {
      auto node = make<ast::Import>(where);
      const Token* path = static_cast<P::ImportStatementContext*>(inner)->STRING()->getSymbol();
      bool is_fstring = false;
      auto parts = decode_string_literal(path->getText(), token_range(path), sources_, diags_,
                                         is_fstring);
      node->path = parts.empty() ? "" : parts[0].literal;
      return node;
    }
    default: unreachable("unknown simple statement");
  }
}

ast::StmtPtr AstBuilder::build_expression_statement(P::ExpressionStatementContext* ctx) {
  const SourceRange where = range(ctx);
  std::vector<P::TestListContext*> lists = ctx->testList();
  if (auto* op = ctx->augmentedAssignOp()) {
    auto node = make<ast::AugAssign>(where);
    node->target = build_test_list(lists[0]);
    verify_augmented_target(*node->target);
    node->op = binary_op(op->getStart()->getType());
    node->value = build_test_list(lists[1]);
    return node;
  }
  if (lists.size() == 1) {
    auto node = make<ast::ExprStmt>(where);
    node->value = build_test_list(lists[0]);
    return node;
  }
  auto node = make<ast::Assign>(where);
  for (size_t i = 0; i + 1 < lists.size(); ++i) {
    node->targets.push_back(build_test_list(lists[i]));
    verify_assign_target(*node->targets.back());
  }
  node->value = build_test_list(lists.back());
  return node;
}

ast::StmtPtr AstBuilder::build_compound_statement(P::CompoundStatementContext* ctx) {
  auto* inner = static_cast<antlr4::ParserRuleContext*>(ctx->children[0]);
  switch (inner->getRuleIndex()) {
    case P::RuleIfStatement: return build_if(static_cast<P::IfStatementContext*>(inner));
    case P::RuleForStatement: return build_for(static_cast<P::ForStatementContext*>(inner));
    case P::RuleWithStatement: return build_with(static_cast<P::WithStatementContext*>(inner));
    case P::RuleDefStatement: return build_def(static_cast<P::DefStatementContext*>(inner));
    case P::RuleWhileStatement: {
      auto* while_ctx = static_cast<P::WhileStatementContext*>(inner);
      auto node = make<ast::While>(token_range(while_ctx->getStart()));
      node->cond = build_test(while_ctx->test());
      node->body = build_block(while_ctx->block());
      node->range = span(node->range, node->body.back()->range);
      return node;
    }
    default: unreachable("unknown compound statement");
  }
}

// `elif` becomes an If nested in the previous one's orelse; every If of the
// chain ends where the whole chain ends.
ast::StmtPtr AstBuilder::build_if(P::IfStatementContext* ctx) {
  auto top = make<ast::If>(token_range(ctx->getStart()));
  top->cond = build_test(ctx->test());
  top->body = build_block(ctx->block());
  std::vector<ast::If*> chain{top.get()};
  for (P::ElifClauseContext* elif : ctx->elifClause()) {
    auto nested = make<ast::If>(token_range(elif->getStart()));
    nested->cond = build_test(elif->test());
    nested->body = build_block(elif->block());
    ast::If* next = nested.get();
    chain.back()->orelse.push_back(std::move(nested));
    chain.push_back(next);
  }
  if (auto* otherwise = ctx->elseClause()) chain.back()->orelse = build_block(otherwise->block());
  const ast::If& last = *chain.back();
  const SourceRange end = (last.orelse.empty() ? last.body : last.orelse).back()->range;
  for (ast::If* link : chain) link->range = span(link->range, end);
  return top;
}

ast::StmtPtr AstBuilder::build_for(P::ForStatementContext* ctx) {
  auto node = make<ast::For>(token_range(ctx->getStart()));
  node->target = build_target_list(ctx->targetList());
  verify_assign_target(*node->target);
  node->iter = build_test_list(ctx->testList());
  node->body = build_block(ctx->block());
  node->range = span(node->range, node->body.back()->range);
  return node;
}

ast::StmtPtr AstBuilder::build_with(P::WithStatementContext* ctx) {
  auto node = make<ast::With>(token_range(ctx->getStart()));
  node->context = build_test(ctx->test());
  if (auto* target = ctx->target()) {
    node->target = build_primary(target->primary());
    verify_assign_target(*node->target);
  }
  node->body = build_block(ctx->block());
  node->range = span(node->range, node->body.back()->range);
  return node;
}

ast::StmtPtr AstBuilder::build_def(P::DefStatementContext* ctx) {
  auto node = make<ast::Def>(token_range(ctx->getStart()));
  const Token* name = ctx->NAME()->getSymbol();
  node->name = name->getText();
  node->name_range = token_range(name);
  if (auto* parameters = ctx->parameters()) node->params = build_parameters(parameters);
  node->body = build_block(ctx->block());
  node->range = span(node->range, node->body.back()->range);
  return node;
}

std::vector<ast::Parameter> AstBuilder::build_parameters(P::ParametersContext* ctx) {
  std::vector<ast::Parameter> params;
  std::unordered_set<std::string> seen;
  bool seen_default = false;
  for (P::ParameterContext* p : ctx->parameter()) {
    ast::Parameter param;
    const Token* name = p->NAME()->getSymbol();
    param.name = name->getText();
    param.range = token_range(name);
    if (auto* value = p->test()) param.default_value = build_test(value);
    if (!seen.insert(param.name).second) {
      diags_.error(param.range, "duplicate parameter '" + param.name + "' in function definition");
    }
    if (param.default_value) {
      seen_default = true;
    } else if (seen_default) {
      diags_.error(param.range, "parameter without a default follows parameter with a default",
                   "give '" + param.name + "' a default value or move it before the defaults");
    }
    params.push_back(std::move(param));
  }
  return params;
}

// ------------------------------------------------------------------ expressions

ast::ExprPtr AstBuilder::build_test_list(P::TestListContext* ctx) {
  const size_t count = (ctx->children.size() + 1) / 2;  // tests and commas alternate
  if (ctx->children.size() == 1) return build_test(static_cast<P::TestContext*>(ctx->children[0]));
  auto tuple = make<ast::TupleExpr>(range(ctx));
  tuple->elements.reserve(count);
  for (auto* child : ctx->children) {
    if (auto* test = dynamic_cast<P::TestContext*>(child)) tuple->elements.push_back(build_test(test));
  }
  return tuple;
}

ast::ExprPtr AstBuilder::build_test(P::TestContext* ctx) {
  if (auto* lambda = ctx->lambdaExpr()) return build_lambda(lambda);
  if (ctx->children.size() == 1) return build_expr(expr_child(ctx, 0));
  auto node = make<ast::IfExp>(range(ctx));
  node->then_value = build_expr(expr_child(ctx, 0));
  node->cond = build_expr(expr_child(ctx, 2));
  node->else_value = build_test(static_cast<P::TestContext*>(ctx->children[4]));
  return node;
}

ast::ExprPtr AstBuilder::build_lambda(P::LambdaExprContext* ctx) {
  auto node = make<ast::Lambda>(range(ctx));
  if (auto* parameters = ctx->parameters()) node->params = build_parameters(parameters);
  node->body = build_test(ctx->test());
  return node;
}

// Left-associative chains (a + b - c, a and b and c, a < b < c) form a
// left-deep parse tree; walk down its left spine with a loop and build back
// up, so chain length costs no stack. Consecutive comparisons of one chain
// merge into one Compare, as in Python; a parenthesized one does not.
ast::ExprPtr AstBuilder::build_expr(P::ExprContext* ctx) {
  std::vector<P::ExprContext*> spine;
  P::ExprContext* node = ctx;
  while (is_left_associative(node)) {
    spine.push_back(node);
    node = expr_child(node, 0);
  }
  ast::ExprPtr result = build_operand(node);
  bool extends_comparison = false;
  for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
    P::ExprContext* link = *it;
    ast::ExprPtr rhs = build_expr(expr_child(link, 2));
    if (link->op == nullptr) {
      const ast::CompareOp op = compare_op(static_cast<P::ComparisonOpContext*>(link->children[1]));
      if (!extends_comparison) {
        auto compare = make<ast::Compare>(range(link));
        compare->operands.push_back(std::move(result));
        result = std::move(compare);
      }
      auto& compare = result->as<ast::Compare>();
      compare.range = range(link);
      compare.ops.push_back(op);
      compare.operands.push_back(std::move(rhs));
      extends_comparison = true;
      continue;
    }
    extends_comparison = false;
    const size_t type = link->op->getType();
    if (type == P::AND || type == P::OR) {
      auto bool_op = make<ast::BoolOp>(range(link));
      bool_op->op = type == P::AND ? ast::BoolOpKind::kAnd : ast::BoolOpKind::kOr;
      bool_op->lhs = std::move(result);
      bool_op->rhs = std::move(rhs);
      result = std::move(bool_op);
      continue;
    }
    auto binary = make<ast::Binary>(range(link));
    binary->op = binary_op(type);
    binary->lhs = std::move(result);
    binary->rhs = std::move(rhs);
    result = std::move(binary);
  }
  return result;
}

// An expr that is not a left-associative chain: a primary, a prefix
// operator, or a (right-associative) power.
ast::ExprPtr AstBuilder::build_operand(P::ExprContext* ctx) {
  if (ctx->children.size() == 1) {
    return build_primary(static_cast<P::PrimaryContext*>(ctx->children[0]));
  }
  if (ctx->children.size() == 2) return build_unary(ctx);
  auto node = make<ast::Binary>(range(ctx));
  node->op = ast::BinaryOp::kPow;
  node->lhs = build_expr(expr_child(ctx, 0));
  node->rhs = build_expr(expr_child(ctx, 2));
  return node;
}

ast::ExprPtr AstBuilder::build_unary(P::ExprContext* ctx) {
  const size_t type = ctx->op->getType();
  P::ExprContext* operand = expr_child(ctx, 1);
  // -9223372036854775808 is a valid int although its digits alone are not.
  if (type == P::MINUS) {
    if (const Token* digits = bare_int_token(operand)) return build_int(digits, true, range(ctx));
  }
  auto node = make<ast::Unary>(range(ctx));
  node->op = type == P::MINUS ? ast::UnaryOp::kNeg
             : type == P::PLUS ? ast::UnaryOp::kPos
                               : ast::UnaryOp::kNot;
  node->operand = build_expr(operand);
  return node;
}

// Trailers apply left to right in a loop: a.b[c](d).
ast::ExprPtr AstBuilder::build_primary(P::PrimaryContext* ctx) {
  ast::ExprPtr result = build_atom(static_cast<P::AtomContext*>(ctx->children[0]));
  const SourceRange start = token_range(ctx->getStart());
  for (size_t i = 1; i < ctx->children.size(); ++i) {
    auto* trailer = static_cast<P::TrailerContext*>(ctx->children[i]);
    const SourceRange whole = span(start, token_range(trailer->getStop()));
    switch (trailer->getStart()->getType()) {
      case P::LPAREN: {
        auto call = make<ast::Call>(whole);
        call->callee = std::move(result);
        if (auto* arguments = trailer->arguments()) call->args = build_arguments(arguments);
        result = std::move(call);
        break;
      }
      case P::LBRACK: {
        auto subscript = make<ast::Subscript>(whole);
        subscript->object = std::move(result);
        subscript->index = build_subscripts(trailer->subscripts());
        result = std::move(subscript);
        break;
      }
      default: {
        auto attribute = make<ast::Attribute>(whole);
        attribute->object = std::move(result);
        const Token* name = trailer->attributeName()->getStart();
        attribute->name = name->getText();
        attribute->name_range = token_range(name);
        result = std::move(attribute);
        break;
      }
    }
  }
  return result;
}

ast::ExprPtr AstBuilder::build_atom(P::AtomContext* ctx) {
  const Token* first = ctx->getStart();
  const SourceRange where = range(ctx);
  switch (first->getType()) {
    case P::LPAREN: return build_parenthesized(ctx);
    case P::LBRACK: return build_list(ctx);
    case P::LBRACE: return build_dict(ctx);
    case P::NAME: {
      auto name = make<ast::Name>(where);
      name->id = first->getText();
      return name;
    }
    case P::INT: return build_int(first, false, where);
    case P::FLOAT: {
      auto number = make<ast::FloatLit>(where);
      number->value = decode_float_literal(first->getText());
      return number;
    }
    case P::STRING: case P::FSTRING: return build_strings(ctx);
    case P::TRUE: case P::FALSE: {
      auto flag = make<ast::BoolLit>(where);
      flag->value = first->getType() == P::TRUE;
      return flag;
    }
    case P::NONE: return make<ast::NoneLit>(where);
    case P::ELLIPSIS: return make<ast::EllipsisLit>(where);
    case P::SAMPLE: case P::PARAM: case P::OBSERVE: case P::PLATE: return build_effect(ctx);
    default: unreachable("unknown atom");
  }
}

// (), (x) and (x, ...): parentheses group; a comma makes a tuple.
ast::ExprPtr AstBuilder::build_parenthesized(P::AtomContext* ctx) {
  P::TestListContext* inside = ctx->testList();
  if (inside == nullptr) return make<ast::TupleExpr>(range(ctx));
  ast::ExprPtr value = build_test_list(inside);
  if (inside->children.size() > 1) value->range = range(ctx);
  return value;
}

ast::ExprPtr AstBuilder::build_list(P::AtomContext* ctx) {
  P::ListContentsContext* contents = ctx->listContents();
  if (contents == nullptr) return make<ast::ListExpr>(range(ctx));
  std::vector<P::ComprehensionForContext*> clauses = contents->comprehensionFor();
  if (!clauses.empty()) {
    auto comprehension = make<ast::ListComp>(range(ctx));
    comprehension->element = build_test(contents->test(0));
    comprehension->clauses = build_clauses(clauses);
    return comprehension;
  }
  auto list = make<ast::ListExpr>(range(ctx));
  for (auto* child : contents->children) {
    if (auto* test = dynamic_cast<P::TestContext*>(child)) list->elements.push_back(build_test(test));
  }
  return list;
}

ast::ExprPtr AstBuilder::build_dict(P::AtomContext* ctx) {
  P::DictContentsContext* contents = ctx->dictContents();
  if (contents == nullptr) return make<ast::DictExpr>(range(ctx));
  std::vector<P::ComprehensionForContext*> clauses = contents->comprehensionFor();
  if (!clauses.empty()) {
    auto comprehension = make<ast::DictComp>(range(ctx));
    P::DictEntryContext* entry = contents->dictEntry(0);
    comprehension->key = build_test(entry->test(0));
    comprehension->value = build_test(entry->test(1));
    comprehension->clauses = build_clauses(clauses);
    return comprehension;
  }
  auto dict = make<ast::DictExpr>(range(ctx));
  for (auto* child : contents->children) {
    if (auto* entry = dynamic_cast<P::DictEntryContext*>(child)) {
      dict->keys.push_back(build_test(entry->test(0)));
      dict->values.push_back(build_test(entry->test(1)));
    }
  }
  return dict;
}

ast::ExprPtr AstBuilder::build_int(const Token* token, bool negated, const SourceRange& where) {
  auto number = make<ast::IntLit>(where);
  uint64_t value = 0;
  const IntLiteralStatus status = decode_int_literal(token->getText(), value);
  if (status == IntLiteralStatus::kLeadingZeros) {
    diags_.error(where, "leading zeros in decimal integer literals are not permitted",
                 "write an octal number with 0o, e.g. 0o17");
    return number;
  }
  if (status == IntLiteralStatus::kTooLarge || value > kMaxInt + (negated ? 1 : 0)) {
    diags_.error(where, "integer literal too large",
                 "ints are 64-bit (at most 9223372036854775807); write a float such as 1e19 "
                 "for larger values");
    return number;
  }
  // Two's complement negation in unsigned arithmetic is exact for 2^63 too.
  number->value = static_cast<int64_t>(negated ? ~value + 1 : value);
  return number;
}

// Adjacent string tokens concatenate ("a" f"{b}" 'c'); the result is a
// StrLit unless one of them is an f-string.
ast::ExprPtr AstBuilder::build_strings(P::AtomContext* ctx) {
  std::vector<ast::FStringPart> parts;
  bool any_fstring = false;
  for (auto* child : ctx->children) {
    const Token* token = static_cast<antlr4::tree::TerminalNode*>(child)->getSymbol();
    bool is_fstring = false;
    for (ast::FStringPart& part :
         decode_string_literal(token->getText(), token_range(token), sources_, diags_, is_fstring)) {
      if (!part.expr && part.literal.empty()) continue;
      if (!part.expr && !parts.empty() && !parts.back().expr) {
        parts.back().literal += part.literal;  // adjacent literal pieces merge
      } else {
        parts.push_back(std::move(part));
      }
    }
    any_fstring = any_fstring || is_fstring;
  }
  if (!any_fstring) {
    auto text = make<ast::StrLit>(range(ctx));
    if (!parts.empty()) text->value = std::move(parts[0].literal);
    return text;
  }
  auto fstring = make<ast::FString>(range(ctx));
  fstring->parts = std::move(parts);
  return fstring;
}

ast::ExprPtr AstBuilder::build_effect(P::AtomContext* ctx) {
  std::vector<ast::Argument> args;
  if (auto* arguments = ctx->arguments()) args = build_arguments(arguments);
  const SourceRange where = range(ctx);
  switch (ctx->effect->getType()) {
    case P::SAMPLE: {
      auto node = make<ast::Sample>(where);
      node->args = std::move(args);
      return node;
    }
    case P::PARAM: {
      auto node = make<ast::Param>(where);
      node->args = std::move(args);
      return node;
    }
    case P::OBSERVE: {
      auto node = make<ast::Observe>(where);
      node->args = std::move(args);
      return node;
    }
    default: {
      auto node = make<ast::Plate>(where);
      node->args = std::move(args);
      return node;
    }
  }
}

std::vector<ast::Argument> AstBuilder::build_arguments(P::ArgumentsContext* ctx) {
  std::vector<ast::Argument> args;
  std::unordered_set<std::string> keywords;
  bool seen_keyword = false;
  for (auto* child : ctx->children) {
    auto* arg_ctx = dynamic_cast<P::ArgumentContext*>(child);
    if (arg_ctx == nullptr) continue;
    ast::Argument arg;
    if (auto* name = arg_ctx->NAME()) {
      arg.keyword = name->getSymbol()->getText();
      arg.keyword_range = token_range(name->getSymbol());
      if (!keywords.insert(arg.keyword).second) {
        diags_.error(arg.keyword_range, "keyword argument repeated: '" + arg.keyword + "'");
      }
      seen_keyword = true;
    }
    arg.value = build_test(arg_ctx->test());
    if (arg.keyword.empty() && seen_keyword) {
      diags_.error(arg.value->range, "positional argument follows keyword argument",
                   "pass positional arguments first, then keyword arguments");
    }
    args.push_back(std::move(arg));
  }
  return args;
}

// x[i] indexes with i; x[i, j] and x[i,] with a tuple; x[a:b] with a Slice.
ast::ExprPtr AstBuilder::build_subscripts(P::SubscriptsContext* ctx) {
  if (ctx->children.size() == 1) {
    return build_subscript(static_cast<P::SubscriptContext*>(ctx->children[0]));
  }
  auto tuple = make<ast::TupleExpr>(range(ctx));
  for (auto* child : ctx->children) {
    if (auto* one = dynamic_cast<P::SubscriptContext*>(child)) {
      tuple->elements.push_back(build_subscript(one));
    }
  }
  return tuple;
}

ast::ExprPtr AstBuilder::build_subscript(P::SubscriptContext* ctx) {
  P::SliceSuffixContext* suffix = ctx->sliceSuffix();
  if (suffix == nullptr) return build_test(ctx->test());
  auto slice = make<ast::Slice>(range(ctx));
  if (auto* lower = ctx->test()) slice->lower = build_test(lower);
  if (suffix->upper) slice->upper = build_test(suffix->upper);
  if (suffix->step) slice->step = build_test(suffix->step);
  return slice;
}

std::vector<ast::Comprehension> AstBuilder::build_clauses(
    const std::vector<P::ComprehensionForContext*>& clauses) {
  std::vector<ast::Comprehension> result;
  for (P::ComprehensionForContext* clause : clauses) {
    ast::Comprehension c;
    c.target = build_target_list(clause->targetList());
    verify_comprehension_target(*c.target);
    std::vector<P::ExprContext*> exprs = clause->expr();
    c.iter = build_expr(exprs[0]);
    for (size_t i = 1; i < exprs.size(); ++i) c.conditions.push_back(build_expr(exprs[i]));
    result.push_back(std::move(c));
  }
  return result;
}

ast::ExprPtr AstBuilder::build_target_list(P::TargetListContext* ctx) {
  if (ctx->children.size() == 1) {
    return build_primary(static_cast<P::TargetContext*>(ctx->children[0])->primary());
  }
  auto tuple = make<ast::TupleExpr>(range(ctx));
  for (auto* child : ctx->children) {
    if (auto* target = dynamic_cast<P::TargetContext*>(child)) {
      tuple->elements.push_back(build_primary(target->primary()));
    }
  }
  return tuple;
}

// ------------------------------------------------------------------ checks

void AstBuilder::verify_assign_target(const ast::Expr& target) {
  switch (target.kind) {
    case ast::ExprKind::kName:
    case ast::ExprKind::kSubscript:
      return;
    case ast::ExprKind::kTuple:
      for (const auto& element : target.as<ast::TupleExpr>().elements) verify_assign_target(*element);
      return;
    case ast::ExprKind::kList:
      for (const auto& element : target.as<ast::ListExpr>().elements) verify_assign_target(*element);
      return;
    case ast::ExprKind::kAttribute:
      diags_.error(target.range, "cannot assign to attribute",
                   "Kiln values have no assignable attributes; use a variable, or a dict: "
                   "d[\"key\"] = value");
      return;
    default:
      diags_.error(target.range, "cannot assign to " + unassignable_name(target),
                   target.kind == ast::ExprKind::kCompare ? "use '==' to compare values" : "");
  }
}

void AstBuilder::verify_augmented_target(const ast::Expr& target) {
  if (target.kind == ast::ExprKind::kName || target.kind == ast::ExprKind::kSubscript) return;
  diags_.error(target.range,
               "'" + unassignable_name(target) + "' is an illegal expression for augmented assignment",
               "augmented assignment (+= etc.) takes one name or subscript");
}

void AstBuilder::verify_comprehension_target(const ast::Expr& target) {
  if (target.kind == ast::ExprKind::kName) return;
  if (target.kind == ast::ExprKind::kTuple || target.kind == ast::ExprKind::kList) {
    const auto& elements = target.kind == ast::ExprKind::kTuple
                               ? target.as<ast::TupleExpr>().elements
                               : target.as<ast::ListExpr>().elements;
    for (const auto& element : elements) verify_comprehension_target(*element);
    return;
  }
  diags_.error(target.range, "a comprehension variable must be a name or a tuple of names");
}

// ------------------------------------------------------------------ positions

SourceRange AstBuilder::token_range(const Token* token) const {
  const auto line = static_cast<uint32_t>(token->getLine());
  const auto col = static_cast<uint32_t>(token->getCharPositionInLine() + 1);
  SourceRange r{file_, line, col, line, col};
  const size_t type = token->getType();
  if (type == P::STRING || type == P::FSTRING) {
    // Only strings span lines: count the lines and code points of their text.
    const std::string text = token->getText();
    uint32_t end_line = line;
    uint32_t end_col = col - 1;
    for (char c : text) {
      if (c == '\n') {
        ++end_line;
        end_col = 0;
      } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++end_col;
      }
    }
    r.end_line = end_line;
    r.end_col = end_col;
  } else if (token->getStopIndex() > token->getStartIndex() &&
             token->getStopIndex() != static_cast<size_t>(-1)) {
    r.end_col = col + static_cast<uint32_t>(token->getStopIndex() - token->getStartIndex());
  }
  return r;
}

SourceRange AstBuilder::range(antlr4::ParserRuleContext* ctx) const {
  const SourceRange first = token_range(ctx->getStart());
  const Token* stop = ctx->getStop();
  if (stop == nullptr || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) return first;
  return span(first, token_range(stop));
}

}  // namespace

std::unique_ptr<ast::Module> build_module(grammar::KilnParser::ProgramContext& tree,
                                          const SourceManager& sources, uint32_t file_id,
                                          Diagnostics& diags) {
  auto module = std::make_unique<ast::Module>();
  module->file = file_id;
  module->path = sources.file(file_id).path;
  AstBuilder builder(sources, file_id, diags);
  module->body = builder.build_program(tree);
  return module;
}

ast::ExprPtr build_expression(grammar::KilnParser::ExpressionInputContext& tree,
                              const SourceManager& sources, uint32_t file_id,
                              Diagnostics& diags) {
  AstBuilder builder(sources, file_id, diags);
  return builder.build_test_list(tree.testList());
}

}  // namespace kiln
