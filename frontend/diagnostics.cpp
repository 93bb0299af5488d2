#include "frontend/diagnostics.h"

#include <algorithm>

namespace kiln {

void Diagnostics::error(const SourceRange& range, std::string message, std::string hint) {
  ++error_count_;
  if (error_count_ > kMaxErrors) return;
  diags_.push_back({Severity::kError, range, std::move(message), std::move(hint)});
}

void Diagnostics::warning(const SourceRange& range, std::string message, std::string hint) {
  diags_.push_back({Severity::kWarning, range, std::move(message), std::move(hint)});
}

void Diagnostics::sort() {
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.range.file != b.range.file) return a.range.file < b.range.file;
    if (a.range.line != b.range.line) return a.range.line < b.range.line;
    return a.range.col < b.range.col;
  });
}

namespace {

// Number of UTF-8 code points in s[0, bytes).
size_t byte_offset_of_column(std::string_view line, uint32_t col) {
  size_t offset = 0;
  for (uint32_t c = 1; c < col && offset < line.size(); ++c) {
    ++offset;
    while (offset < line.size() && (static_cast<unsigned char>(line[offset]) & 0xC0) == 0x80)
      ++offset;
  }
  return offset;
}

// The line as it is safe to echo to a terminal: control characters and bytes
// that are not valid UTF-8 become '?' (one per byte, so columns still line up
// for the valid text before them).
std::string printable_line(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (size_t i = 0; i < line.size();) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c < 0x80) {
      out += (c < 0x20 && c != '\t') || c == 0x7f ? '?' : static_cast<char>(c);
      ++i;
      continue;
    }
    size_t n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    bool valid = n > 0 && i + n <= line.size();
    for (size_t k = 1; valid && k < n; ++k) valid = (static_cast<unsigned char>(line[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      out += '?';
      ++i;
      continue;
    }
    out.append(line.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string print_caret(const SourceManager& sources, const SourceRange& range) {
  if (!range.valid() || range.file >= sources.size()) return "";
  if (range.line > sources.file(range.file).line_starts.size()) return "";
  std::string printable = printable_line(sources.file(range.file).line_text(range.line));
  std::string_view line = printable;
  std::string out = "    ";
  out += line;
  out += "\n    ";
  // Tabs are echoed so the caret lines up whatever the terminal's tab width.
  size_t caret_at = byte_offset_of_column(line, range.col);
  for (size_t i = 0; i < caret_at && i < line.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(line[i]);
    if ((ch & 0xC0) == 0x80) continue;
    out += line[i] == '\t' ? '\t' : ' ';
  }
  out += '^';
  uint32_t last_col = range.end_line == range.line ? range.end_col : range.col;
  uint32_t line_len_cols = 0;
  for (unsigned char ch : line)
    if ((ch & 0xC0) != 0x80) ++line_len_cols;
  last_col = std::min(last_col, line_len_cols);
  for (uint32_t c = range.col + 1; c <= last_col; ++c) out += '~';
  out += '\n';
  return out;
}

void print_diagnostic(std::ostream& out, const SourceManager& sources, const Diagnostic& d,
                      bool color) {
  const char* label = d.severity == Severity::kError     ? "error"
                      : d.severity == Severity::kWarning ? "warning"
                                                         : "note";
  const char* on = "";
  const char* off = "";
  if (color) {
    on = d.severity == Severity::kError ? "\033[1;31m" : "\033[1;35m";
    off = "\033[0m";
  }
  if (d.range.valid() && d.range.file < sources.size()) {
    out << sources.file(d.range.file).path << ':' << d.range.line << ':' << d.range.col << ": ";
  }
  out << on << label << ':' << off << ' ' << d.message << '\n';
  out << print_caret(sources, d.range);
  if (!d.hint.empty()) out << "hint: " << d.hint << '\n';
}

void print_diagnostics(std::ostream& out, const SourceManager& sources, const Diagnostics& ds,
                       bool color) {
  for (const Diagnostic& d : ds.all()) print_diagnostic(out, sources, d, color);
  if (ds.error_count() > Diagnostics::kMaxErrors) {
    out << (ds.error_count() - Diagnostics::kMaxErrors)
        << " more errors not shown; fix the ones above first\n";
  }
}

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of adjacent letters ("sigam" -> "sigma") each cost one.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  // A suggestion is only useful when it is much closer than a random name:
  // allow about one edit per three characters.
  size_t best_distance = std::max<size_t>(1, name.size() / 3) + 1;
  std::string best;
  for (const std::string& c : candidates) {
    if (c == name || c.empty() || c[0] == '$') continue;
    size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace kiln
