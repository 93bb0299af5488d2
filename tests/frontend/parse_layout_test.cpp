// Layout: NEWLINE, INDENT and DEDENT as IndentingLexer makes them, seen
// through the statements they produce.
#include <gtest/gtest.h>

#include "parse_helpers.h"

namespace kiln::testing {
namespace {

TEST(ParseLayout, EmptyAndCommentOnlyFiles) {
  EXPECT_EQ(dump(""), "");
  EXPECT_EQ(dump("\n\n   \n"), "");
  EXPECT_EQ(dump("# just a comment"), "");
  EXPECT_EQ(dump("   # indented comment\n# another\n"), "");
}

TEST(ParseLayout, NoTrailingNewline) {
  EXPECT_EQ(dump("x = 1"), "(= x 1)");
  EXPECT_EQ(dump("if a:\n    x = 1"), "(if a ((= x 1)))");
  EXPECT_EQ(dump("x = 1  # comment"), "(= x 1)");
}

TEST(ParseLayout, BlankLinesAndCommentsInsideBlocksAreIgnored) {
  EXPECT_EQ(dump("if a:\n    x = 1\n\n  # shallow comment\n        # deep comment\n    \n    y = "
                 "2\nz = 3\n"),
            "(if a ((= x 1); (= y 2))); (= z 3)");
}

TEST(ParseLayout, LeadingBlankLinesAndComments) {
  EXPECT_EQ(dump("\n# header\n\nx = 1\n"), "(= x 1)");
}

TEST(ParseLayout, SeveralBlocksCloseAtOnce) {
  EXPECT_EQ(dump("def f():\n    for i in x:\n        if i:\n            pass\ny = 1\n"),
            "(def f () ((for i x ((if i (pass)))))); (= y 1)");
  EXPECT_EQ(dump("def f():\n    for i in x:\n        if i:\n            pass"),
            "(def f () ((for i x ((if i (pass))))))");
}

TEST(ParseLayout, DedentToAnOuterBlock) {
  EXPECT_EQ(dump("if a:\n    if b:\n        x\n    y\nz\n"), "(if a ((if b (x)); y)); z");
}

TEST(ParseLayout, CrLfLineEndings) {
  EXPECT_EQ(dump("if a:\r\n    x = 1\r\n\r\ny = 'a\\\r\nb'\r\n"), "(if a ((= x 1))); (= y \"ab\")");
  EXPECT_EQ(dump("s = '''a\r\nb'''\r\n"), "(= s \"a\\nb\")");
}

TEST(ParseLayout, BackslashContinuation) {
  EXPECT_EQ(dump("x = 1 + \\\n    2\ny = 3\n"), "(= x (+ 1 2)); (= y 3)");
  EXPECT_EQ(dump("if a and \\\n        b:\n    pass\n"), "(if (and a b) (pass))");
  EXPECT_EQ(dump("x = 1 + \\\r\n2\n"), "(= x (+ 1 2))");
}

TEST(ParseLayout, LineBreaksInsideBracketsAreIgnored) {
  EXPECT_EQ(dump("x = f(1,\n  2,\n\n      # comment\n3)\ny = [\n]\n"),
            "(= x (call f 1 2 3)); (= y (list))");
  EXPECT_EQ(dump("if a:\n    x = {\n'k':\n  1}\n    y = 2\n"),
            "(if a ((= x (dict \"k\":1)); (= y 2)))");
}

TEST(ParseLayout, TabsUsedConsistently) {
  EXPECT_EQ(dump("if a:\n\tx = 1\n\tif b:\n\t\ty = 2\n"), "(if a ((= x 1); (if b ((= y 2)))))");
}

TEST(ParseLayout, ByteOrderMarkAndFormFeed) {
  EXPECT_EQ(dump("\xEF\xBB\xBFx = 1\n"), "(= x 1)");
  EXPECT_EQ(dump("x = 1\n\f\ny = 2\n"), "(= x 1); (= y 2)");
}

TEST(ParseLayout, OneLineSuites) {
  EXPECT_EQ(dump("def f(x): return x\nwhile a: a -= 1\nfor i in x: pass\nwith c as d: pass\n"),
            "(def f (x) ((return x))); (while a ((-= a 1))); (for i x (pass)); (with c d (pass))");
}

TEST(ParseLayout, IndentationLimitIsAccepted) {
  std::string program;
  for (int i = 0; i < 99; ++i) program += std::string(i, ' ') + "if x:\n";
  program += std::string(99, ' ') + "pass\n";
  auto parsed = parse(program);
  EXPECT_FALSE(parsed->diags.has_errors()) << diagnostics(*parsed);
  EXPECT_NE(parsed->module, nullptr);
}

}  // namespace
}  // namespace kiln::testing
