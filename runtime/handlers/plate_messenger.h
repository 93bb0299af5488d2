// A plate: conditionally independent copies of the sites inside it.
//   with plate("data", N, subsample_size=128) as idx:   # vectorized
//       sample("y", Normal(mu[idx], 1.0), obs=y[idx])
//   for i in plate("seq", T):                            # sequential
//       ...
// A vectorized plate owns one batch dim. Dims are taken from the right, -1
// first, skipping dims of enclosing plates, because broadcasting aligns
// shapes from the right: a value made inside one plate broadcasts against
// another. It broadcasts the distribution of every sample site inside it to
// its size along that dim, subsamples its indices (arange(size), a random
// subset of subsample_size drawn with the global generator, or the given
// subsample=) and multiplies each site's scale by size / subsample_size so
// the subsampled log density estimates the full one without bias.
// A sequential plate only records its frame (name and iteration).
//
// Both add their CondIndepFrame to every message they see.
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <optional>
#include <string>

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class PlateMessenger final : public Messenger {
 public:
  // Vectorized. Raises KilnError (naming the plate) if size is not positive,
  // subsample_size is not in [1, size], or subsample is not a 1-D int
  // tensor of indices in [0, size). `subsample` undefined: draw or arange;
  // without a size, the subsample is the whole plate (as Pyro: size =
  // len(subsample)). `dim` (negative) pins the batch dim, else one is
  // allocated on enter().
  PlateMessenger(std::string name, std::optional<int64_t> size,
                 std::optional<int64_t> subsample_size, at::Tensor subsample,
                 std::optional<int64_t> dim);
  // Iteration `counter` of a sequential plate.
  static std::unique_ptr<PlateMessenger> sequential(std::string name, int64_t counter);

  // Allocates the batch dim; raises KilnError if the name is already an
  // active plate or a pinned dim is taken.
  void enter() override;
  void process(Message& msg) override;

  const std::string& name() const { return name_; }
  bool vectorized() const { return vectorized_; }
  int64_t dim() const { return dim_; }  // valid after enter(); 0 for sequential plates
  int64_t size() const { return size_; }
  int64_t subsample_size() const { return subsample_size_; }
  const at::Tensor& indices() const { return indices_; }  // int64, (subsample_size,)

 private:
  PlateMessenger() = default;
  void broadcast(Message& msg) const;

  std::string name_;
  bool vectorized_ = true;
  int64_t size_ = -1;
  int64_t subsample_size_ = -1;
  std::optional<int64_t> pinned_dim_;
  int64_t dim_ = 0;
  int64_t counter_ = 0;
  at::Tensor indices_;
};

}  // namespace kiln::rt
