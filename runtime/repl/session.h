// One REPL session: a program that grows one input at a time. Globals,
// functions, imported files and the param store persist across inputs; an
// input with errors is reported and leaves the state as it was (a failed
// statement's earlier effects, as in Python, stay).
//
// Each input goes through the same pipeline as `kiln run`: add_source (with
// the trailing expression echoed), lower_module, run_passes, interpret. A
// compiled back end (--jit) would replace only run_input's last step.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "frontend/program.h"
#include "ir/ir.h"
#include "runtime/interpreter.h"

namespace kiln::rt {

class ReplSession {
 public:
  explicit ReplSession(bool color);
  ~ReplSession();

  // Runs one input; returns an exit code of cli/exit_codes.h (0 ok, 1
  // compile error, 3 runtime error). Prints values, diagnostics and errors.
  int eval(const std::string& text);
  // :load file.ppl: runs the file in the session (again, if loaded before).
  int load(const std::string& path);
  // :ir NAME: the IR of every function called NAME (or "<module>" inputs).
  int print_ir(const std::string& name, std::ostream& out) const;
  // :params: the param store with shapes and dtypes.
  void print_params(std::ostream& out) const;
  // :trace EXPR: evaluates EXPR (usually a model call) recording its sites.
  int trace(const std::string& expression);
  // :reset: forgets every variable, function, import and param.
  void reset();
  // Names for tab completion that start with `prefix`: globals, builtins,
  // keywords.
  std::vector<std::string> completions(const std::string& prefix) const;

 private:
  int run_input(const std::string& path, const std::string& text, const SourceOptions& options, bool trace);
  void echo(const Value& v) const;

  bool color_;
  std::unique_ptr<Program> program_;
  std::unique_ptr<ir::Program> lowered_;
  std::unique_ptr<Interpreter> interpreter_;
};

}  // namespace kiln::rt
