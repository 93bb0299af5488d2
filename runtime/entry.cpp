#include "runtime/entry.h"

#include <time.h>

#include <cstdio>
#include <iostream>

#include "cli/exit_codes.h"
#include "frontend/program.h"
#include "ir/lower.h"
#include "ir/passes.h"
#include "runtime/builtin_registry.h"
#include "runtime/effects.h"
#include "runtime/entry_guard.h"
#include "runtime/error_report.h"
#include "runtime/interpreter.h"
#include "runtime/interrupt.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

namespace {

// CPU time of the calling thread: what a phase cost, whatever else the
// (shared) machine is doing.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int run_program(const KilnRunRequest& request) {
  double t0 = thread_cpu_ms();
  Program program;
  Diagnostics diags;
  std::string source_text = request.source ? request.source : "";
  int main_module = add_source(program, request.path, request.source ? &source_text : nullptr, diags);
  print_diagnostics(std::cerr, program.sources, diags, request.color != 0);
  if (main_module < 0) return diags.has_errors() ? kExitCompileError : kExitUsage;

  double t1 = thread_cpu_ms();
  ir::Program lowered;
  ir::lower_program(program, lowered);
  ir::run_passes(lowered);
  double t2 = thread_cpu_ms();

  std::vector<Value> args;
  for (int i = 0; i < request.argc; ++i) args.push_back(make_str(request.argv[i]));
  register_constant(BuiltinId::k_argv, make_list(std::move(args)));
  if (request.has_seed) set_global_seed(request.seed);
  set_validation_enabled(request.validate != 0);

  Interpreter interpreter(lowered);
  int code = kExitOk;
  double t3 = thread_cpu_ms();
  try {
    interpreter.run_module(lowered.main_module);
  } catch (const KilnError& e) {
    std::fflush(stdout);
    print_runtime_error(std::cerr, program.sources, e, request.color != 0);
    code = dynamic_cast<const Interrupted*>(&e) ? kExitInterrupted : kExitRuntimeError;
  }
  double t4 = thread_cpu_ms();
  std::fflush(stdout);
  if (request.timings) {
    std::fprintf(stderr,
                 "kiln: timings (CPU ms): runtime load %.1f, front end %.2f, lowering %.2f, run %.2f\n",
                 request.runtime_load_ms, t1 - t0, t2 - t1, t4 - t3);
  }
  return code;
}

}  // namespace

}  // namespace kiln::rt

extern "C" void kiln_request_interrupt(void) { kiln::rt::request_interrupt(); }

extern "C" int kiln_runtime_run(const KilnRunRequest* request) {
  return kiln::rt::run_entry_point([&] { return kiln::rt::run_program(*request); });
}
