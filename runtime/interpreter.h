// Executes IR. One Interpreter per program run (or REPL session); it owns the
// global slots and the constant values. It may run on any one thread at a
// time: run_module makes it that thread's current interpreter (the handler
// stack is per thread; each run leaves it as it found it).
//
// Calls of .ppl functions recurse on the C++ stack with their registers in
// the caller's frame (alloca), so a call allocates nothing on the heap; run
// the interpreter on a large stack (frontend/large_stack.h). Recursion deeper
// than kMaxCallDepth is a KilnError, not a crash.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "frontend/source.h"
#include "ir/ir.h"
#include "runtime/call_args.h"
#include "runtime/objects.h"
#include "runtime/value.h"

namespace kiln::rt {

// Deep enough for recursive models (10 000 frames must work), shallow enough
// that a runaway recursion stops well inside the 1 GiB stack.
inline constexpr int kMaxCallDepth = 50000;

class Interpreter {
 public:
  explicit Interpreter(const ir::Program& program);
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Runs module `index`'s top-level code (imports run on first Import).
  void run_module(uint32_t index);
  // Calls a closure with arguments; binds keywords and defaults like Python.
  Value call_function(FunctionObject& fn, const CallArgs& args);

  // The interpreter running on this thread (for builtins that call back).
  static Interpreter* current();

  // Makes newly added constants/globals/modules of the (growing) program usable.
  void sync_with_program();
  // The value of global slot `index` (unbound if never assigned).
  const Value& global(uint32_t index) const { return globals_.at(index); }

  // An interpreter for another thread (MCMC's parallel chains): the same
  // program with this one's constants and globals, which are made immortal
  // first (runtime/value.h) so both threads may read them. Call it on the
  // thread that owns this interpreter, before the other threads start;
  // globals the fork assigns stay the fork's own.
  std::unique_ptr<Interpreter> fork();

 private:
  friend Value call_value(const Value& fn, const CallArgs& args);
  Value execute(const ir::Function& fn, FunctionObject* closure, Value* regs);
  Value call_positional(FunctionObject& fn, const Value* caller_regs, const std::vector<uint32_t>& arg_regs);
  void bind_defaults(FunctionObject& fn, Value* regs, size_t nargs);

  const ir::Program& program_;
  std::vector<Value> constants_;
  std::vector<Value> globals_;
  std::vector<bool> module_started_;
  int depth_ = 0;
};

// Makes `in` the calling thread's current interpreter for the scope's
// lifetime (run_module does this itself), so C++ code may call .ppl
// functions with call_value after run_module has returned: the command-line
// drivers (runtime/drivers/) and engines calling a model.
class CurrentInterpreter {
 public:
  explicit CurrentInterpreter(Interpreter* in);
  ~CurrentInterpreter();
  CurrentInterpreter(const CurrentInterpreter&) = delete;
  CurrentInterpreter& operator=(const CurrentInterpreter&) = delete;

 private:
  Interpreter* previous_;
};

}  // namespace kiln::rt
