#include "inference/mcmc/sampler_random.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "stdlib/random.h"

namespace kiln::rt {

namespace {

constexpr int64_t kUniformBatch = 256;

}  // namespace

double SamplerRandom::uniform() {
  if (!uniforms_.defined() || next_ == uniforms_.size(0)) {
    uniforms_ = at::rand({kUniformBatch}, global_generator(), at::TensorOptions().dtype(at::kDouble));
    next_ = 0;
  }
  return uniforms_.data_ptr<double>()[next_++];
}

void SamplerRandom::standard_normals(std::vector<double>& out) {
  if (out.empty()) return;
  const int64_t n = static_cast<int64_t>(out.size());
  const at::Tensor draws = at::randn({n}, global_generator(), at::TensorOptions().dtype(at::kDouble));
  const double* d = draws.data_ptr<double>();
  std::copy(d, d + n, out.begin());
}

}  // namespace kiln::rt
