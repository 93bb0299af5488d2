// The REPL's decision to ask for continuation lines (cli/input_completeness).
#include "cli/input_completeness.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(InputNeedsMore, CompleteStatementsRunAtOnce) {
  EXPECT_FALSE(input_needs_more("x = 1"));
  EXPECT_FALSE(input_needs_more("print(\"a:\")  # trailing comment:"));
  EXPECT_FALSE(input_needs_more("d = {'k': 1}"));
}

TEST(InputNeedsMore, OpenBracketsContinue) {
  EXPECT_TRUE(input_needs_more("xs = [1,"));
  EXPECT_TRUE(input_needs_more("f(a,\n  (b"));
  EXPECT_FALSE(input_needs_more("f(a,\n  (b))"));
  EXPECT_FALSE(input_needs_more("s = ')('"));
}

TEST(InputNeedsMore, BlocksEndOnAnEmptyLine) {
  EXPECT_TRUE(input_needs_more("def f():"));
  EXPECT_TRUE(input_needs_more("def f():\n    return 1"));
  EXPECT_FALSE(input_needs_more("def f():\n    return 1\n"));
  EXPECT_TRUE(input_needs_more("if x: y = 1"));
}

TEST(InputNeedsMore, StringsAndContinuations) {
  EXPECT_TRUE(input_needs_more("s = \"\"\"start"));
  EXPECT_FALSE(input_needs_more("s = \"\"\"start\nend\"\"\""));
  EXPECT_TRUE(input_needs_more("x = 1 + \\"));
}

}  // namespace
}  // namespace kiln
