#include "cli/input_completeness.h"

#include <vector>

namespace kiln {

namespace {

struct ScanState {
  int depth = 0;                // open (, [, {
  bool in_triple = false;       // inside a """ or ''' string
  char quote = 0;               // its quote character
  bool block = false;           // some line ended in ':' outside brackets
  bool trailing_backslash = false;
};

// Scans one line, updating bracket depth and triple-quote state; strings and
// comments are skipped so their brackets and colons do not count.
void scan_line(const std::string& line, ScanState& s) {
  size_t i = 0;
  char last_significant = 0;
  while (i < line.size()) {
    char c = line[i];
    if (s.in_triple) {
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == s.quote && line.compare(i, 3, std::string(3, s.quote)) == 0) {
        s.in_triple = false;
        i += 3;
        last_significant = s.quote;
        continue;
      }
      ++i;
      continue;
    }
    if (c == '#') break;
    if (c == '"' || c == '\'') {
      if (line.compare(i, 3, std::string(3, c)) == 0) {
        s.in_triple = true;
        s.quote = c;
        i += 3;
        continue;
      }
      // A one-line string: skip to its closing quote (or the line's end).
      ++i;
      while (i < line.size() && line[i] != c) i += line[i] == '\\' ? 2 : 1;
      ++i;
      last_significant = c;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++s.depth;
    if ((c == ')' || c == ']' || c == '}') && s.depth > 0) --s.depth;
    if (c != ' ' && c != '\t' && c != '\r') last_significant = c;
    ++i;
  }
  s.trailing_backslash = !s.in_triple && !line.empty() && line.back() == '\\';
  if (!s.in_triple && s.depth == 0 && last_significant == ':') s.block = true;
}

}  // namespace

bool input_needs_more(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  lines.push_back(text.substr(start));
  ScanState s;
  for (const std::string& line : lines) scan_line(line, s);
  // `if x: y = 1` opens a block too (an else: may follow), as in Python.
  static const char* const kCompound[] = {"def", "if", "for", "while", "with", "elif", "else"};
  size_t word_start = lines[0].find_first_not_of(" \t");
  if (word_start != std::string::npos) {
    size_t word_end = lines[0].find_first_of(" \t:(", word_start);
    std::string first = lines[0].substr(word_start, word_end == std::string::npos ? std::string::npos : word_end - word_start);
    for (const char* k : kCompound) s.block = s.block || first == k;
  }
  if (s.depth > 0 || s.in_triple || s.trailing_backslash) return true;
  // A block goes on until an empty line; a one-line `if x: y` is a block too,
  // since Python lets `else:` follow it.
  if (s.block) return !(lines.size() > 1 && lines.back().find_first_not_of(" \t\r") == std::string::npos);
  return false;
}

}  // namespace kiln
