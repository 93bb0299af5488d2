#include "runtime/handlers/provenance_messenger.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/accumulate_grad.h>

#include <unordered_set>

#include "runtime/tensor_value.h"

namespace kiln::rt {

void ProvenanceMessenger::postprocess(Message& msg) {
  if (!msg.value || !is_tensor(*msg.value)) return;
  const at::Tensor& value = tensor_of(*msg.value);
  // Integer and bool tensors cannot require grad: discrete draws used as
  // indices have no provenance (see the header).
  if (!at::isFloatingType(value.scalar_type())) return;
  at::AutoGradMode grad_on(true);
  at::Tensor leaf = value.detach().clone().requires_grad_(true);
  site_of_leaf_[leaf.unsafeGetTensorImpl()] = msg.name;
  // The program gets a copy: in-place updates of a leaf that requires grad
  // are refused by autograd, in-place updates of a copy are recorded.
  msg.value = make_tensor(leaf.clone());
  leaves_.push_back(std::move(leaf));
}

std::vector<std::string> ProvenanceMessenger::sources(const std::vector<at::Tensor>& roots) const {
  using torch::autograd::AccumulateGrad;
  using torch::autograd::Node;
  std::vector<std::string> names;
  std::unordered_set<std::string> named;
  auto note_leaf = [&](const at::Tensor& t) {
    auto it = site_of_leaf_.find(t.unsafeGetTensorImpl());
    if (it != site_of_leaf_.end() && named.insert(it->second).second) names.push_back(it->second);
  };

  // Depth-first over the backward graph; a leaf that requires grad appears
  // in it as the AccumulateGrad node that would receive its gradient.
  std::vector<const Node*> pending;
  std::unordered_set<const Node*> visited;
  for (const at::Tensor& root : roots) {
    if (!root.defined() || !root.requires_grad()) continue;
    if (const Node* fn = root.grad_fn().get()) {
      if (visited.insert(fn).second) pending.push_back(fn);
    } else {
      note_leaf(root);
    }
  }
  while (!pending.empty()) {
    const Node* node = pending.back();
    pending.pop_back();
    if (const auto* accumulate = dynamic_cast<const AccumulateGrad*>(node)) {
      note_leaf(accumulate->variable);
      continue;
    }
    for (const torch::autograd::Edge& edge : node->next_edges()) {
      const Node* next = edge.function.get();
      if (next != nullptr && visited.insert(next).second) pending.push_back(next);
    }
  }
  return names;
}

}  // namespace kiln::rt
