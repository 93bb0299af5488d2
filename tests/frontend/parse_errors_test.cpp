// Syntax errors: what the user reads, and where. Python's wording where
// Python has one; never ANTLR's.
#include <gtest/gtest.h>

#include <string>

#include "frontend/parse.h"
#include "parse_helpers.h"

namespace kiln::testing {
namespace {

// ---------------------------------------------------------------- layout

TEST(ParseErrors, MissingColon) {
  EXPECT_EQ(errors_of("if x\n    y = 1\n"), "1:5: expected ':'");
  EXPECT_EQ(errors_of("def f(x)\n    return x\n"), "1:9: expected ':'");
  EXPECT_EQ(errors_of("for i in xs\n    pass\n"), "1:12: expected ':'");
  EXPECT_EQ(errors_of("if a:\n    pass\nelse\n    pass\n"), "3:5: expected ':'");
}

TEST(ParseErrors, UnexpectedIndent) {
  EXPECT_EQ(errors_of("x = 1\n    y = 2\n"), "2:5: unexpected indent");
  EXPECT_EQ(errors_of("    x = 1\n"), "1:5: unexpected indent");
}

TEST(ParseErrors, MissingIndentedBlockNamesItsHeader) {
  EXPECT_EQ(errors_of("if x:\ny = 1\n"),
            "2:1: expected an indented block after 'if' statement on line 1");
  EXPECT_EQ(errors_of("def f():\nreturn 1\n"),
            "2:1: expected an indented block after function definition on line 1");
  EXPECT_EQ(errors_of("for i in x:\n"),
            "2:1: expected an indented block after 'for' statement on line 1");
  EXPECT_EQ(errors_of("while a:\n# nothing\nb\n"),
            "3:1: expected an indented block after 'while' statement on line 1");
}

TEST(ParseErrors, UnindentToAnUnknownLevel) {
  EXPECT_EQ(errors_of("if a:\n    x\n  y\n"),
            "3:3: unindent does not match any outer indentation level");
}

TEST(ParseErrors, InconsistentTabsAndSpaces) {
  // A tab counts 8 columns or 1 depending on the editor; both readings must agree.
  EXPECT_EQ(errors_of("if a:\n\tx = 1\n        y = 2\n"),
            "3:9: inconsistent use of tabs and spaces in indentation");
  EXPECT_EQ(errors_of("if a:\n        x = 1\n\ty = 2\n"),
            "3:2: inconsistent use of tabs and spaces in indentation");
}

TEST(ParseErrors, TooManyIndentationLevels) {
  std::string program;
  for (int i = 0; i < 120; ++i) program += std::string(i, ' ') + "if x:\n";
  program += std::string(120, ' ') + "pass\n";
  EXPECT_EQ(first_error(program), "102:102: too many levels of indentation (limit 100)");
}

// ---------------------------------------------------------------- brackets

TEST(ParseErrors, BracketNeverClosed) {
  EXPECT_EQ(errors_of("x = f(1,\ny = 2\n"), "1:6: '(' was never closed");
  EXPECT_EQ(errors_of("x = [1, 2"), "1:5: '[' was never closed");
  EXPECT_EQ(errors_of("x = f(1,\ny = 2\nz = 3\n"), "3:1: unclosed '(' opened at line 1");
}

TEST(ParseErrors, UnmatchedClosingBracket) {
  EXPECT_EQ(errors_of("x = 1)\n"), "1:6: unexpected ')'");
  EXPECT_EQ(errors_of("x = (1, 2]\ny = 3\n"),
            "1:10: closing ']' does not match '(' opened at line 1");
}

TEST(ParseErrors, TooManyNestedBrackets) {
  const std::string deep = "x = " + std::string(201, '(') + "1" + std::string(201, ')') + "\n";
  EXPECT_EQ(errors_of(deep), "1:205: too many nested brackets (limit 200)");
  const std::string limit = "x = " + std::string(200, '[') + "1" + std::string(200, ']') + "\n";
  EXPECT_EQ(errors_of(limit), "");
}

// ---------------------------------------------------------------- tokens

TEST(ParseErrors, InvalidCharacters) {
  EXPECT_EQ(errors_of("x = $\n"), "1:5: invalid character '$'");
  EXPECT_EQ(errors_of("x = 1 € 2\n"), "1:7: invalid character '€' (U+20AC)");
  EXPECT_EQ(errors_of("x = “hi”\n"), "1:5: invalid character '“' (U+201C)");
  EXPECT_EQ(errors_of("x = 1\x07\n"), "1:6: invalid non-printable character U+0007");
  EXPECT_EQ(errors_of("x = 1 \\ 2\n"),
            "1:7: unexpected character after line continuation character");
  EXPECT_EQ(errors_of("x = 1\ry = 2\n"), "1:6: carriage return without a line feed");
}

TEST(ParseErrors, UnterminatedStrings) {
  EXPECT_EQ(errors_of("x = \"abc\ny = 2\n"), "1:5: unterminated string literal");
  EXPECT_EQ(errors_of("x = '''abc\n\ny = 2\n"), "1:5: unterminated triple-quoted string literal");
}

TEST(ParseErrors, SourceTextChecks) {
  EXPECT_EQ(errors_of(std::string("x = 1\ny = \0\n", 12)), "2:5: source contains a NUL byte");
  EXPECT_EQ(errors_of("x = 1\ny = 'é\xFF'\n"), "2:7: invalid UTF-8 byte 0xFF");
  EXPECT_EQ(errors_of("x = '\xED\xA0\x80'\n"), "1:6: invalid UTF-8 byte 0xED");  // a surrogate
  EXPECT_EQ(errors_of("x = '\xC0\xAF'\n"), "1:6: invalid UTF-8 byte 0xC0");      // overlong
  const std::string huge(kMaxSourceBytes + 1, '#');
  EXPECT_EQ(errors_of(huge), "1:1: file is too large to compile (16 MiB; the limit is 16 MiB)");
}

// ---------------------------------------------------------------- keywords

TEST(ParseErrors, EffectKeywordsCannotBeAssigned) {
  EXPECT_EQ(errors_of("sample = 3\n"),
            "1:1: 'sample' is a reserved keyword and cannot be assigned");
  EXPECT_EQ(errors_of("plate += 1\n"), "1:1: 'plate' is a reserved keyword and cannot be assigned");
  EXPECT_EQ(errors_of("x = param\n"),
            "1:5: 'param' is a reserved keyword and cannot be used as a name");
  EXPECT_EQ(errors_of("for observe in xs:\n    pass\n"),
            "1:5: 'observe' is a reserved keyword and cannot be used as a name");
  EXPECT_EQ(errors_of("def sample(x):\n    pass\n"),
            "1:5: 'sample' is a reserved keyword and cannot be used as a name");
  EXPECT_EQ(errors_of("def f(plate):\n    pass\n"),
            "1:7: 'plate' is a reserved keyword and cannot be used as a name");
}

TEST(ParseErrors, PythonKeywordsCannotBeAssigned) {
  EXPECT_EQ(errors_of("lambda = 3\n"),
            "1:1: 'lambda' is a reserved keyword and cannot be assigned");
  EXPECT_EQ(errors_of("x = y.if\n"),
            "1:7: 'if' is a reserved keyword and cannot be used as a name");
  EXPECT_EQ(errors_of("None = 1\n"), "1:1: cannot assign to None");
  EXPECT_EQ(errors_of("True = 1\n"), "1:1: cannot assign to True");
}

// ---------------------------------------------------------------- grammar

TEST(ParseErrors, CommonMistakesReadWell) {
  EXPECT_EQ(errors_of("x = 1 +\n"), "1:8: expected an expression");
  EXPECT_EQ(errors_of("if x = 1:\n    pass\n"), "1:6: unexpected '='");
  EXPECT_EQ(errors_of("f(a b)\n"), "1:5: unexpected 'b'");
  EXPECT_EQ(errors_of("x y\n"), "1:3: unexpected 'y'");
  EXPECT_EQ(errors_of("import foo\n"), "1:8: expected a file name string after 'import'");
  EXPECT_EQ(errors_of("else:\n    pass\n"), "1:1: unexpected 'else'");
  EXPECT_EQ(errors_of("x = sum(x for x in y)\n"), "1:11: unexpected 'for'");
  EXPECT_EQ(errors_of("x = (1, 2 3)\n"), "1:11: unexpected '3'");
}

TEST(ParseErrors, PythonStatementsKilnLacksAreNamed) {
  EXPECT_EQ(errors_of("class Foo:\n    pass\n"), "1:1: Kiln has no 'class' statement");
  EXPECT_EQ(errors_of("try:\n    x = 1\nexcept:\n    pass\n"),
            "1:1: Kiln has no 'try' statement\n3:1: Kiln has no 'except' statement");
  EXPECT_EQ(errors_of("x = 1; del x\n"), "1:8: Kiln has no 'del' statement");
  EXPECT_EQ(errors_of("from lib import f\n"), "1:1: Kiln has no 'from' statement");
  EXPECT_EQ(errors_of("try = 1\nclass_ = try\n"), "");  // plain names otherwise
}

TEST(ParseErrors, HintsExplainTheFix) {
  auto parsed = parse("f(a b)\n");
  ASSERT_EQ(parsed->diags.all().size(), 1u);
  EXPECT_EQ(parsed->diags.all()[0].hint, "perhaps you forgot a comma?");
  parsed = parse("if x = 1:\n    pass\n");
  EXPECT_EQ(parsed->diags.all()[0].hint, "use '==' to compare values");
}

TEST(ParseErrors, AntlrWordingNeverReachesUsers) {
  const char* programs[] = {
      "x = = 1\n",   "f(,)\n",       "def (x):\n",    "x = [1 2 3]\n",
      "if:\n",       "x = 1 +* 2\n", "lambda x\n",    "return return\n",
      "x = {1: }\n", "for in x:\n",  "x[::::]\n",     "with as x:\n",
      "assert\n",    "a.b.\n",       "x = (1 for)\n", "def f(a, b=1, *c): pass\n",
      "@decorator\n"};
  for (const char* program : programs) {
    auto parsed = parse(program);
    EXPECT_TRUE(parsed->diags.has_errors()) << program;
    for (const Diagnostic& d : parsed->diags.all()) {
      for (const char* antlr :
           {"mismatched input", "expecting", "extraneous input", "no viable alternative",
            "missing ", "<EOF>", "token recognition"}) {
        EXPECT_EQ(d.message.find(antlr), std::string::npos) << program << " -> " << d.message;
      }
      EXPECT_GT(d.range.line, 0u) << program;
      EXPECT_GT(d.range.col, 0u) << program;
    }
  }
}

TEST(ParseErrors, OneErrorPerLineButEveryLineReported) {
  EXPECT_EQ(errors_of("x = $ $ $\ny = (1 2)\nz = 3 4\n"),
            "1:5: invalid character '$'\n2:8: unexpected '2'\n3:7: unexpected '4', expected ';' or "
            "end of line");
}

TEST(ParseErrors, ErrorCountIsCapped) {
  std::string program;
  for (int i = 0; i < 500; ++i) program += "x = = 1\n";
  auto parsed = parse(program);
  EXPECT_EQ(parsed->module, nullptr);
  EXPECT_EQ(parsed->diags.all().size(), Diagnostics::kMaxErrors);
}

// ---------------------------------------------------------------- AST builder checks

TEST(ParseErrors, AssignmentTargets) {
  EXPECT_EQ(errors_of("f() = 3\n"), "1:1: cannot assign to function call");
  EXPECT_EQ(errors_of("1 = x\n"), "1:1: cannot assign to literal");
  EXPECT_EQ(errors_of("a + b = c\n"), "1:1: cannot assign to expression");
  EXPECT_EQ(errors_of("a < b = c\n"), "1:1: cannot assign to comparison");
  EXPECT_EQ(errors_of("a, f() = 1, 2\n"), "1:4: cannot assign to function call");
  EXPECT_EQ(errors_of("x = f() = 2\n"), "1:5: cannot assign to function call");
  EXPECT_EQ(errors_of("x.y = 1\n"), "1:1: cannot assign to attribute");
  EXPECT_EQ(errors_of("for f() in x: pass\n"), "1:5: cannot assign to function call");
  EXPECT_EQ(errors_of("with c as f(): pass\n"), "1:11: cannot assign to function call");
  EXPECT_EQ(errors_of("sample(\"x\", d) = 1\n"), "1:1: cannot assign to sample(...)");
  EXPECT_EQ(errors_of("a, b += 1\n"),
            "1:1: 'tuple' is an illegal expression for augmented assignment");
  EXPECT_EQ(errors_of("x = [1 for f() in y]\n"),
            "1:12: a comprehension variable must be a name or a tuple of names");
}

TEST(ParseErrors, ArgumentsAndParameters) {
  EXPECT_EQ(errors_of("f(x=1, 2)\n"), "1:8: positional argument follows keyword argument");
  EXPECT_EQ(errors_of("sample(name=\"x\", d)\n"),
            "1:18: positional argument follows keyword argument");
  EXPECT_EQ(errors_of("f(a=1, a=2)\n"), "1:8: keyword argument repeated: 'a'");
  EXPECT_EQ(errors_of("def f(a=1, b): pass\n"),
            "1:12: parameter without a default follows parameter with a default");
  EXPECT_EQ(errors_of("def f(x, x): pass\n"),
            "1:10: duplicate parameter 'x' in function definition");
  EXPECT_EQ(errors_of("g = lambda a=1, b: a\n"),
            "1:17: parameter without a default follows parameter with a default");
}

TEST(ParseErrors, NotAndLambdaNeedParenthesesAsOperands) {
  EXPECT_EQ(errors_of("x = a == not b\n"), "1:10: 'not' needs parentheses here");
  EXPECT_EQ(errors_of("x = 1 + lambda: 2\n"), "1:9: lambda needs parentheses here");
  EXPECT_EQ(errors_of("x = -not a\n"), "1:6: 'not' needs parentheses here");
  EXPECT_EQ(errors_of("x = a == (not b)\ny = a and not b\n"), "");
}

TEST(ParseErrors, IntegerLiterals) {
  EXPECT_EQ(errors_of("x = 9223372036854775808\n"), "1:5: integer literal too large");
  EXPECT_EQ(errors_of("x = 99999999999999999999999\n"), "1:5: integer literal too large");
  EXPECT_EQ(errors_of("x = -9223372036854775809\n"), "1:5: integer literal too large");
  EXPECT_EQ(errors_of("x = 0x1_0000_0000_0000_0000\n"), "1:5: integer literal too large");
  EXPECT_EQ(errors_of("x = 012\n"),
            "1:5: leading zeros in decimal integer literals are not permitted");
  EXPECT_EQ(errors_of("x = 000\n"), "");
}

TEST(ParseErrors, StringEscapes) {
  EXPECT_EQ(errors_of("x = '\\x4'\n"), "1:6: truncated \\x escape: expected 2 hex digits");
  EXPECT_EQ(errors_of("x = '\\u12'\n"), "1:6: truncated \\u escape: expected 4 hex digits");
  EXPECT_EQ(errors_of("x = '\\U00110000'\n"), "1:6: escape is not a valid Unicode code point");
  EXPECT_EQ(errors_of("x = '\\ud800'\n"), "1:6: escape is not a valid Unicode code point");
  EXPECT_EQ(errors_of("x = '\\N{DASH}'\n"), "1:6: \\N{...} escapes are not supported");
  EXPECT_EQ(errors_of("x = 'a\\d'\n"), "warning: 1:7: invalid escape sequence '\\d'");
}

TEST(ParseErrors, FStrings) {
  EXPECT_EQ(errors_of("x = f'a}'\n"), "1:8: f-string: single '}' is not allowed");
  EXPECT_EQ(errors_of("x = f'{}'\n"), "1:7: f-string: empty expression not allowed");
  EXPECT_EQ(errors_of("x = f'{ }'\n"), "1:7: f-string: empty expression not allowed");
  EXPECT_EQ(errors_of("x = f'{a'\n"), "1:7: f-string: expecting '}'");
  EXPECT_EQ(errors_of("x = f'{a!r}'\n"),
            "1:9: f-string conversions such as '!r' are not supported");
  EXPECT_EQ(errors_of("x = f'{a:{w}}'\n"),
            "1:10: nested replacement fields in a format spec are not supported");
  EXPECT_EQ(errors_of("x = f'{\"\\n\"}'\n"),
            "1:9: f-string expression part cannot include a backslash");
  EXPECT_EQ(errors_of("x = f'{a +}'\n"), "1:11: expected an expression");
  EXPECT_EQ(errors_of("x = f'{a $ b}'\n"), "1:10: invalid character '$'");
}

}  // namespace
}  // namespace kiln::testing
