// Name resolution and semantic checks through add_source, as `kiln check` runs them.
#include <gtest/gtest.h>

#include "frontend/program.h"
#include "parse_helpers.h"

namespace kiln::testing {
namespace {

struct Checked {
  Program program;
  Diagnostics diags;
  int module = -1;
};

std::unique_ptr<Checked> check(const std::string& text) {
  auto c = std::make_unique<Checked>();
  c->module = add_source(c->program, "<stdin>", &text, c->diags);
  return c;
}

// One "line:col: message" line per error.
std::string check_errors(const std::string& text) {
  std::string out = diagnostics(check(text)->diags);
  return out.empty() ? out : out + "\n";
}

uint32_t slot_of(const ast::Scope& scope, const std::string& name) {
  for (uint32_t i = 0; i < scope.num_slots; ++i)
    if (scope.slot_names[i] == name) return i;
  ADD_FAILURE() << "no slot " << name;
  return 0;
}

const ast::Def& def_at(const Checked& c, size_t index) {
  return c.program.modules.back()->body.at(index)->as<ast::Def>();
}

TEST(Resolver, LocalsParametersAndGlobals) {
  auto c = check("g = 1\ndef f(a, b=2):\n    x = a + b + g\n    return x\n");
  ASSERT_GE(c->module, 0) << diagnostics(c->diags);
  const ast::Def& f = def_at(*c, 1);
  EXPECT_EQ(f.scope.num_slots, 3u);  // a, b, x
  EXPECT_EQ(slot_of(f.scope, "a"), 0u);
  EXPECT_EQ(slot_of(f.scope, "b"), 1u);
  EXPECT_EQ(slot_of(f.scope, "x"), 2u);
  EXPECT_EQ(f.binding.kind, ast::BindingKind::kGlobal);
}

TEST(Resolver, CapturedVariableBecomesACell) {
  auto c = check("def outer():\n    n = 0\n    def inner():\n        return n\n    return inner\n");
  ASSERT_GE(c->module, 0) << diagnostics(c->diags);
  const ast::Def& outer = def_at(*c, 0);
  EXPECT_TRUE(outer.scope.slot_is_cell[slot_of(outer.scope, "n")]);
  EXPECT_FALSE(outer.scope.slot_is_cell[slot_of(outer.scope, "inner")]);
  const ast::Def& inner = outer.body[1]->as<ast::Def>();
  ASSERT_EQ(inner.scope.captures.size(), 1u);
  EXPECT_EQ(inner.scope.captures[0].name, "n");
  EXPECT_EQ(inner.scope.captures[0].outer.kind, ast::BindingKind::kCell);
}

TEST(Resolver, CaptureThreadsThroughIntermediateFunctions) {
  auto c = check(
      "def a():\n    v = 1\n    def b():\n        def c():\n            return v\n        return c\n    return b\n");
  ASSERT_GE(c->module, 0) << diagnostics(c->diags);
  const ast::Def& b = def_at(*c, 0).body[1]->as<ast::Def>();
  ASSERT_EQ(b.scope.captures.size(), 1u);
  const ast::Def& inner = b.body[0]->as<ast::Def>();
  EXPECT_EQ(inner.scope.captures[0].outer.kind, ast::BindingKind::kFree);
}

TEST(Resolver, RecursionAndForwardReferencesResolveAsGlobals) {
  EXPECT_EQ(check_errors("def even(n):\n    return True if n == 0 else odd(n - 1)\n"
                         "def odd(n):\n    return False if n == 0 else even(n - 1)\n"),
            "");
}

TEST(Resolver, UndefinedNameSuggestsTheClosestName) {
  EXPECT_EQ(check_errors("sigma = 1.0\nprint(sigam)\n"),
            "2:7: name 'sigam' is not defined\n");
  auto c = check("sigma = 1.0\nprint(sigam)\n");
  EXPECT_EQ(c->diags.all()[0].hint, "did you mean 'sigma'?");
}

TEST(Resolver, ReportsEveryErrorOfTheFile) {
  auto c = check("a = b\nc = d\ndef f():\n    return e\n");
  EXPECT_EQ(c->module, -1);
  EXPECT_EQ(c->diags.error_count(), 3u);
}

TEST(Resolver, MisplacedControlFlow) {
  EXPECT_EQ(check_errors("return 1\n"), "1:1: 'return' outside function\n");
  EXPECT_EQ(check_errors("break\n"), "1:1: 'break' outside loop\n");
  EXPECT_EQ(check_errors("for i in range(3):\n    def f():\n        continue\n"), "3:9: 'continue' outside loop\n");
}

TEST(Resolver, AssignmentToBuiltinConstant) {
  EXPECT_EQ(check_errors("pi = 3\n"), "1:1: cannot assign to builtin 'pi'\n");
  EXPECT_EQ(check_errors("factor = 3\n"), "1:1: cannot assign to builtin 'factor'\n");
  // Builtin functions may be shadowed, as in Python.
  EXPECT_EQ(check_errors("len = 3\nprint(len)\n"), "");
}

TEST(Resolver, BuiltinArityAndKeywords) {
  EXPECT_EQ(check_errors("len()\n"), "1:1: len() takes 1 argument but 0 were given\n");
  EXPECT_EQ(check_errors("range(1, 2, 3, 4)\n"), "1:1: range() takes from 1 to 3 arguments but 4 were given\n");
  EXPECT_EQ(check_errors("print(1, foo=2)\n"), "1:10: print() got an unexpected keyword argument 'foo'\n");
}

TEST(Resolver, UserFunctionArity) {
  const std::string f = "def f(a, b=1):\n    return a\n";
  EXPECT_EQ(check_errors(f + "f()\n"), "3:1: f() missing 1 required argument: 'a'\n");
  EXPECT_EQ(check_errors(f + "f(1, 2, 3)\n"), "3:1: f() takes 2 arguments but 3 were given\n");
  EXPECT_EQ(check_errors(f + "f(1, c=2)\n"), "3:6: f() got an unexpected keyword argument 'c'\n");
  EXPECT_EQ(check_errors(f + "f(1, a=2)\n"), "3:6: f() got multiple values for argument 'a'\n");
}

TEST(Resolver, RedefinedFunctionsAreNotCheckedStatically) {
  EXPECT_EQ(check_errors("def f(a):\n    return a\ndef f():\n    return 0\nf()\n"), "");
  EXPECT_EQ(check_errors("def g():\n    def h(a):\n        return a\n    h = len\n    return h([1])\n"), "");
}

TEST(Resolver, EffectKeywordForms) {
  EXPECT_EQ(check_errors("sample(\"x\")\n"), "1:1: sample() is missing its distribution\n");
  EXPECT_EQ(check_errors("sample(Normal(0.0, 1.0))\n"), "1:8: sample() needs a site name before the distribution\n");
  EXPECT_EQ(check_errors("sample(3, Normal(0.0, 1.0))\n"), "1:8: the site name of sample() must be a string\n");
  EXPECT_EQ(check_errors("sample(\"x\", Normal(0.0, 1.0), foo=1)\n"),
            "1:31: sample() got an unexpected keyword argument 'foo'\n");
  EXPECT_EQ(check_errors("observe(\"x\", Normal(0.0, 1.0))\n"),
            "1:1: observe() takes a site name, a distribution and the observed value (2 given)\n");
  EXPECT_EQ(check_errors("x = plate(\"p\", 3)\n"), "1:5: plate(...) can only open a block\n");
  EXPECT_EQ(check_errors("with plate(\"p\") as i:\n    pass\n"), "1:6: plate() needs a size\n");
  EXPECT_EQ(check_errors("for i in plate(\"p\", 3, dim=-2):\n    pass\n"),
            "1:24: a sequential plate takes only a name and a size\n");
}

TEST(Resolver, ImportMustBeAtTopLevel) {
  EXPECT_EQ(check_errors("if True:\n    import \"x.ppl\"\n"), "2:5: import must be at the top level of a file\n");
}

TEST(Resolver, ComprehensionVariablesDoNotLeak) {
  EXPECT_EQ(check_errors("xs = [i for i in range(3)]\nprint(i)\n"), "2:7: name 'i' is not defined\n");
}

}  // namespace
}  // namespace kiln::testing
