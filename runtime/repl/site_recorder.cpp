#include "runtime/repl/site_recorder.h"

#include <cstdio>

#include "runtime/handlers/message.h"
#include "runtime/handlers/trace.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

namespace {

std::string shape_of(const Value& v) {
  if (!is_tensor(v)) return v.is_number() ? "()" : type_name(v);
  std::string s = "(";
  auto sizes = tensor_of(v).sizes();
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  if (sizes.size() == 1) s += ",";
  return s + ")";
}

}  // namespace

void SiteRecorder::postprocess(Message& msg) {
  if (msg.type == MessageType::kSubsample) return;
  RecordedSite site;
  site.name = msg.name;
  const Value value = msg.value ? *msg.value : Value();
  site.shape = shape_of(value);
  if (msg.type == MessageType::kParam) {
    site.type = "param";
    sites_.push_back(std::move(site));
    return;
  }
  site.type = msg.is_observed ? "observed" : "sample";
  if (const Distribution* d = as_distribution(msg.fn)) {
    site.distribution = std::string(d->name());
    at::Tensor x = is_tensor(value) ? tensor_of(value) : to_tensor(value, "the site's value");
    double lp = scale_site_term(msg, d->log_prob(x)).sum().item<double>();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", lp);
    site.log_prob = buf;
  }
  sites_.push_back(std::move(site));
}

void SiteRecorder::print(std::ostream& out) const {
  if (sites_.empty()) {
    out << "(no sample or param sites)\n";
    return;
  }
  const char* header[] = {"site", "type", "distribution", "shape", "log_prob"};
  size_t width[5] = {4, 4, 12, 5, 8};
  for (const RecordedSite& s : sites_) {
    width[0] = std::max(width[0], s.name.size());
    width[1] = std::max(width[1], s.type.size());
    width[2] = std::max(width[2], s.distribution.size());
    width[3] = std::max(width[3], s.shape.size());
  }
  auto row = [&](const std::string* cells) {
    for (int i = 0; i < 5; ++i) {
      out << cells[i];
      if (i < 4) out << std::string(width[i] - cells[i].size() + 2, ' ');
    }
    out << "\n";
  };
  std::string head[5];
  for (int i = 0; i < 5; ++i) head[i] = header[i];
  row(head);
  for (const RecordedSite& s : sites_) {
    std::string cells[5] = {s.name, s.type, s.distribution, s.shape, s.log_prob};
    row(cells);
  }
}

}  // namespace kiln::rt
