// The expression half of AstBuilder (see ast_builder_internal.h).
#include <limits>
#include <string>
#include <unordered_set>

#include "frontend/assign_targets.h"
#include "frontend/ast_builder_internal.h"
#include "frontend/literals.h"

namespace kiln::detail {

namespace {

constexpr uint64_t kMaxInt = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

}  // namespace

// ------------------------------------------------------------------ expressions

ast::ExprPtr AstBuilder::build_expr_list(P::ExprListContext* ctx) {
  if (ctx->children.size() == 1) return build_expr(expr_child(ctx, 0));
  auto tuple = make<ast::TupleExpr>(range(ctx));
  for (size_t i = 0; i < ctx->children.size(); i += 2) {  // expressions and commas alternate
    tuple->elements.push_back(build_expr(expr_child(ctx, i)));
  }
  return tuple;
}

// Left-associative chains (a + b - c, a and b or c, a < b < c, a.b[c](d))
// form a left-deep parse tree; walk down its left spine with a loop and build
// back up, so chain length costs no stack. Consecutive comparisons of one
// chain merge into one Compare, as in Python; a parenthesized one does not.
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
    const bool was_comparison = extends_comparison;
    extends_comparison = false;
    if (link->op == nullptr) {  // a comparison, the only alternative without `op`
      const auto op = compare_op(static_cast<P::ComparisonOpContext*>(link->children[1]));
      if (!was_comparison) {
        auto compare = make<ast::Compare>(range(link));
        compare->operands.push_back(std::move(result));
        result = std::move(compare);
      }
      verify_operand(expr_child(link, 2), false);
      auto& compare = result->as<ast::Compare>();
      compare.range = range(link);
      compare.ops.push_back(op);
      compare.operands.push_back(build_expr(expr_child(link, 2)));
      extends_comparison = true;
      continue;
    }
    const size_t type = link->op->getType();
    if (type == P::LPAREN || type == P::LBRACK || type == P::DOT) {
      result = build_postfix(link, type, std::move(result));
      continue;
    }
    if (type == P::AND || type == P::OR) {
      verify_operand(expr_child(link, 2), true);
      auto bool_op = make<ast::BoolOp>(range(link));
      bool_op->op = type == P::AND ? ast::BoolOpKind::kAnd : ast::BoolOpKind::kOr;
      bool_op->lhs = std::move(result);
      bool_op->rhs = build_expr(expr_child(link, 2));
      result = std::move(bool_op);
      continue;
    }
    verify_operand(expr_child(link, 2), false);
    auto binary = make<ast::Binary>(range(link));
    binary->op = binary_op(type);
    binary->lhs = std::move(result);
    binary->rhs = build_expr(expr_child(link, 2));
    result = std::move(binary);
  }
  return result;
}

// An expr that is not a left-associative chain: an atom, a prefix form, a
// power or a conditional expression (both right-associative).
ast::ExprPtr AstBuilder::build_operand(P::ExprContext* ctx) {
  if (ctx->children.size() == 1) return build_atom(static_cast<P::AtomContext*>(ctx->children[0]));
  switch (ctx->op->getType()) {
    case P::LAMBDA:
      return build_lambda(ctx);
    case P::IF:
      return build_conditional(ctx);
    case P::POWER: {
      verify_operand(expr_child(ctx, 2), false);
      auto node = make<ast::Binary>(range(ctx));
      node->op = ast::BinaryOp::kPow;
      node->lhs = build_expr(expr_child(ctx, 0));
      node->rhs = build_expr(expr_child(ctx, 2));
      return node;
    }
    default:
      return build_unary(ctx);
  }
}

ast::ExprPtr AstBuilder::build_unary(P::ExprContext* ctx) {
  const size_t type = ctx->op->getType();
  P::ExprContext* operand = expr_child(ctx, 1);
  // -9223372036854775808 is a valid int although its digits alone are not.
  if (type == P::MINUS) {
    if (const Token* digits = bare_int_token(operand)) return build_int(digits, true, range(ctx));
  }
  verify_operand(operand, type == P::NOT);
  auto node = make<ast::Unary>(range(ctx));
  node->op = type == P::MINUS  ? ast::UnaryOp::kNeg
             : type == P::PLUS ? ast::UnaryOp::kPos
                               : ast::UnaryOp::kNot;
  node->operand = build_expr(operand);
  return node;
}

// then_value IF cond ELSE else_value
ast::ExprPtr AstBuilder::build_conditional(P::ExprContext* ctx) {
  auto node = make<ast::IfExp>(range(ctx));
  node->then_value = build_expr(expr_child(ctx, 0));
  node->cond = build_expr(expr_child(ctx, 2));
  node->else_value = build_expr(expr_child(ctx, 4));
  return node;
}

// LAMBDA parameters? ':' expr
ast::ExprPtr AstBuilder::build_lambda(P::ExprContext* ctx) {
  auto node = make<ast::Lambda>(range(ctx));
  if (ctx->children.size() == 4)
    node->params = build_parameters(item<P::ParametersContext>(ctx, 1));
  node->body = build_expr(expr_child(ctx, ctx->children.size() - 1));
  return node;
}

