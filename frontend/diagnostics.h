// Compiler diagnostics: collected, never thrown, so one run reports every
// error of a file. Printed as
//   file.ppl:12:9: error: message
//       source line
//           ^~~~
//   hint: what to do
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "frontend/source.h"

namespace kiln {

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceRange range;
  std::string message;
  std::string hint;  // empty if none
};

class Diagnostics {
 public:
  // Stop collecting after this many errors: a file of garbage would otherwise
  // print a wall that helps nobody.
  static constexpr size_t kMaxErrors = 50;

  void error(const SourceRange& range, std::string message, std::string hint = "");
  void warning(const SourceRange& range, std::string message, std::string hint = "");
  bool has_errors() const { return error_count_ > 0; }
  size_t error_count() const { return error_count_; }
  const std::vector<Diagnostic>& all() const { return diags_; }
  // Sorts by position so output is stable whatever order passes ran in.
  void sort();
  void clear() {
    diags_.clear();
    error_count_ = 0;
  }

 private:
  std::vector<Diagnostic> diags_;
  size_t error_count_ = 0;
};

void print_diagnostic(std::ostream& out, const SourceManager& sources, const Diagnostic& d,
                      bool color = false);
void print_diagnostics(std::ostream& out, const SourceManager& sources, const Diagnostics& ds,
                       bool color = false);

// The source line and a caret line under `range`, each ending in '\n'
// (shared by diagnostics and runtime stack traces).
std::string print_caret(const SourceManager& sources, const SourceRange& range);

// Closest candidate by edit distance, or "" if none is close enough to suggest.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace kiln
