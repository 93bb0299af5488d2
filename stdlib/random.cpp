#include "stdlib/random.h"

#include <ATen/CPUGeneratorImpl.h>

#include <mutex>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

thread_local at::Generator t_generator;
thread_local bool t_has_generator = false;

}  // namespace

at::Generator global_generator() {
  return t_has_generator ? t_generator : at::detail::getDefaultCPUGenerator();
}

GeneratorScope::GeneratorScope(at::Generator generator)
    : previous_(t_generator), had_previous_(t_has_generator) {
  t_generator = std::move(generator);
  t_has_generator = true;
}

GeneratorScope::~GeneratorScope() {
  t_generator = previous_;
  t_has_generator = had_previous_;
}

at::Generator make_seeded_generator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

void seed_global_generator(uint64_t seed) {
  at::Generator gen = global_generator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_current_seed(seed);
}

uint64_t global_seed() {
  at::Generator gen = global_generator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.current_seed();
}

namespace {

Value builtin_manual_seed(const CallArgs& args) {
  check_args(args, 1, 1, "");
  const int64_t seed = int_arg(args[0], args.callee, "seed");
  if (seed < 0)
    raise_arg_error(args.callee, "the seed must be non-negative, got " + std::to_string(seed));
  seed_global_generator(static_cast<uint64_t>(seed));
  return Value();
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_manual_seed, &guarded<&builtin_manual_seed>);
}

}  // namespace kiln::rt