// expr '(' arguments? ')', expr '[' subscripts ']' or expr '.' attributeName.
ast::ExprPtr AstBuilder::build_postfix(P::ExprContext* ctx, size_t type, ast::ExprPtr object) {
  const SourceRange where = range(ctx);
  auto* inner = ctx->children.size() == 4 ? ctx->children[2] : nullptr;
  switch (type) {
    case P::LPAREN:
      return build_call(std::move(object), static_cast<P::ArgumentsContext*>(inner), where);
    case P::LBRACK:
      return build_index(std::move(object), static_cast<P::SubscriptsContext*>(inner), where);
    default:
      return build_attribute(std::move(object),
                             static_cast<P::AttributeNameContext*>(ctx->children[2]), where);
  }
}

// A `for` or `with ... as` target: trailers apply left to right, a.b[c](d).
ast::ExprPtr AstBuilder::build_primary(P::PrimaryContext* ctx) {
  ast::ExprPtr result = build_atom(static_cast<P::AtomContext*>(ctx->children[0]));
  const SourceRange start = token_range(ctx->getStart());
  for (size_t i = 1; i < ctx->children.size(); ++i) {
    auto* trailer = static_cast<P::TrailerContext*>(ctx->children[i]);
    const SourceRange whole = span(start, token_range(trailer->getStop()));
    switch (trailer->getStart()->getType()) {
      case P::LPAREN:
        result = build_call(std::move(result), trailer->arguments(), whole);
        break;
      case P::LBRACK:
        result = build_index(std::move(result), trailer->subscripts(), whole);
        break;
      default:
        result = build_attribute(std::move(result), trailer->attributeName(), whole);
        break;
    }
  }
  return result;
}

ast::ExprPtr AstBuilder::build_call(ast::ExprPtr callee, P::ArgumentsContext* args,
                                    const SourceRange& where) {
  auto call = make<ast::Call>(where);
  call->callee = std::move(callee);
  if (args != nullptr) call->args = build_arguments(args);
  return call;
}

ast::ExprPtr AstBuilder::build_index(ast::ExprPtr object, P::SubscriptsContext* index,
                                     const SourceRange& where) {
  auto subscript = make<ast::Subscript>(where);
  subscript->object = std::move(object);
  subscript->index = build_subscripts(index);
  return subscript;
}

ast::ExprPtr AstBuilder::build_attribute(ast::ExprPtr object, P::AttributeNameContext* name,
                                         const SourceRange& where) {
  auto attribute = make<ast::Attribute>(where);
  attribute->object = std::move(object);
  const Token* token = name->getStart();
  attribute->name = token->getText();
  attribute->name_range = token_range(token);
  return attribute;
}

ast::ExprPtr AstBuilder::build_atom(P::AtomContext* ctx) {
  const Token* first = ctx->getStart();
  const SourceRange where = range(ctx);
  switch (first->getType()) {
    case P::LPAREN:
      return build_parenthesized(ctx);
    case P::LBRACK:
      return build_list(ctx);
    case P::LBRACE:
      return build_dict(ctx);
    case P::NAME: {
      auto name = make<ast::Name>(where);
      name->id = first->getText();
      return name;
    }
    case P::INT:
      return build_int(first, false, where);
    case P::FLOAT: {
      auto number = make<ast::FloatLit>(where);
      number->value = decode_float_literal(first->getText());
      return number;
    }
    case P::STRING:
    case P::FSTRING:
      return build_strings(ctx);
    case P::TRUE:
    case P::FALSE: {
      auto flag = make<ast::BoolLit>(where);
      flag->value = first->getType() == P::TRUE;
      return flag;
    }
    case P::NONE:
      return make<ast::NoneLit>(where);
    case P::ELLIPSIS:
      return make<ast::EllipsisLit>(where);
    case P::SAMPLE:
    case P::PARAM:
    case P::OBSERVE:
    case P::PLATE:
      return build_effect(ctx);
    default:
      unreachable("unknown atom");
  }
}

// (), (x) and (x, ...): parentheses group; a comma makes a tuple.
ast::ExprPtr AstBuilder::build_parenthesized(P::AtomContext* ctx) {
  if (ctx->children.size() == 2) return make<ast::TupleExpr>(range(ctx));
  auto* inside = item<P::ExprListContext>(ctx, 1);
  ast::ExprPtr value = build_expr_list(inside);
  if (inside->children.size() > 1) value->range = range(ctx);
  return value;
}

ast::ExprPtr AstBuilder::build_list(P::AtomContext* ctx) {
  if (ctx->children.size() == 2) return make<ast::ListExpr>(range(ctx));
  auto* contents = item<P::ListContentsContext>(ctx, 1);
  if (!contents->clauses.empty()) {
    auto comprehension = make<ast::ListComp>(range(ctx));
    comprehension->element = build_expr(expr_child(contents, 0));
    comprehension->clauses = build_clauses(contents->clauses);
    return comprehension;
  }
  auto list = make<ast::ListExpr>(range(ctx));
  for (size_t i = 0; i < contents->children.size(); i += 2) {  // elements and commas alternate
    list->elements.push_back(build_expr(expr_child(contents, i)));
  }
  return list;
}

