#include "runtime/handlers/seed_messenger.h"

#include <ATen/core/Generator.h>

#include <mutex>

#include "stdlib/random.h"

namespace kiln::rt {

void SeedMessenger::enter() {
  at::Generator g = global_generator();
  std::lock_guard<std::mutex> lock(g.mutex());
  saved_state_ = g.get_state();
  g.set_current_seed(seed_);
}

void SeedMessenger::exit() {
  at::Generator g = global_generator();
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_state(saved_state_);
}

}  // namespace kiln::rt
