#include "frontend/assign_targets.h"

#include <string>

namespace kiln {

namespace {

// How Python names an expression that cannot be assigned to.
std::string unassignable_name(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::kCall:
      return "function call";
    case ast::ExprKind::kInt:
    case ast::ExprKind::kFloat:
    case ast::ExprKind::kStr:
      return "literal";
    case ast::ExprKind::kFString:
      return "f-string expression";
    case ast::ExprKind::kBool:
      return e.as<ast::BoolLit>().value ? "True" : "False";
    case ast::ExprKind::kNone:
      return "None";
    case ast::ExprKind::kEllipsis:
      return "ellipsis";
    case ast::ExprKind::kCompare:
      return "comparison";
    case ast::ExprKind::kIfExp:
      return "conditional expression";
    case ast::ExprKind::kLambda:
      return "lambda";
    case ast::ExprKind::kListComp:
      return "list comprehension";
    case ast::ExprKind::kDictComp:
      return "dict comprehension";
    case ast::ExprKind::kDict:
      return "dict literal";
    case ast::ExprKind::kTuple:
      return "tuple";
    case ast::ExprKind::kList:
      return "list";
    case ast::ExprKind::kAttribute:
      return "attribute";
    case ast::ExprKind::kSample:
      return "sample(...)";
    case ast::ExprKind::kParam:
      return "param(...)";
    case ast::ExprKind::kObserve:
      return "observe(...)";
    case ast::ExprKind::kPlate:
      return "plate(...)";
    default:
      return "expression";
  }
}

}  // namespace

void verify_assign_target(const ast::Expr& target, Diagnostics& diags) {
  switch (target.kind) {
    case ast::ExprKind::kName:
    case ast::ExprKind::kSubscript:
      return;
    case ast::ExprKind::kTuple:
      for (const auto& element : target.as<ast::TupleExpr>().elements)
        verify_assign_target(*element, diags);
      return;
    case ast::ExprKind::kList:
      for (const auto& element : target.as<ast::ListExpr>().elements)
        verify_assign_target(*element, diags);
      return;
    case ast::ExprKind::kAttribute:
      diags.error(target.range, "cannot assign to attribute",
                  "Kiln values have no assignable attributes; use a variable, or a dict: "
                  "d[\"key\"] = value");
      return;
    default:
      diags.error(target.range, "cannot assign to " + unassignable_name(target),
                  target.kind == ast::ExprKind::kCompare ? "use '==' to compare values" : "");
  }
}

void verify_augmented_target(const ast::Expr& target, Diagnostics& diags) {
  if (target.kind == ast::ExprKind::kName || target.kind == ast::ExprKind::kSubscript) return;
  diags.error(
      target.range,
      "'" + unassignable_name(target) + "' is an illegal expression for augmented assignment",
      "augmented assignment (+= etc.) takes one name or subscript");
}

void verify_comprehension_target(const ast::Expr& target, Diagnostics& diags) {
  if (target.kind == ast::ExprKind::kName) return;
  if (target.kind == ast::ExprKind::kTuple || target.kind == ast::ExprKind::kList) {
    const auto& elements = target.kind == ast::ExprKind::kTuple
                               ? target.as<ast::TupleExpr>().elements
                               : target.as<ast::ListExpr>().elements;
    for (const auto& element : elements) verify_comprehension_target(*element, diags);
    return;
  }
  diags.error(target.range, "a comprehension variable must be a name or a tuple of names");
}

}  // namespace kiln
