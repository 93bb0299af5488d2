#include "runtime/error_report.h"

#include "frontend/diagnostics.h"

namespace kiln::rt {

namespace {

std::string trimmed_line(const SourceManager& sources, const SourceRange& loc) {
  if (!loc.valid() || loc.file >= sources.size()) return "";
  std::string_view line = sources.file(loc.file).line_text(loc.line);
  size_t b = line.find_first_not_of(" \t");
  return b == std::string_view::npos ? "" : std::string(line.substr(b));
}

}  // namespace

void print_runtime_error(std::ostream& out, const SourceManager& sources, const KilnError& error, bool color) {
  Diagnostic d;
  d.range = error.has_stack() ? error.stack().front().loc : error.loc;
  d.message = error.what();
  d.hint = error.hint();
  print_diagnostic(out, sources, d, color);
  if (error.stack().size() <= 1) return;
  out << "call stack (most recent call last):\n";
  // Very deep recursions print their ends, not 50 000 lines.
  constexpr size_t kShownAtEachEnd = 10;
  const auto& stack = error.stack();
  size_t n = stack.size();
  for (size_t k = n; k-- > 0;) {
    size_t from_outer = n - 1 - k;
    if (from_outer == kShownAtEachEnd && n > 2 * kShownAtEachEnd) {
      out << "  ... " << (n - 2 * kShownAtEachEnd) << " more calls ...\n";
      k = kShownAtEachEnd;
      continue;
    }
    const StackEntry& e = stack[k];
    out << "  ";
    if (e.loc.valid() && e.loc.file < sources.size()) out << sources.file(e.loc.file).path << ':' << e.loc.line << ' ';
    out << "in " << e.function;
    std::string line = trimmed_line(sources, e.loc);
    if (!line.empty()) out << ": " << line;
    out << '\n';
  }
}

}  // namespace kiln::rt
