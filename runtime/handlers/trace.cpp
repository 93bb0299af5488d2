#include "runtime/handlers/trace.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "runtime/error_context.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

namespace {

std::string site_kind(const Message& msg) {
  switch (msg.type) {
    case MessageType::kParam: return "param";
    case MessageType::kSubsample: return "subsample";
    default: return "sample";
  }
}

Value tensor_or_none(const at::Tensor& t) { return t.defined() ? make_tensor(t) : Value(); }

Value names_where(const std::vector<Message>& sites, bool (*keep)(const Message&)) {
  std::vector<Value> names;
  for (const Message& m : sites)
    if (keep(m)) names.push_back(make_str(m.name));
  return make_list(std::move(names));
}

bool is_stochastic(const Message& m) { return m.type == MessageType::kSample && !m.is_observed; }
bool is_observation(const Message& m) { return m.type == MessageType::kSample && m.is_observed; }
bool is_param(const Message& m) { return m.type == MessageType::kParam; }

std::string dims_string(at::IntArrayRef dims) {
  std::string out;
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? " " : "") + std::to_string(dims[i]);
  return out;
}

// One row of format_shapes: name, kind, batch dims, event dims.
struct ShapeRow {
  std::string name, kind, batch, event;
  bool has_bar = true;
};

void add_value_rows(std::vector<ShapeRow>& rows, const Message& m) {
  const Distribution* d = as_distribution(m.fn);
  const int64_t event_dims = d ? static_cast<int64_t>(d->event_shape().size()) : 0;
  if (d)
    rows.push_back({m.name, "dist", dims_string(d->batch_shape()), dims_string(d->event_shape())});
  if (m.value && (is_tensor(*m.value) || m.value->is_number())) {
    const at::Tensor v = is_tensor(*m.value) ? tensor_of(*m.value) : at::Tensor();
    const std::vector<int64_t> shape = v.defined() ? v.sizes().vec() : std::vector<int64_t>{};
    const int64_t split = std::max<int64_t>(0, static_cast<int64_t>(shape.size()) - event_dims);
    rows.push_back({d ? "" : m.name, "value",
                    dims_string(at::IntArrayRef(shape).slice(0, static_cast<size_t>(split))),
                    dims_string(at::IntArrayRef(shape).slice(static_cast<size_t>(split)))});
  }
  if (m.log_prob.defined())
    rows.push_back({"", "log_prob", dims_string(m.log_prob.sizes()), ""});
}

}  // namespace

// Most models have a handful of sites: one allocation instead of several
// reallocations, each moving every Message so far.
Trace::Trace() : Object(ObjKind::kNative), args(make_tuple({})) { sites_.reserve(8); }

void Trace::add(const Message& msg) {
  auto it = index_.find(msg.name);
  if (it != index_.end()) {
    // Params are shared by name, and a plate entered twice keeps its first
    // subsample.
    if (msg.type != MessageType::kSample && sites_[it->second].type == msg.type) return;
    raise("multiple sites named '" + msg.name + "' in one run of the model",
          "site names must be unique per run; in a loop use an f-string, e.g. f\"x_{i}\"");
  }
  index_.emplace(msg.name, sites_.size());
  sites_.push_back(msg);
  sites_.back().continuation = nullptr;
}

const Message* Trace::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &sites_[it->second];
}

Message* Trace::find(const std::string& name) {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &sites_[it->second];
}

void compute_site_log_prob(Message& msg) {
  if (msg.type != MessageType::kSample || msg.log_prob.defined()) return;
  with_lazy_error_context([&] { return "sample site '" + msg.name + "'"; }, [&] {
    const Distribution* d = as_distribution(msg.fn);
    KILN_ASSERT(d != nullptr && msg.value.has_value(),
                "trace site '" + msg.name + "' without a distribution or value");
    const at::Tensor value = to_tensor(*msg.value, "sample site '" + msg.name + "' value");
    msg.unscaled_log_prob = d->log_prob(value);
    at::Tensor lp = msg.unscaled_log_prob;
    if (!msg.mask.is_none()) {
      const at::Tensor m = msg.mask.is_bool() ? at::scalar_tensor(msg.mask.as_bool(), at::kBool)
                                              : tensor_of(msg.mask);
      lp = at::where(m, lp, at::zeros({}, lp.options()));
    }
    msg.log_prob = scale_site_term(msg, lp);
  });
}

