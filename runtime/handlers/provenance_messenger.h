// provenance: lets a run of a model answer "which sites was this tensor
// computed from?", as render_model needs to draw its edges (Pyro tracks the
// same with its ProvenanceTensor). In postprocess it replaces the value of
// every sample, observed, deterministic and param site that is a
// floating-point tensor by a copy hanging off a fresh autograd leaf of its
// own; whatever the model then computes from that value keeps the leaf in
// its autograd graph, and sources() walks the graph back to the leaves.
//   ProvenanceMessenger provenance;
//   { HandlerScope scope(provenance); call_value(model, args); }
//   provenance.sources({loc, scale})   // {"mu", "sigma"}: the sites they came from
//
// The model must run with autograd on (at::AutoGradMode(true)). What the
// graph cannot see has no provenance: Python numbers (float(x), x.item()),
// integer and bool tensors (discrete draws used as indices), values computed
// under no_grad. The param store is never touched: a param site's value is
// replaced by a detached copy, so nothing flows back to the stored leaf.
// Values are the same numbers as before; only their autograd history differs
// (printing one shows a grad_fn), and in-place updates of them still work
// because the program sees a copy of the leaf, not the leaf itself.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class ProvenanceMessenger final : public Messenger {
 public:
  void postprocess(Message& msg) override;

  // The names of the sites whose values any of `roots` was computed from
  // through differentiable operations, each once, in the order the walk
  // meets them. Undefined roots and roots without autograd history are
  // skipped.
  std::vector<std::string> sources(const std::vector<at::Tensor>& roots) const;

 private:
  // Leaf -> the site it stands for. The leaves are kept alive in leaves_ so
  // that no other tensor can take over one's address while the map holds it.
  std::unordered_map<const c10::TensorImpl*, std::string> site_of_leaf_;
  std::vector<at::Tensor> leaves_;
};

}  // namespace kiln::rt
