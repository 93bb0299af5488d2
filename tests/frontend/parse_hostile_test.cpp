// Hostile and huge input: the front end must answer every file quickly, with
// a diagnostic or an AST, and never crash, hang or exhaust the stack.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "frontend/large_stack.h"
#include "frontend/parse.h"
#include "parse_helpers.h"

namespace kiln::testing {
namespace {

// A hang guard, not a speed target (speed is measured in bench/): generous,
// since these run on shared, loaded machines. A hang or an exponential
// blow-up is what they catch.
constexpr double kHostileSeconds = 10;

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string join(const std::string& item, const std::string& separator, size_t n) {
  std::string out = item;
  for (size_t i = 1; i < n; ++i) out += separator + item;
  return out;
}

struct Timed {
  std::unique_ptr<Parsed> parsed;
  double seconds;
};

Timed timed_parse(const std::string& text) {
  const auto start = std::chrono::steady_clock::now();
  auto parsed = parse(text);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return {std::move(parsed), elapsed.count()};
}

TEST(ParseHostile, BinaryGarbageIsRejectedBeforeLexing) {
  std::mt19937 random(1);
  std::string bytes(1 << 20, '\0');
  for (char& b : bytes) b = static_cast<char>(random());
  Timed t = timed_parse(bytes);
  EXPECT_EQ(t.parsed->module, nullptr);
  ASSERT_EQ(t.parsed->diags.all().size(), 1u);
  EXPECT_LT(t.seconds, kHostileSeconds);
}

TEST(ParseHostile, PrintableGarbageStopsAtTheErrorLimit) {
  const std::string alphabet = "abc xyz()[]{}:;,.=+-*/%@<>!#'\"\\\n\t 0123456789é€";
  std::mt19937 random(2);
  std::string text;
  for (int i = 0; i < 2'000'000; ++i) text += alphabet[random() % alphabet.size()];
  Timed t = timed_parse(text);
  EXPECT_EQ(t.parsed->module, nullptr);
  EXPECT_TRUE(t.parsed->diags.has_errors());
  EXPECT_LE(t.parsed->diags.all().size(), Diagnostics::kMaxErrors);
  EXPECT_LT(t.seconds, kHostileSeconds);
}

TEST(ParseHostile, TenThousandNestedParenthesesStopAtTheBracketLimit) {
  Timed t = timed_parse("x = " + std::string(10'000, '(') + "1" + std::string(10'000, ')') + "\n");
  EXPECT_EQ(diagnostics(*t.parsed), "1:205: too many nested brackets (limit 200)");
  EXPECT_LT(t.seconds, kHostileSeconds);
}

TEST(ParseHostile, LongChainsOfPrefixOperatorsStopAtTheNestingLimit) {
  for (const char* prefix : {"-", "- ", "not ", "lambda: ", "+"}) {
    Timed t = timed_parse("x = " + repeat(prefix, 100'000) + "x\n");
    EXPECT_EQ(t.parsed->module, nullptr) << prefix;
    ASSERT_EQ(t.parsed->diags.all().size(), 1u) << prefix;
    EXPECT_EQ(t.parsed->diags.all()[0].message, "expression is nested too deeply") << prefix;
    EXPECT_LT(t.seconds, kHostileSeconds) << prefix;
  }
}

TEST(ParseHostile, LongRightAssociativeChainsStopAtTheNestingLimit) {
  for (const std::string& text : {"x = " + join("2", " ** ", 100'000) + "\n",
                                  "x = " + repeat("a if b else ", 100'000) + "c\n"}) {
    Timed t = timed_parse(text);
    EXPECT_EQ(t.parsed->module, nullptr);
    EXPECT_EQ(t.parsed->diags.all().at(0).message, "expression is nested too deeply");
    EXPECT_LT(t.seconds, kHostileSeconds);
  }
}

TEST(ParseHostile, HundredThousandTermSumBuildsALeftDeepTree) {
  Timed t = timed_parse("x = " + join("1", "+", 100'000) + "\n");
  ASSERT_NE(t.parsed->module, nullptr) << diagnostics(*t.parsed);
  const ast::Expr* node = t.parsed->module->body[0]->as<ast::Assign>().value.get();
  size_t depth = 0;
  while (node->kind == ast::ExprKind::kBinary) {
    node = node->as<ast::Binary>().lhs.get();
    ++depth;
  }
  EXPECT_EQ(depth, 99'999u);
  EXPECT_LT(t.seconds, kHostileSeconds);
}

TEST(ParseHostile, LongLeftAssociativeChainsParse) {
  for (const std::string& text :
       {"x = a" + repeat(".b", 50'000) + "\n", "x = f" + repeat("()", 50'000) + "\n",
        "x = a" + repeat("[0]", 50'000) + "\n", "x = " + join("a", " and ", 50'000) + "\n",
        "x = " + join("1", ", ", 50'000) + "\n", "x = [" + join("1", ", ", 50'000) + "]\n"}) {
    Timed t = timed_parse(text);
    EXPECT_NE(t.parsed->module, nullptr) << diagnostics(*t.parsed);
    EXPECT_LT(t.seconds, kHostileSeconds);
  }
}

TEST(ParseHostile, LongComparisonChainIsOneCompare) {
  Timed t = timed_parse("x = " + join("a", " < ", 50'000) + "\n");
  ASSERT_NE(t.parsed->module, nullptr);
  const auto& compare = t.parsed->module->body[0]->as<ast::Assign>().value->as<ast::Compare>();
  EXPECT_EQ(compare.operands.size(), 50'000u);
  EXPECT_LT(t.seconds, kHostileSeconds);
}

TEST(ParseHostile, OversizedFileIsRejectedByItsSize) {
  Timed t = timed_parse(repeat("x = 1\n", (50u << 20) / 6));
  EXPECT_EQ(diagnostics(*t.parsed),
            "1:1: file is too large to compile (49 MiB; the limit is 16 MiB)");
  EXPECT_LT(t.seconds, kHostileSeconds);
}

TEST(ParseHostile, HugeTokens) {
  Timed t =
      timed_parse(std::string(1'000'000, 'x') + " = \"" + std::string(2'000'000, 's') + "\"\n");
  EXPECT_NE(t.parsed->module, nullptr);
  EXPECT_LT(t.seconds, kHostileSeconds);
  t = timed_parse("x = \"\"\"" + repeat("never closed\n", 100'000));
  EXPECT_EQ(diagnostics(*t.parsed), "1:5: unterminated triple-quoted string literal");
}

TEST(ParseHostile, ManyStatementsOnOneLine) {
  Timed t = timed_parse(join("x = 1", "; ", 20'000) + "\n");
  ASSERT_NE(t.parsed->module, nullptr);
  EXPECT_EQ(t.parsed->module->body.size(), 20'000u);
  EXPECT_LT(t.seconds, kHostileSeconds);
}

// The limits keep the parser's own stack use small: the deepest nesting it
// accepts, and the deepest it rejects, both fit in 16 MiB (the CLI gives the
// front end 512 MiB).
TEST(ParseHostile, DeepestInputsNeedLittleStack) {
  std::string legal;  // 100 blocks deep, then 199 brackets
  for (int i = 0; i < 100; ++i) legal += std::string(i, ' ') + "if x:\n";
  legal +=
      std::string(100, ' ') + "x = " + repeat("{1: ", 199) + "1" + std::string(199, '}') + "\n";
  const std::string too_deep = "x = " + repeat("-", 100'000) + "x\n";
  const std::string deep_error = "x = " + repeat("-", 2'900) + "x y\n";
  for (const std::string* text :
       std::initializer_list<const std::string*>{&legal, &too_deep, &deep_error}) {
    SourceManager sources;
    const uint32_t file = sources.add("deep.ppl", *text);
    Diagnostics diags;
    bool parsed = false;
    run_with_large_stack(
        [&] {
          std::unique_ptr<ast::Module> module = parse_module(sources, file, diags);
          parsed = module != nullptr;
        },
        size_t{16} << 20);
    EXPECT_EQ(parsed, text == &legal) << diagnostics(diags);
  }
}

// Parses without error; its speed is measured by bench/, not asserted here.
TEST(ParseLarge, TwentyThousandLineProgram) {
  std::string program = "import \"lib.ppl\"\n";
  constexpr int kLinesPerModel = 16;
  for (int i = 0; i * kLinesPerModel < 20'000; ++i) {
    const std::string n = std::to_string(i);
    program += "def model_" + n +
               "(data, N, sigma=1.0):\n"
               "    mu = param(\"mu_" +
               n +
               "\", zeros(3), constraint=positive)\n"
               "    w = sample(f\"w_{N}\", Normal(mu[0], sigma * 2.0 ** -1))\n"
               "    total = 0.0  # running total\n"
               "    for j in range(N):\n"
               "        if j % 2 == 0 and not (j > 10 or j < -3):\n"
               "            total += data[j, 0] * w - mu[1:3].sum() / (j + 1)\n"
               "        elif j in [1, 2, 3]:\n"
               "            total -= 1\n"
               "    with plate(\"data_" +
               n +
               "\", N, subsample_size=128) as idx:\n"
               "        sample(\"y\", Normal(mu[idx] @ w, 1.0), obs=data[idx, ..., None])\n"
               "    xs = [x * x for x in range(10) if x > 2]\n"
               "    d = {\"a\": 1, \"b\": (1,)}\n"
               "    f = lambda a, b=2: a + b if a > b else a - b\n"
               "    return total\n\n";
  }
  Timed t = timed_parse(program);
  ASSERT_NE(t.parsed->module, nullptr) << diagnostics(*t.parsed);
  RecordProperty("seconds", std::to_string(t.seconds));
  EXPECT_GT(t.parsed->module->body.size(), 1000u);
}

}  // namespace
}  // namespace kiln::testing