at::Tensor scale_site_term(const Message& msg, const at::Tensor& term) {
  at::Tensor out = msg.scale == 1.0 ? term : term * msg.scale;
  if (!msg.scale_tensor.defined()) return out;
  const std::vector<int64_t> shape = at::infer_size(out.sizes(), msg.scale_tensor.sizes());
  if (at::IntArrayRef(shape) != out.sizes())
    raise("scale(): a scale of shape " + shape_to_string(msg.scale_tensor.sizes().vec()) +
              " does not broadcast to the log_prob of site '" + msg.name + "' (shape " +
              shape_to_string(out.sizes().vec()) + ")",
          "per-datapoint scales must match the site's batch shape, e.g. the size of its plate");
  return out * msg.scale_tensor;
}

void Trace::compute_log_prob(const std::function<bool(const Message&)>& filter) {
  for (Message& m : sites_)
    if (m.type == MessageType::kSample && (!filter || filter(m))) compute_site_log_prob(m);
}

at::Tensor Trace::log_prob_sum(const std::function<bool(const Message&)>& filter) {
  at::Tensor total;
  for (Message& m : sites_) {
    if (m.type != MessageType::kSample || (filter && !filter(m))) continue;
    compute_site_log_prob(m);
    // A scalar site's log_prob needs no reduction (one LibTorch op saved per site).
    const at::Tensor s = m.log_prob.dim() == 0 ? m.log_prob : m.log_prob.sum();
    total = total.defined() ? total + s : s;
  }
  return total.defined() ? total : at::zeros({});
}

std::string Trace::format_shapes() const {
  std::vector<ShapeRow> rows;
  rows.push_back({"Trace Shapes:", "", "", "", false});
  rows.push_back({"Param Sites:", "", "", "", false});
  for (const Message& m : sites_) {
    if (m.type != MessageType::kParam || !m.value || !is_tensor(*m.value)) continue;
    rows.push_back({m.name, "", dims_string(tensor_of(*m.value).sizes()), "", false});
  }
  rows.push_back({"Sample Sites:", "", "", "", false});
  std::vector<std::string> plates_seen;
  for (const Message& m : sites_) {
    if (m.type != MessageType::kSample) continue;
    for (const CondIndepFrame& f : m.cond_indep_stack) {
      if (!f.vectorized) continue;
      if (std::find(plates_seen.begin(), plates_seen.end(), f.name) != plates_seen.end()) continue;
      plates_seen.push_back(f.name);
      rows.push_back({f.name + " plate", "", std::to_string(f.size), ""});
    }
    add_value_rows(rows, m);
  }
  // As Pyro's table: the site name and the row's kind ("dist", "value",
  // "log_prob") form one right-aligned cell, then the batch dims, a bar and
  // the event dims.
  const auto label = [](const ShapeRow& r) {
    return r.name.empty() ? r.kind : r.kind.empty() ? r.name : r.name + " " + r.kind;
  };
  size_t w_label = 0, w_batch = 0;
  for (const ShapeRow& r : rows) {
    w_label = std::max(w_label, label(r).size());
    w_batch = std::max(w_batch, r.batch.size());
  }
  std::string out;
  for (const ShapeRow& r : rows) {
    const std::string cell = label(r);
    std::string line = std::string(w_label - cell.size(), ' ') + cell;
    if (r.has_bar || !r.batch.empty())
      line += " " + std::string(w_batch - r.batch.size(), ' ') + r.batch;
    if (r.has_bar) line += " | " + r.event;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += (out.empty() ? "" : "\n") + line;
  }
  return out;
}

std::string Trace::to_string() const {
  std::string out = "Trace(";
  for (size_t i = 0; i < sites_.size(); ++i) {
    const Message& m = sites_[i];
    out += (i ? ", " : "") + m.name + ": " + site_kind(m);
    if (m.is_observed) out += " (observed)";
  }
  return out + ")";
}

