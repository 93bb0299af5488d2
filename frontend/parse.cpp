// Source text -> parse tree -> AST.
//
// Order of work, each step guarding the next:
//   1. verify_source_text: size, NUL bytes and UTF-8, before ANTLR sees the
//      text (its UTF-8 decoder throws on bad input).
//   2. Lex the whole file (IndentingLexer). Bracket and indentation limits are
//      enforced here, before the recursive-descent parser could recurse on them.
//   3. Parse with SLL prediction and bail on the first error; only if that
//      fails, parse again with full LL and error recovery, reporting every
//      error (one per line). SLL is much faster and almost always enough.
//   4. Build the AST (ast_builder.cpp) only from an error-free tree.
#include "frontend/parse.h"

#include <memory>
#include <string>

#include "KilnParser.h"
#include "antlr4-runtime.h"
#include "frontend/ast_builder.h"
#include "frontend/indenting_lexer.h"
#include "frontend/parse_errors.h"

namespace kiln {

namespace {

using grammar::KilnParser;

// Rule invocations the parser may nest. Each is a C++ frame or two (a few
// hundred bytes), and full-LL prediction walks the same depth, so this bounds
// the stack a parse needs to a few MiB whatever the input: `- - - ... x` and
// `a ** b ** ...` nest without brackets. Legal code is far below it: 200
// brackets (kMaxBracketDepth) cost about 6 rules each and 100 blocks about 4.
constexpr size_t kMaxRuleDepth = 3000;

struct NestingTooDeep {
  const antlr4::Token* at;
};

// The generated parser with a depth check on every rule entry.
class GuardedParser : public KilnParser {
 public:
  using KilnParser::KilnParser;

  void enterRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) override {
    check_depth(ctx);
    KilnParser::enterRule(ctx, state, rule);
  }
  void enterRecursionRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule,
                          int precedence) override {
    check_depth(ctx);
    KilnParser::enterRecursionRule(ctx, state, rule, precedence);
  }

 private:
  // Counting parents is cheap at normal depths and stops at the limit, and
  // needs no matching hook on rule exit (exitRule is not virtual).
  void check_depth(const antlr4::tree::ParseTree* ctx) {
    size_t depth = 0;
    for (const antlr4::tree::ParseTree* p = ctx; p != nullptr; p = p->parent) {
      if (++depth > kMaxRuleDepth) throw NestingTooDeep{getCurrentToken()};
    }
  }
};

SourceRange point(uint32_t file, uint32_t line, uint32_t col) {
  return SourceRange{file, line, col, line, col};
}

// Length of the UTF-8 sequence starting at text[i], or 0 if it is invalid
// (overlong forms, surrogates and code points above U+10FFFF included, as
// Python rejects them).
size_t utf8_sequence_length(const std::string& text, size_t i) {
  auto byte = [&](size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  auto continuation = [&](size_t k) { return (byte(k) & 0xC0u) == 0x80u; };
  const unsigned b0 = byte(0);
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned b1 = byte(1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;  // overlong
    if (b0 == 0xED && b1 > 0x9F) return 0;  // UTF-16 surrogate
    return continuation(1) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned b1 = byte(1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 > 0x8F) return 0;  // above U+10FFFF
    return continuation(1) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

std::string hex_byte(unsigned char b) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("0x") + kHex[b >> 4] + kHex[b & 0xF];
}

// Reports the first reason `text` cannot be parsed at all. `origin` is the
// position of text[0] in its file.
bool verify_source_text(const std::string& text, const SourceRange& origin, Diagnostics& diags) {
  if (text.size() > kMaxSourceBytes) {
    diags.error(point(origin.file, origin.line, origin.col),
                "file is too large to compile (" + std::to_string(text.size() >> 20) +
                    " MiB; the limit is " + std::to_string(kMaxSourceBytes >> 20) + " MiB)",
                "split it into several files joined with import");
    return false;
  }
  uint32_t line = origin.line;
  uint32_t col = origin.col;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\0') {
      diags.error(point(origin.file, line, col), "source contains a NUL byte",
                  "is this a binary file? Kiln reads UTF-8 text");
      return false;
    }
    const size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      diags.error(point(origin.file, line, col),
                  "invalid UTF-8 byte " + hex_byte(static_cast<unsigned char>(text[i])),
                  "save the file as UTF-8");
      return false;
    }
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += length;
  }
  return true;
}

