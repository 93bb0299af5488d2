// perf_counter() and process_time(): wall and CPU clocks in seconds, so
// .ppl programs and the benchmarks can time their own phases without
// process start-up.
#include <time.h>

#include <chrono>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"

namespace kiln::rt {

namespace {

Value builtin_perf_counter(const CallArgs& args) {
  check_args(args, 0, 0, "");
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  return Value(std::chrono::duration<double>(now).count());
}

Value builtin_process_time(const CallArgs& args) {
  check_args(args, 0, 0, "");
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return Value(static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9);
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_perf_counter, &builtin_perf_counter);
  register_builtin(BuiltinId::k_process_time, &builtin_process_time);
}

}  // namespace kiln::rt
