// A trace: every sample and param site of one run of a model, in order, as
// the final message each site sent through the handler stack (Pyro's
// poutine.Trace). trace(model).get_trace(*args) makes one; replay() and the
// inference engines read one back.
//
//   tr = trace(model).get_trace(x)
//   tr["z"]["value"]          # a site, as a dict with Pyro's keys
//   tr.log_prob_sum()         # sum of every sample site's scaled, masked log_prob
//   print(tr.format_shapes()) # batch | event shapes of every site and plate
//
// Log-probabilities are computed on demand (compute_log_prob) and cached in
// the site: unscaled_log_prob = fn.log_prob(value), log_prob = scale *
// (unscaled_log_prob where mask, else 0). Errors name the site.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/container_protocol.h"
#include "runtime/handlers/message.h"
#include "runtime/value.h"

namespace kiln::rt {

class Trace final : public Object, public ContainerProtocol {
 public:
  Trace();

  // Records a finished message. Raises KilnError naming the site if a
  // sample site of the same name is already recorded; a param site seen
  // again is recorded once (params are shared by name).
  void add(const Message& msg);

  const std::vector<Message>& sites() const { return sites_; }
  std::vector<Message>& sites() { return sites_; }
  // The site named `name`, or null.
  const Message* find(const std::string& name) const;
  Message* find(const std::string& name);

  // Fills unscaled_log_prob and log_prob of every sample site that passes
  // `filter` (all if null) and lacks them.
  void compute_log_prob(const std::function<bool(const Message&)>& filter = nullptr);
  // The sum over sample sites of their log_prob, a 0-dim tensor (float32 0
  // for a trace with no sample sites).
  at::Tensor log_prob_sum(const std::function<bool(const Message&)>& filter = nullptr);

  // Pyro's Trace.format_shapes(): a table of each site's batch and event
  // shapes (dist, value, and log_prob when computed) and the plates.
  std::string format_shapes() const;

  // The model's return value and arguments, when run by get_trace.
  Value return_value;
  Value args;  // a tuple

  // Object / ContainerProtocol: tr["name"] is a site dict; iterating gives
  // the site dicts in order; len(tr) is the number of sites. Attributes:
  // .nodes (dict name -> site), .stochastic_nodes, .observation_nodes,
  // .param_nodes (lists of names), .return_value; methods .log_prob_sum()
  // .compute_log_prob() .format_shapes() .copy().
  std::string type_name() const override { return "Trace"; }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;
  Value get_item(const Value& key) const override;
  Value iteration_items() const override;
  int64_t length() const override { return static_cast<int64_t>(sites_.size()); }

 private:
  std::vector<Message> sites_;
  std::unordered_map<std::string, size_t> index_;
};

// The trace held by v, or null.
Trace* as_trace(const Value& v);

// A site as a dict with Pyro's keys: name, type ("sample"/"param"), value,
// fn, is_observed, scale, mask, infer, cond_indep_stack (a list of dicts
// with name, dim, size, counter), log_prob and unscaled_log_prob (None until
// computed).
Value site_dict(const Message& msg);

// Computes msg's unscaled and scaled log_prob if missing; raises KilnError
// naming the site on a value the distribution rejects.
void compute_site_log_prob(Message& msg);

// `term` (a log_prob or KL of msg's site) times the site's scale: the plate
// and scale() factor, then scale(tensor)'s per-element factors, which must
// broadcast to term's shape (else KilnError naming the site).
at::Tensor scale_site_term(const Message& msg, const at::Tensor& term);

}  // namespace kiln::rt