ast::ExprPtr AstBuilder::build_dict(P::AtomContext* ctx) {
  if (ctx->children.size() == 2) return make<ast::DictExpr>(range(ctx));
  auto* contents = item<P::DictContentsContext>(ctx, 1);
  // dictEntry: key ':' value
  auto key = [&](size_t i) { return expr_child(item<P::DictEntryContext>(contents, i), 0); };
  auto value = [&](size_t i) { return expr_child(item<P::DictEntryContext>(contents, i), 2); };
  if (!contents->clauses.empty()) {
    auto comprehension = make<ast::DictComp>(range(ctx));
    comprehension->key = build_expr(key(0));
    comprehension->value = build_expr(value(0));
    comprehension->clauses = build_clauses(contents->clauses);
    return comprehension;
  }
  auto dict = make<ast::DictExpr>(range(ctx));
  for (size_t i = 0; i < contents->children.size(); i += 2) {  // entries and commas alternate
    dict->keys.push_back(build_expr(key(i)));
    dict->values.push_back(build_expr(value(i)));
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
    for (ast::FStringPart& part : decode_string_literal(token->getText(), token_range(token),
                                                        sources_, diags_, is_fstring)) {
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
  std::vector<ast::Argument> args;  // effect '(' arguments? ')'
  if (ctx->children.size() == 4) args = build_arguments(item<P::ArgumentsContext>(ctx, 2));
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
  for (size_t i = 0; i < ctx->children.size(); i += 2) {  // arguments and commas alternate
    auto* arg_ctx = item<P::ArgumentContext>(ctx, i);
    ast::Argument arg;
    if (arg_ctx->children.size() == 3) {  // NAME '=' expr
      const Token* name = arg_ctx->getStart();
      arg.keyword = name->getText();
      arg.keyword_range = token_range(name);
      if (!keywords.insert(arg.keyword).second) {
        diags_.error(arg.keyword_range, "keyword argument repeated: '" + arg.keyword + "'");
      }
      seen_keyword = true;
    }
    arg.value = build_expr(expr_child(arg_ctx, arg_ctx->children.size() - 1));
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
  for (size_t i = 0; i < ctx->children.size(); i += 2) {  // subscripts and commas alternate
    tuple->elements.push_back(build_subscript(item<P::SubscriptContext>(ctx, i)));
  }
  return tuple;
}

ast::ExprPtr AstBuilder::build_subscript(P::SubscriptContext* ctx) {
  // expr sliceSuffix? | sliceSuffix
  const bool has_lower = rule_of(ctx->children[0]) == P::RuleExpr;
  if (has_lower && ctx->children.size() == 1) return build_expr(expr_child(ctx, 0));
  auto* suffix = item<P::SliceSuffixContext>(ctx, ctx->children.size() - 1);
  auto slice = make<ast::Slice>(range(ctx));
  if (has_lower) slice->lower = build_expr(expr_child(ctx, 0));
  if (suffix->upper) slice->upper = build_expr(suffix->upper);
  if (suffix->step) slice->step = build_expr(suffix->step);
  return slice;
}

std::vector<ast::Comprehension> AstBuilder::build_clauses(
    const std::vector<P::ComprehensionForContext*>& clauses) {
  std::vector<ast::Comprehension> result;
  for (P::ComprehensionForContext* clause : clauses) {
    ast::Comprehension c;
    c.target = build_target_list(clause->targetList());
    verify_comprehension_target(*c.target, diags_);
    // FOR targetList IN expr (IF expr)*
    c.iter = build_expr(expr_child(clause, 3));
    for (size_t i = 5; i < clause->children.size(); i += 2) {
      c.conditions.push_back(build_expr(expr_child(clause, i)));
    }
    result.push_back(std::move(c));
  }
  return result;
}

ast::ExprPtr AstBuilder::build_target_list(P::TargetListContext* ctx) {
  auto target = [&](size_t i) { return static_cast<P::PrimaryContext*>(ctx->children[i]); };
  if (ctx->children.size() == 1) return build_primary(target(0));
  auto tuple = make<ast::TupleExpr>(range(ctx));
  for (size_t i = 0; i < ctx->children.size(); i += 2)
    tuple->elements.push_back(build_primary(target(i)));
  return tuple;
}

// The grammar lets `not` and `lambda` start any operand; Python (and Kiln)
// only allow them where nothing binds tighter: `a == not b` must be written
// `a == (not b)`. `allow_not` is set after `and`, `or` and `not`.
void AstBuilder::verify_operand(P::ExprContext* operand, bool allow_not) {
  if (!is_prefix_form(operand)) return;
  const size_t type = operand->op->getType();
  if (type == P::LAMBDA) {
    diags_.error(range(operand), "lambda needs parentheses here", "write it as (lambda ...: ...)");
  } else if (type == P::NOT && !allow_not) {
    diags_.error(range(operand), "'not' needs parentheses here", "write it as (not ...)");
  }
}

}  // namespace kiln::detail
