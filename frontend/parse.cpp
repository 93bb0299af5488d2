// Source text -> parse tree -> AST.
//
// Order of work, each step guarding the next:
//   1. verify_source_text: size, NUL bytes and UTF-8, before ANTLR sees the
//      text (its UTF-8 decoder throws on bad input).
//   2. IndentingLexer runs just ahead of the parser and enforces the bracket
//      and indentation limits, so hostile nesting ends the token stream
//      before the recursive-descent parser can recurse on it; GuardedParser
//      bounds the nesting that needs no brackets (- - - x, a ** b ** ...).
//   3. Each top-level statement is parsed with SLL prediction, bailing on the
//      first error, then built into AST and its parse tree and tokens freed.
//      Only if SLL fails is the rest parsed again with full LL and error
//      recovery, reporting every error (one per line). SLL is much faster and
//      almost always enough; freeing as we go keeps memory (and page faults,
//      which dominate on some machines) proportional to one statement.
//   4. AST building runs only on error-free statements.
#include "frontend/parse.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "KilnParser.h"
#include "antlr4-runtime.h"
#include "frontend/ast_builder.h"
#include "frontend/indenting_lexer.h"
#include "frontend/parse_errors.h"

namespace kiln {

namespace {

using grammar::KilnParser;

// Rule invocations the parser may nest. Each is a C++ frame or two, and
// full-LL prediction walks the same depth, so this bounds the stack a parse
// needs whatever the input (3 000 fit in 16 MiB; the CLI gives 1 GiB, frontend/large_stack.h):
// `- - - ... x` and `a ** b ** ...` nest without brackets. Legal code stays
// far below: 100 blocks (kMaxIndentDepth) cost 4 rules each and 200 brackets
// (kMaxBracketDepth) at most 4, about 1 200 in all.
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

// ANTLR's character stream over text already verified as UTF-8. It decodes
// the text itself (the runtime's std::wstring_convert is slow and throws on
// bad input) and answers getText(), which every token's text goes through,
// by slicing the original bytes instead of re-encoding code points.
class SourceCharStream : public antlr4::ANTLRInputStream {
 public:
  // `utf8` must outlive the stream.
  explicit SourceCharStream(const std::string& utf8) : utf8_(utf8) {
    _data.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size();) {
      const auto b0 = static_cast<unsigned char>(utf8[i]);
      const size_t length = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
      char32_t c = length == 1   ? b0
                   : length == 2 ? (b0 & 0x1F)
                   : length == 3 ? (b0 & 0x0F)
                                 : (b0 & 0x07);
      for (size_t k = 1; k < length; ++k)
        c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
      // ASCII text needs no table: code point and byte offsets coincide.
      if (length > 1 && ascii_) {
        ascii_ = false;
        for (size_t j = 0; j < _data.size(); ++j) offsets_.push_back(static_cast<uint32_t>(j));
      }
      if (!ascii_) offsets_.push_back(static_cast<uint32_t>(i));
      _data.push_back(c);
      i += length;
    }
    if (!ascii_) offsets_.push_back(static_cast<uint32_t>(utf8.size()));
  }

  std::string getText(const antlr4::misc::Interval& interval) override {
    if (interval.a < 0 || interval.b < interval.a) return "";
    const size_t first = static_cast<size_t>(interval.a);
    const size_t last = std::min(static_cast<size_t>(interval.b), _data.size() - 1);
    if (first >= _data.size()) return "";
    if (ascii_) return utf8_.substr(first, last - first + 1);
    return utf8_.substr(offsets_[first], offsets_[last + 1] - offsets_[first]);
  }

 private:
  const std::string& utf8_;
  bool ascii_ = true;
  std::vector<uint32_t> offsets_;  // byte offset of each code point, then the end; unused if ASCII
};

// A token stream that can forget the tokens of statements already built.
// With the lexer running just ahead of the parser, token memory then follows
// the statement being parsed rather than the whole file.
class StatementTokenStream : public antlr4::CommonTokenStream {
 public:
  using CommonTokenStream::CommonTokenStream;

  // Frees the tokens before `index`. The parser never looks further back
  // than one token before the statement it starts at.
  void release_before(size_t index) {
    for (; released_ < index && released_ < _tokens.size(); ++released_) _tokens[released_].reset();
  }

 private:
  size_t released_ = 0;
};

// Owns everything ANTLR needs for one parse of one text.
class ParseSession {
 public:
  ParseSession(const std::string& text, const SourceRange& origin, IndentingLexer::Mode mode,
               const SourceManager& sources, Diagnostics& diags)
      : input_(text),
        lexer_(&input_, origin.file, mode),
        tokens_(&lexer_),
        parser_(&tokens_),
        reporter_(lexer_, tokens_, diags),
        sources_(sources),
        diags_(diags) {
    lexer_.removeErrorListeners();
    parser_.removeErrorListeners();
    // Positions of an f-string field continue those of the enclosing file.
    lexer_.setLine(origin.line);
    lexer_.setCharPositionInLine(origin.col > 0 ? origin.col - 1 : 0);
  }