Value site_dict(const Message& msg) {
  Value d = make_dict();
  auto* dict = d.as<DictObject>();
  auto set = [&](const char* key, Value v) { dict->set(make_str(key), std::move(v)); };
  set("name", make_str(msg.name));
  set("type", make_str(site_kind(msg)));
  set("value", msg.value ? *msg.value : Value());
  set("fn", msg.fn);
  set("is_observed", Value(msg.is_observed));
  set("scale", msg.scale_tensor.defined() ? make_tensor(msg.scale_tensor * msg.scale) : Value(msg.scale));
  set("mask", msg.mask);
  set("infer", msg.infer.is_none() ? make_dict() : msg.infer);
  std::vector<Value> frames;
  for (const CondIndepFrame& f : msg.cond_indep_stack) {
    Value frame = make_dict();
    auto* fd = frame.as<DictObject>();
    fd->set(make_str("name"), make_str(f.name));
    fd->set(make_str("dim"), f.vectorized ? Value(f.dim) : Value());
    fd->set(make_str("size"), Value(f.size));
    fd->set(make_str("counter"), Value(f.counter));
    frames.push_back(frame);
  }
  set("cond_indep_stack", make_list(std::move(frames)));
  set("log_prob", tensor_or_none(msg.log_prob));
  set("unscaled_log_prob", tensor_or_none(msg.unscaled_log_prob));
  return d;
}

Value Trace::get_item(const Value& key) const {
  if (!is_str(key)) raise("trace sites are indexed by name (a str), got " + rt::type_name(key));
  const Message* m = find(str_of(key));
  if (m == nullptr) {
    std::string names;
    for (const Message& s : sites_) names += (names.empty() ? "" : ", ") + s.name;
    raise("the trace has no site named '" + str_of(key) + "'",
          names.empty() ? "the trace is empty" : "its sites are: " + names);
  }
  return site_dict(*m);
}

Value Trace::iteration_items() const {
  std::vector<Value> items;
  for (const Message& m : sites_) items.push_back(site_dict(m));
  return make_list(std::move(items));
}

Value Trace::get_attr(std::string_view attr) const {
  if (attr == "nodes") {
    Value d = make_dict();
    for (const Message& m : sites_) d.as<DictObject>()->set(make_str(m.name), site_dict(m));
    return d;
  }
  if (attr == "stochastic_nodes") return names_where(sites_, is_stochastic);
  if (attr == "observation_nodes") return names_where(sites_, is_observation);
  if (attr == "param_nodes") return names_where(sites_, is_param);
  if (attr == "return_value") return return_value;
  if (attr == "args") return args;
  if (attr == "log_prob_sum" || attr == "compute_log_prob" || attr == "format_shapes" ||
      attr == "copy")
    return make_value(new BoundMethodObject(Value(const_cast<Trace*>(this)), std::string(attr)));
  raise("'Trace' object has no attribute '" + std::string(attr) + "'",
        "a trace has .nodes, .stochastic_nodes, .observation_nodes, .param_nodes, "
        ".return_value, .log_prob_sum(), .compute_log_prob(), .format_shapes()");
}

Value Trace::call_method(std::string_view method, const CallArgs& args) {
  const std::string who = "Trace." + std::string(method);
  CallArgs named = args;
  named.callee = who;
  if (method == "log_prob_sum") {
    check_args(named, 0, 0, "");
    return make_tensor(log_prob_sum());
  }
  if (method == "compute_log_prob") {
    check_args(named, 0, 0, "");
    compute_log_prob();
    return Value();
  }
  if (method == "format_shapes") {
    check_args(named, 0, 0, "");
    return make_str(format_shapes());
  }
  if (method == "copy") {
    check_args(named, 0, 0, "");
    auto* copy = new Trace();
    copy->sites_ = sites_;
    copy->index_ = index_;
    copy->return_value = return_value;
    copy->args = this->args;
    return make_value(copy);
  }
  return Object::call_method(method, args);
}

Trace* as_trace(const Value& v) {
  if (!v.is(ObjKind::kNative)) return nullptr;
  return dynamic_cast<Trace*>(v.obj());
}

}  // namespace kiln::rt
