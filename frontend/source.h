// Source files and positions. Every AST node, IR instruction and runtime error
// points back into a SourceFile through a SourceRange, so diagnostics and
// .ppl stack traces can quote the line and put a caret under the span.
// Owned by a SourceManager; ranges refer to files by index, not pointer, so
// they stay valid as more files (imports, REPL inputs) are added.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

// Lines and columns are 1-based; a column counts Unicode code points.
// end_* is inclusive of the last character of the span.
struct SourceRange {
  uint32_t file = 0;
  uint32_t line = 0;
  uint32_t col = 0;
  uint32_t end_line = 0;
  uint32_t end_col = 0;

  bool valid() const { return line != 0; }
  // The smallest range covering both (same file assumed).
  static SourceRange cover(const SourceRange& a, const SourceRange& b);
};

struct SourceFile {
  std::string path;  // as the user named it; "<stdin>" or "<repl>" for those
  std::string text;
  std::vector<uint32_t> line_starts;  // byte offset of each line's first byte

  SourceFile(std::string p, std::string t);
  // The text of line `line` (1-based) without its newline; empty if out of range.
  std::string_view line_text(uint32_t line) const;
};

class SourceManager {
 public:
  uint32_t add(std::string path, std::string text);
  const SourceFile& file(uint32_t id) const { return *files_.at(id); }
  size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

// Reads a whole file. Returns false and sets `error` (a sentence for the user)
// if it cannot be read.
bool read_file(const std::string& path, std::string& text, std::string& error);

}  // namespace kiln
