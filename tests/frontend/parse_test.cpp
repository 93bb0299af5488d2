// Parser and AST builder: precedence, every statement, literals, f-strings
// and source ranges. Layout (INDENT/DEDENT), error messages and hostile input
// have their own files.
#include "frontend/parse.h"

#include <gtest/gtest.h>

#include "ast_dump.h"
#include "parse_helpers.h"

namespace kiln::testing {
namespace {

// ---------------------------------------------------------------- precedence

TEST(ParsePrecedence, PowerBindsTighterThanUnaryMinusOnItsLeft) {
  EXPECT_EQ(dump_one("-2**2\n"), "(neg (** 2 2))");
  EXPECT_EQ(dump_one("2**-1\n"), "(** 2 -1)");
  EXPECT_EQ(dump_one("2**-x**2\n"), "(** 2 (neg (** x 2)))");
}

TEST(ParsePrecedence, PowerIsRightAssociative) {
  EXPECT_EQ(dump_one("a**b**c\n"), "(** a (** b c))");
}

TEST(ParsePrecedence, ArithmeticLevels) {
  EXPECT_EQ(dump_one("a + b * c - d / e // f % g @ h\n"),
            "(- (+ a (* b c)) (@ (% (// (/ d e) f) g) h))");
  EXPECT_EQ(dump_one("(a + b) * c\n"), "(* (+ a b) c)");
  EXPECT_EQ(dump_one("-a * +b\n"), "(* (neg a) (pos b))");
  EXPECT_EQ(dump_one("a - b - c\n"), "(- (- a b) c)");
}

TEST(ParsePrecedence, PostfixBindsTightest) {
  EXPECT_EQ(dump_one("-x.y[0](1)\n"), "(neg (call ([] (. x y) 0) 1))");
  EXPECT_EQ(dump_one("a.b ** c.d\n"), "(** (. a b) (. c d))");
}

TEST(ParsePrecedence, ComparisonsChainIntoOneCompare) {
  EXPECT_EQ(dump_one("a < b <= c == d\n"), "(cmp a < b <= c == d)");
  EXPECT_EQ(dump_one("(a < b) < c\n"), "(cmp (cmp a < b) < c)");
  EXPECT_EQ(dump_one("a + 1 > b * 2\n"), "(cmp (+ a 1) > (* b 2))");
}

TEST(ParsePrecedence, MembershipAndIdentity) {
  EXPECT_EQ(dump_one("a in b\n"), "(cmp a in b)");
  EXPECT_EQ(dump_one("a not in b\n"), "(cmp a not-in b)");
  EXPECT_EQ(dump_one("a is b\n"), "(cmp a is b)");
  EXPECT_EQ(dump_one("a is not b\n"), "(cmp a is-not b)");
  EXPECT_EQ(dump_one("x is not None\n"), "(cmp x is-not None)");
}

TEST(ParsePrecedence, BooleanOperators) {
  EXPECT_EQ(dump_one("not a and b or c\n"), "(or (and (not a) b) c)");
  EXPECT_EQ(dump_one("a or b and c\n"), "(or a (and b c))");
  EXPECT_EQ(dump_one("not a == b\n"), "(not (cmp a == b))");
  EXPECT_EQ(dump_one("not not a\n"), "(not (not a))");
  EXPECT_EQ(dump_one("a and not b\n"), "(and a (not b))");
}

TEST(ParsePrecedence, ConditionalExpressionIsLowestAndRightAssociative) {
  EXPECT_EQ(dump_one("a + 1 if c or d else b\n"), "(if (or c d) (+ a 1) b)");
  EXPECT_EQ(dump_one("a if b else c if d else e\n"), "(if b a (if d c e))");
}

TEST(ParsePrecedence, LambdaBindsLoosest) {
  EXPECT_EQ(dump_one("f = lambda: a if b else c\n"), "(= f (lambda () (if b a c)))");
  EXPECT_EQ(dump_one("f = lambda x, y=2: x + y\n"), "(= f (lambda (x y=2) (+ x y)))");
  EXPECT_EQ(dump_one("g = a if b else lambda: c\n"), "(= g (if b a (lambda () c)))");
}

// ---------------------------------------------------------------- literals

TEST(ParseLiterals, Numbers) {
  EXPECT_EQ(dump_one("x = 0, 42, 1_000, 0xff, 0X_1F, 0o17, 0b101\n"),
            "(= x (tuple 0 42 1000 255 31 15 5))");
  EXPECT_EQ(dump_one("x = 1.5, 1e-3, .5, 1., 2E2, 1_0.2_5\n"),
            "(= x (tuple 1.5f 0.001f 0.5f 1f 200f 10.25f))");
  EXPECT_EQ(dump_one("x = 9223372036854775807\n"), "(= x 9223372036854775807)");
  EXPECT_EQ(dump_one("x = -9223372036854775808\n"), "(= x -9223372036854775808)");
  EXPECT_EQ(dump_one("x = 1e999\n"), "(= x inff)");
}

TEST(ParseLiterals, Constants) {
  EXPECT_EQ(dump_one("x = True, False, None, ...\n"), "(= x (tuple True False None ...))");
}

TEST(ParseLiterals, StringsAndEscapes) {
  EXPECT_EQ(dump_one("x = 'a' \"b\"\n"), "(= x \"ab\")");
  EXPECT_EQ(dump_one(R"(x = "\n\t\\\'\"\x41\u00e9\U0001F600\101")"
                     "\n"),
            "(= x \"\\n\\t\\\\'\\\"A\u00e9\U0001F600A\")");
  EXPECT_EQ(dump_one(R"(x = r"\n\d")"
                     "\n"),
            R"((= x "\\n\\d"))");
  EXPECT_EQ(dump_one("x = '''a\nb''' \"\"\"c\"d\"\"\"\n"), "(= x \"a\\nbc\\\"d\")");
  EXPECT_EQ(dump_one("x = 'a\\\nb'\n"), "(= x \"ab\")");
  EXPECT_EQ(dump_one("x = u'a' R'\\\\'\n"), R"((= x "a\\\\"))");
}

TEST(ParseLiterals, ContainerLiterals) {
  EXPECT_EQ(dump_one("x = (), (1,), (1), [1, 2,], {}, {'a': 1, b: 2,}\n"),
            "(= x (tuple (tuple) (tuple 1) 1 (list 1 2) (dict) (dict \"a\":1 b:2)))");
  EXPECT_EQ(dump_one("x = [\n  1,\n  2\n]\n"), "(= x (list 1 2))");
}

TEST(ParseLiterals, Comprehensions) {
  EXPECT_EQ(dump_one("x = [e for x in it if c for y in it2]\n"),
            "(= x (listcomp e (for x it (if c)) (for y it2)))");
  EXPECT_EQ(dump_one("x = [a for a, b in pairs if a if b]\n"),
            "(= x (listcomp a (for (tuple a b) pairs (if a) (if b))))");
  EXPECT_EQ(dump_one("d = {k: v * 2 for k, v in items}\n"),
            "(= d (dictcomp k:(* v 2) (for (tuple k v) items)))");
  EXPECT_EQ(dump_one("x = [a if c else b for a in xs]\n"),
            "(= x (listcomp (if c a b) (for a xs)))");
}

// ---------------------------------------------------------------- postfix forms

TEST(ParsePostfix, CallsWithPositionalThenKeywordArguments) {
  EXPECT_EQ(dump_one("f(1, x, k=2, m=g(3),)\n"), "(call f 1 x k=2 m=(call g 3))");
  EXPECT_EQ(dump_one("f()()\n"), "(call (call f))");
}

TEST(ParsePostfix, SubscriptsAndSlices) {
  EXPECT_EQ(dump_one("x[i]\n"), "([] x i)");
  EXPECT_EQ(dump_one("x[1:2]\n"), "([] x (slice 1 2 _))");
  EXPECT_EQ(dump_one("x[1:n:2]\n"), "([] x (slice 1 n 2))");
  EXPECT_EQ(dump_one("x[::-1]\n"), "([] x (slice _ _ -1))");
  EXPECT_EQ(dump_one("x[:]\n"), "([] x (slice _ _ _))");
  EXPECT_EQ(dump_one("x[:, 0]\n"), "([] x (tuple (slice _ _ _) 0))");
  EXPECT_EQ(dump_one("x[..., None]\n"), "([] x (tuple ... None))");
  EXPECT_EQ(dump_one("x[a, b]\n"), "([] x (tuple a b))");
  EXPECT_EQ(dump_one("x[a,]\n"), "([] x (tuple a))");
}

TEST(ParsePostfix, EffectKeywordsMayNameMethods) {
  EXPECT_EQ(dump_one("y = d.sample()\n"), "(= y (call (. d sample)))");
  EXPECT_EQ(dump_one("y = t.param\n"), "(= y (. t param))");
}

// ---------------------------------------------------------------- effect keywords

TEST(ParseEffects, SampleKeepsArgumentsAsWritten) {
  EXPECT_EQ(dump_one("z = sample(\"z\", Normal(loc, scale))\n"),
            "(= z (sample \"z\" (call Normal loc scale)))");
  EXPECT_EQ(dump_one("x = sample(\"x\", Bernoulli(p), obs=data)\n"),
            "(= x (sample \"x\" (call Bernoulli p) obs=data))");
  EXPECT_EQ(dump_one("sample()\n"), "(sample)");  // the checker reports what is missing
  EXPECT_EQ(dump_one("z = sample(f\"z_{i}\", d)[0]\n"), "(= z ([] (sample (f \"z_\" {i}) d) 0))");
}

TEST(ParseEffects, ParamObservePlate) {
  EXPECT_EQ(dump_one("w = param(\"w\", randn(3), constraint=positive)\n"),
            "(= w (param \"w\" (call randn 3) constraint=positive))");
  EXPECT_EQ(dump_one("observe(\"x\", Bernoulli(p), data)\n"),
            "(observe \"x\" (call Bernoulli p) data)");
  EXPECT_EQ(dump_one("with plate(\"data\", N, subsample_size=128) as idx:\n"
                     "    sample(\"y\", Normal(mu[idx], 1.0), obs=y[idx])\n"),
            "(with (plate \"data\" N subsample_size=128) idx "
            "((sample \"y\" (call Normal ([] mu idx) 1f) obs=([] y idx))))");
  EXPECT_EQ(dump_one("for i in plate(\"seq\", T):\n    pass\n"),
            "(for i (plate \"seq\" T) (pass))");
}

// ---------------------------------------------------------------- statements

TEST(ParseStatements, Assignments) {
  EXPECT_EQ(dump_one("a = b = 1\n"), "(= a b 1)");
  EXPECT_EQ(dump_one("a, b = f()\n"), "(= (tuple a b) (call f))");
  EXPECT_EQ(dump_one("(a, b), [c, d] = x\n"), "(= (tuple (tuple a b) (list c d)) x)");
  EXPECT_EQ(dump_one("x[i] = v\n"), "(= ([] x i) v)");
  EXPECT_EQ(dump_one("x = 1, 2\n"), "(= x (tuple 1 2))");
}

TEST(ParseStatements, AugmentedAssignments) {
  EXPECT_EQ(dump("a += 1\na -= 1\na *= 1\na /= 1\na //= 1\na %= 1\na **= 1\na @= m\nx[0] += 1\n"),
            "(+= a 1); (-= a 1); (*= a 1); (/= a 1); (//= a 1); (%= a 1); (**= a 1); (@= a m); "
            "(+= ([] x 0) 1)");
}

TEST(ParseStatements, DefWithDefaults) {
  EXPECT_EQ(dump_one("def f(x, y=2, z=None,):\n    return x + y\n"),
            "(def f (x y=2 z=None) ((return (+ x y))))");
  EXPECT_EQ(dump_one("def g():\n    return\n"), "(def g () ((return _)))");
  EXPECT_EQ(dump_one("def h(): return 1, 2\n"), "(def h () ((return (tuple 1 2))))");
}

TEST(ParseStatements, IfElifElseNestsElifInOrelse) {
  EXPECT_EQ(dump_one("if a:\n    x\nelif b:\n    y\nelif c:\n    z\nelse:\n    w\n"),
            "(if a (x) else ((if b (y) else ((if c (z) else (w))))))");
  EXPECT_EQ(dump_one("if a: x\n"), "(if a (x))");
}

TEST(ParseStatements, Loops) {
  EXPECT_EQ(dump_one("for i, x in enumerate(xs):\n    continue\n"),
            "(for (tuple i x) (call enumerate xs) (continue))");
  EXPECT_EQ(dump_one("for x[0] in xs: pass\n"), "(for ([] x 0) xs (pass))");
  EXPECT_EQ(dump_one("while i < 3:\n    i += 1\n    break\n"),
            "(while (cmp i < 3) ((+= i 1); break))");
}

TEST(ParseStatements, WithAssertImportPass) {
  EXPECT_EQ(dump_one("with ctx():\n    pass\n"), "(with (call ctx) _ (pass))");
  EXPECT_EQ(dump_one("assert x > 0\n"), "(assert (cmp x > 0) _)");
  EXPECT_EQ(dump_one("assert x, \"x must be set\"\n"), "(assert x \"x must be set\")");
  EXPECT_EQ(dump_one("import \"lib/util.ppl\"\n"), "(import \"lib/util.ppl\")");
  EXPECT_EQ(dump_one("pass\n"), "pass");
}

TEST(ParseStatements, SimpleStatementsSeparatedBySemicolons) {
  EXPECT_EQ(dump("x = 1; y = 2; print(x)\n"), "(= x 1); (= y 2); (call print x)");
  EXPECT_EQ(dump("x = 1;\n"), "(= x 1)");
  EXPECT_EQ(dump("if a: x = 1; y = 2\n"), "(if a ((= x 1); (= y 2)))");
}

TEST(ParseStatements, ModuleRecordsFileAndPath) {
  auto parsed = parse("x = 1\n");
  ASSERT_NE(parsed->module, nullptr);
  EXPECT_EQ(parsed->module->file, parsed->file);
  EXPECT_EQ(parsed->module->path, "test.ppl");
}

// ---------------------------------------------------------------- f-strings

TEST(ParseFString, SplitsLiteralsAndFields) {
  EXPECT_EQ(dump_one("s = f\"x{i}_{y:.3f}\"\n"), "(= s (f \"x\" {i} \"_\" {y:.3f}))");
  EXPECT_EQ(dump_one("s = f'{a:.3f}'\n"), "(= s (f {a:.3f}))");
  EXPECT_EQ(dump_one("s = f\"{{literal}} {x}\"\n"), "(= s (f \"{literal} \" {x}))");
  EXPECT_EQ(dump_one("s = f\"{d['k']} {f(a, b)[0]} {x if c else y}\"\n"),
            "(= s (f {([] d \"k\")} \" \" {([] (call f a b) 0)} \" \" {(if c x y)}))");
  EXPECT_EQ(dump_one("s = f\"{a != b}\"\n"), "(= s (f {(cmp a != b)}))");
  EXPECT_EQ(dump_one("s = \"a\" f\"{b}\" 'c'\n"), "(= s (f \"a\" {b} \"c\"))");
  EXPECT_EQ(dump_one("s = f\"\\n{x}\\t\"\n"), "(= s (f \"\\n\" {x} \"\\t\"))");
  EXPECT_EQ(dump_one("s = rf\"\\n{x}\"\n"), "(= s (f \"\\\\n\" {x}))");
}

TEST(ParseFString, FieldRangesPointIntoTheFString) {
  auto parsed = parse("s = f\"ab{xy + 1}\"\n");
  ASSERT_NE(parsed->module, nullptr);
  const auto& fstring = parsed->module->body[0]->as<ast::Assign>().value->as<ast::FString>();
  ASSERT_EQ(fstring.parts.size(), 2u);
  const SourceRange& r = fstring.parts[1].expr->range;
  EXPECT_EQ(r.line, 1u);
  EXPECT_EQ(r.col, 10u);
  EXPECT_EQ(r.end_col, 15u);
  EXPECT_EQ(fstring.range.col, 5u);
  EXPECT_EQ(fstring.range.end_col, 17u);
}

TEST(ParseFString, FieldOnALaterLineOfATripleQuotedFString) {
  auto parsed = parse("s = f\"\"\"first\n  then {value}\"\"\"\n");
  ASSERT_NE(parsed->module, nullptr);
  const auto& fstring = parsed->module->body[0]->as<ast::Assign>().value->as<ast::FString>();
  ASSERT_EQ(fstring.parts.size(), 2u);
  EXPECT_EQ(fstring.parts[0].literal, "first\n  then ");
  const SourceRange& r = fstring.parts[1].expr->range;
  EXPECT_EQ(r.line, 2u);
  EXPECT_EQ(r.col, 9u);
  EXPECT_EQ(fstring.range.end_line, 2u);
  EXPECT_EQ(fstring.range.end_col, 17u);
}

TEST(ParseFString, ErrorInAFieldPointsIntoTheFString) {
  EXPECT_EQ(first_error("s = f\"ab{x +}\"\n"), "1:13: expected an expression");
  EXPECT_EQ(first_error("s = f\"\"\"\n  {a b}\"\"\"\n"),
            "2:6: unexpected 'b', expected end of the expression");
}

TEST(ParseExpression, ParsesAtAnOrigin) {
  SourceManager sources;
  const uint32_t file = sources.add("x.ppl", "....\n    a + b\n");
  Diagnostics diags;
  ast::ExprPtr e = parse_expression(sources, file, "a + b", SourceRange{file, 2, 5, 2, 5}, diags);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(dump_expr(*e), "(+ a b)");
  EXPECT_EQ(e->range.line, 2u);
  EXPECT_EQ(e->range.col, 5u);
  EXPECT_EQ(e->range.end_col, 9u);
  EXPECT_FALSE(diags.has_errors());
}

// ---------------------------------------------------------------- ranges

TEST(ParseRanges, EveryNodeHasAccurateStartAndEnd) {
  auto parsed = parse("x = foo(1, bar=[2, 3])\n");
  ASSERT_NE(parsed->module, nullptr);
  const auto& assign = parsed->module->body[0]->as<ast::Assign>();
  EXPECT_EQ(assign.range.file, parsed->file);
  EXPECT_EQ(assign.range.col, 1u);
  EXPECT_EQ(assign.range.end_col, 22u);
  const auto& call = assign.value->as<ast::Call>();
  EXPECT_EQ(call.range.col, 5u);
  EXPECT_EQ(call.range.end_col, 22u);
  EXPECT_EQ(call.callee->range.col, 5u);
  EXPECT_EQ(call.callee->range.end_col, 7u);
  EXPECT_EQ(call.args[1].keyword_range.col, 12u);
  EXPECT_EQ(call.args[1].keyword_range.end_col, 14u);
  EXPECT_EQ(call.args[1].value->range.col, 16u);
  EXPECT_EQ(call.args[1].value->range.end_col, 21u);
}

TEST(ParseRanges, CompoundStatementsEndAtTheirLastStatement) {
  auto parsed = parse("def f(x):\n    if x:\n        return 1\n    return 2\n\ny = 3\n");
  ASSERT_NE(parsed->module, nullptr);
  const auto& def = parsed->module->body[0]->as<ast::Def>();
  EXPECT_EQ(def.range.line, 1u);
  EXPECT_EQ(def.range.end_line, 4u);
  EXPECT_EQ(def.range.end_col, 12u);
  EXPECT_EQ(def.name_range.col, 5u);
  EXPECT_EQ(def.params[0].range.col, 7u);
  const auto& inner = def.body[0]->as<ast::If>();
  EXPECT_EQ(inner.range.line, 2u);
  EXPECT_EQ(inner.range.col, 5u);
  EXPECT_EQ(inner.range.end_line, 3u);
  EXPECT_EQ(inner.range.end_col, 16u);
}

TEST(ParseRanges, ElifChainsEndWhereTheChainEnds) {
  auto parsed = parse("if a:\n    x\nelif b:\n    y\nelse:\n    zz\n");
  ASSERT_NE(parsed->module, nullptr);
  const auto& top = parsed->module->body[0]->as<ast::If>();
  const auto& nested = top.orelse[0]->as<ast::If>();
  EXPECT_EQ(nested.range.line, 3u);
  EXPECT_EQ(nested.range.col, 1u);
  EXPECT_EQ(top.range.end_line, 6u);
  EXPECT_EQ(nested.range.end_line, 6u);
  EXPECT_EQ(nested.range.end_col, 6u);
}

TEST(ParseRanges, ColumnsCountCodePoints) {
  auto parsed = parse("é = \"ü€\" + ñ\n");
  ASSERT_NE(parsed->module, nullptr);
  const auto& assign = parsed->module->body[0]->as<ast::Assign>();
  EXPECT_EQ(assign.targets[0]->range.end_col, 1u);
  const auto& sum = assign.value->as<ast::Binary>();
  EXPECT_EQ(sum.lhs->range.col, 5u);
  EXPECT_EQ(sum.lhs->range.end_col, 8u);
  EXPECT_EQ(sum.rhs->range.col, 12u);
  EXPECT_EQ(assign.value->as<ast::Binary>().lhs->as<ast::StrLit>().value, "ü€");
}

TEST(ParseRanges, MultiLineStringsAndParenthesizedTuples) {
  auto parsed = parse("x = (\"\"\"a\nbc\"\"\", 1)\n");
  ASSERT_NE(parsed->module, nullptr);
  const auto& tuple = parsed->module->body[0]->as<ast::Assign>().value->as<ast::TupleExpr>();
  EXPECT_EQ(tuple.range.col, 5u);
  EXPECT_EQ(tuple.range.end_line, 2u);
  EXPECT_EQ(tuple.range.end_col, 9u);
  EXPECT_EQ(tuple.elements[0]->range.end_line, 2u);
  EXPECT_EQ(tuple.elements[0]->range.end_col, 5u);
}

}  // namespace
}  // namespace kiln::testing
