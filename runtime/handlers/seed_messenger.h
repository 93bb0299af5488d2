// seed: runs its scope with the random number generator reseeded, then
// restores the generator's previous state, as poutine.seed. Each call of a
// seeded model therefore makes the same draws:
//   seed(model, 0)() == seed(model, 0)()
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class SeedMessenger final : public Messenger {
 public:
  explicit SeedMessenger(uint64_t seed) : seed_(seed) {}
  void enter() override;
  void exit() override;

 private:
  uint64_t seed_;
  at::Tensor saved_state_;
};

}  // namespace kiln::rt
