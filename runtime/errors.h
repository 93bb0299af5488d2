// Runtime errors. A KilnError is a user error (bad program, bad data, bad
// arguments): it carries a message, an optional hint and, once it passes
// through the interpreter, the .ppl call stack. An InternalError is a broken
// invariant in Kiln itself. Exceptions become exit codes or messages at
// exactly three places: cli (via the runtime's entry point), the C ABI and the
// REPL loop.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "frontend/source.h"

namespace kiln::rt {

struct StackEntry {
  std::string function;  // "<module>", "geom", "<lambda>"
  SourceRange loc;
};

class KilnError : public std::runtime_error {
 public:
  explicit KilnError(std::string message, std::string hint = "")
      : std::runtime_error(message), hint_(std::move(hint)) {}

  const std::string& hint() const { return hint_; }
  void set_hint(std::string h) { hint_ = std::move(h); }
  // Innermost call first; each interpreter frame adds itself as the error passes.
  const std::vector<StackEntry>& stack() const { return stack_; }
  bool has_stack() const { return !stack_.empty(); }
  void set_stack(std::vector<StackEntry> s) { stack_ = std::move(s); }
  // Called by each interpreter frame the error unwinds through.
  void add_frame(std::string function, const SourceRange& loc) { stack_.push_back({std::move(function), loc}); }
  // Errors raised outside any .ppl frame (e.g. by the CLI) may carry a location.
  SourceRange loc;

 private:
  std::string hint_;
  std::vector<StackEntry> stack_;
};

class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& what)
      : std::logic_error("internal error: " + what +
                         "\nThis is a bug in Kiln; please report it with the model that caused it.") {}
};

[[noreturn]] void raise(std::string message, std::string hint = "");

#define KILN_ASSERT(cond, what)                                                   \
  do {                                                                            \
    if (!(cond)) throw ::kiln::rt::InternalError(std::string(what) + " (" #cond ")"); \
  } while (0)

}  // namespace kiln::rt