  // Parses a whole file into `body`; false after reporting errors.
  bool parse_module(ast::Block& body) {
    return guarded([&] { parse_statements(body); });
  }

  // Parses one expression; null after reporting errors.
  ast::ExprPtr parse_expression() {
    ast::ExprPtr result;
    const bool ok = guarded([&] {
      use_sll();
      KilnParser::ExpressionInputContext* tree = nullptr;
      try {
        tree = parser_.expressionInput();
      } catch (const antlr4::ParseCancellationException&) {
        if (!prepare_ll(0)) return;
        tree = parser_.expressionInput();
      }
      if (reporter_.error_count() == 0)
        result = build_expression(*tree, sources_, file_id(), diags_);
    });
    return ok ? std::move(result) : nullptr;
  }

 private:
  // Runs `parse`, turns the parse's limits into diagnostics and collects the
  // lexer's errors. True if there was no syntax error.
  template <class Parse>
  bool guarded(Parse parse) {
    try {
      parse();
    } catch (const NestingTooDeep& e) {
      report_too_deep(e.at);
    } catch (const TooManySyntaxErrors&) {
      return false;
    }
    tokens_.fill();
    reporter_.flush_lexer_errors();
    if (!lexer_.aborted()) reporter_.finish();
    return reporter_.error_count() == 0;
  }

  // One top-level statement at a time with SLL prediction, building its AST
  // and freeing its tokens and parse tree before the next. At the first
  // statement SLL cannot parse, the rest of the file is parsed in one go with
  // full LL and error recovery, which reports every syntax error.
  void parse_statements(ast::Block& body) {
    use_sll();
    while (tokens_.LA(1) != antlr4::Token::EOF) {
      const size_t start = tokens_.index();
      try {
        KilnParser::StatementContext* statement = parser_.statement();
        if (reporter_.error_count() == 0 && lexer_.errors().empty()) {
          build_statement(*statement, sources_, file_id(), diags_, body);
        }
      } catch (const antlr4::ParseCancellationException&) {
        if (!prepare_ll(start)) return;
        KilnParser::ProgramContext* rest = parser_.program();
        if (reporter_.error_count() != 0) return;
        for (KilnParser::StatementContext* statement : rest->statement()) {
          build_statement(*statement, sources_, file_id(), diags_, body);
        }
        return;
      }
      parser_.getTreeTracker().reset();
      if (start > 0) tokens_.release_before(start - 1);
    }
  }

  // Switches to full LL with error recovery from token `start`. Lexes the
  // rest of the input first: a lexer limit means the tokens end early and
  // parsing them would only report noise; and error messages use what the
  // lexer knows at the end (a bracket never closed).
  bool prepare_ll(size_t start) {
    tokens_.fill();
    reporter_.flush_lexer_errors();
    if (lexer_.aborted() || reporter_.full()) return false;
    tokens_.seek(start);
    parser_.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser_.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    parser_.addErrorListener(&reporter_);
    return true;
  }

  void use_sll() {
    parser_.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    parser_.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
  }

  void report_too_deep(const antlr4::Token* at) {
    SourceRange range = point(file_id(), 1, 1);
    if (at != nullptr) {
      range = point(file_id(), static_cast<uint32_t>(at->getLine()),
                    static_cast<uint32_t>(at->getCharPositionInLine() + 1));
    }
    reporter_.add(range, "expression is nested too deeply",
                  "split it into several statements with intermediate variables");
  }

  uint32_t file_id() const { return lexer_.file_id(); }

  SourceCharStream input_;
  IndentingLexer lexer_;
  StatementTokenStream tokens_;
  GuardedParser parser_;
  SyntaxErrorReporter reporter_;
  const SourceManager& sources_;
  Diagnostics& diags_;
};

}  // namespace

std::unique_ptr<ast::Module> parse_module(const SourceManager& sources, uint32_t file_id,
                                          Diagnostics& diags) {
  const SourceFile& file = sources.file(file_id);
  const SourceRange origin = point(file_id, 1, 1);
  if (!verify_source_text(file.text, origin, diags)) return nullptr;
  auto module = std::make_unique<ast::Module>();
  module->file = file_id;
  module->path = file.path;
  ParseSession session(file.text, origin, IndentingLexer::Mode::kModule, sources, diags);
  if (!session.parse_module(module->body)) return nullptr;
  return module;
}

ast::ExprPtr parse_expression(const SourceManager& sources, uint32_t file_id,
                              const std::string& text, const SourceRange& origin,
                              Diagnostics& diags) {
  SourceRange start = origin;
  start.file = file_id;
  if (start.line == 0) start = point(file_id, 1, 1);
  if (!verify_source_text(text, start, diags)) return nullptr;
  ParseSession session(text, start, IndentingLexer::Mode::kExpression, sources, diags);
  return session.parse_expression();
}

}  // namespace kiln