// Owns everything ANTLR needs for one parse; the returned tree lives as long
// as the session.
class ParseSession {
 public:
  ParseSession(const std::string& text, const SourceRange& origin, IndentingLexer::Mode mode,
               Diagnostics& diags)
      : input_(text),
        lexer_(&input_, origin.file, mode),
        tokens_(&lexer_),
        parser_(&tokens_),
        reporter_(lexer_, tokens_, diags) {
    lexer_.removeErrorListeners();
    parser_.removeErrorListeners();
    // Positions of an f-string field continue those of the enclosing file.
    lexer_.setLine(origin.line);
    lexer_.setCharPositionInLine(origin.col - 1);
  }

  // Runs `rule` (a start rule of KilnParser); null after reporting errors.
  template <class Context>
  Context* parse(Context* (KilnParser::*rule)()) {
    tokens_.fill();
    reporter_.add_lexer_errors();
    if (lexer_.aborted() || reporter_.full()) return nullptr;
    Context* tree = nullptr;
    try {
      tree = parse_sll(rule);
      if (tree == nullptr) tree = parse_ll(rule);
    } catch (const NestingTooDeep& e) {
      report_too_deep(e.at);
      return nullptr;
    } catch (const TooManySyntaxErrors&) {
      return nullptr;
    }
    reporter_.finish();
    return reporter_.error_count() == 0 ? tree : nullptr;
  }

 private:
  template <class Context>
  Context* parse_sll(Context* (KilnParser::*rule)()) {
    parser_.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    parser_.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    try {
      return (parser_.*rule)();
    } catch (const antlr4::ParseCancellationException&) {
      return nullptr;
    }
  }

  template <class Context>
  Context* parse_ll(Context* (KilnParser::*rule)()) {
    tokens_.seek(0);
    parser_.reset();
    parser_.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser_.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    parser_.addErrorListener(&reporter_);
    return (parser_.*rule)();
  }

  void report_too_deep(const antlr4::Token* at) {
    SourceRange range = point(lexer_.file_id(), 1, 1);
    if (at != nullptr) {
      range = point(lexer_.file_id(), static_cast<uint32_t>(at->getLine()),
                    static_cast<uint32_t>(at->getCharPositionInLine() + 1));
    }
    reporter_.add(range, "expression is nested too deeply",
                  "split it into several statements with intermediate variables");
  }

  antlr4::ANTLRInputStream input_;
  IndentingLexer lexer_;
  antlr4::CommonTokenStream tokens_;
  GuardedParser parser_;
  SyntaxErrorReporter reporter_;
};

}  // namespace

std::unique_ptr<ast::Module> parse_module(const SourceManager& sources, uint32_t file_id,
                                          Diagnostics& diags) {
  const SourceFile& file = sources.file(file_id);
  const SourceRange origin = point(file_id, 1, 1);
  if (!verify_source_text(file.text, origin, diags)) return nullptr;
  ParseSession session(file.text, origin, IndentingLexer::Mode::kModule, diags);
  KilnParser::ProgramContext* tree = session.parse(&KilnParser::program);
  if (tree == nullptr) return nullptr;
  return build_module(*tree, sources, file_id, diags);
}

ast::ExprPtr parse_expression(const SourceManager& sources, uint32_t file_id,
                              const std::string& text, const SourceRange& origin,
                              Diagnostics& diags) {
  SourceRange start = origin;
  start.file = file_id;
  if (!verify_source_text(text, start, diags)) return nullptr;
  ParseSession session(text, start, IndentingLexer::Mode::kExpression, diags);
  KilnParser::ExpressionInputContext* tree = session.parse(&KilnParser::expressionInput);
  if (tree == nullptr) return nullptr;
  return build_expression(*tree, sources, file_id, diags);
}

}  // namespace kiln
