#include "inference/mcmc/nuts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace kiln::rt {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

double log_sum_exp(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  const double hi = std::max(a, b);
  return hi + std::log1p(std::exp(-std::abs(a - b)));
}

std::vector<double> plus(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] + b[i];
  return out;
}

// The trajectory between two points with velocities v_a and v_b and summed
// momentum rho has not turned back on itself yet (the generalized
// criterion: rho stands in for the displacement q_b - q_a).
bool no_u_turn(const std::vector<double>& v_a, const std::vector<double>& v_b, const std::vector<double>& rho) {
  return dot(v_b, rho) > 0 && dot(v_a, rho) > 0;
}

}  // namespace

struct NutsSampler::Span {
  // One end point: its momentum and velocity M^{-1} p.
  struct End {
    std::vector<double> p, v;
  };
  std::vector<double> rho;    // summed momenta of its points
  End begin, end;             // first and last point, in the order of integration
  double log_weight = kNegInf;  // log of the sum of exp(H0 - H) over its points
  PhasePoint proposal;        // the point chosen among its points
  void reverse() { std::swap(begin, end); }
};

struct NutsSampler::Trajectory {
  double h0 = 0;  // the Hamiltonian at the start
  int64_t n_leapfrog = 0;
  double sum_accept = 0;  // sum of min(1, exp(H0 - H)) over the leapfrog steps
  bool divergent = false;
};

namespace {

// `first` then `second` (adjacent, in this order of integration) merged
// show no U-turn: over the whole, and across the seam in both directions.
template <class Span>
bool merged_without_u_turn(const Span& first, const Span& second) {
  return no_u_turn(first.begin.v, second.end.v, plus(first.rho, second.rho)) &&
         no_u_turn(first.begin.v, second.begin.v, plus(first.rho, second.begin.p)) &&
         no_u_turn(first.end.v, second.end.v, plus(second.rho, first.end.p));
}

}  // namespace

NutsSampler::Span NutsSampler::leaf(const PhasePoint& z, Trajectory& t) const {
  Span s;
  const double h = hamiltonian(z, metric_);
  if (h - t.h0 > kMaxEnergyError) t.divergent = true;
  s.log_weight = t.h0 - h;
  t.sum_accept += h < t.h0 ? 1.0 : std::exp(t.h0 - h);
  s.proposal = z;
  s.rho = z.p;
  s.begin.p = z.p;
  metric_.velocity(z.p, s.begin.v);
  s.end = s.begin;
  return s;
}

bool NutsSampler::build_tree(int64_t depth, PhasePoint& frontier, double direction, Span& out,
                             Trajectory& t) {
  if (depth == 0) {
    leapfrog(frontier, direction * step_size_, metric_, potential_);
    ++t.n_leapfrog;
    out = leaf(frontier, t);
    return !t.divergent;
  }
  Span first;
  if (!build_tree(depth - 1, frontier, direction, first, t)) return false;
  Span second;
  if (!build_tree(depth - 1, frontier, direction, second, t)) return false;
  const bool persist = merged_without_u_turn(first, second);
  out.log_weight = log_sum_exp(first.log_weight, second.log_weight);
  // Within a subtree every point is drawn in proportion to its weight.
  const bool take_second = rng_.uniform() < std::exp(second.log_weight - out.log_weight);
  out.proposal = std::move(take_second ? second.proposal : first.proposal);
  out.rho = plus(first.rho, second.rho);
  out.begin = std::move(first.begin);
  out.end = std::move(second.end);
  return persist;
}

DrawStats NutsSampler::transition() {
  DrawStats d;
  d.step_size = step_size_;
  PhasePoint start = current_;
  metric_.sample_momentum(rng_, start.p);
  Trajectory t;
  t.h0 = hamiltonian(start, metric_);

  // The whole trajectory, oriented from its backward end to its forward end.
  Span whole;
  whole.rho = start.p;
  whole.begin.p = start.p;
  metric_.velocity(start.p, whole.begin.v);
  whole.end = whole.begin;
  whole.log_weight = 0;  // log exp(H0 - H0)
  PhasePoint backward_end = start, forward_end = start;
  PhasePoint sample = std::move(start);

  int64_t depth = 0;
  while (depth < settings_.max_tree_depth) {
    const bool forward = rng_.uniform() > 0.5;
    Span next;
    const bool valid =
        build_tree(depth, forward ? forward_end : backward_end, forward ? 1.0 : -1.0, next, t);
    // As Stan: the depth counts the subtree just built even when it is
    // rejected (a U-turn or divergence inside it), so n_leapfrog <= 2^depth - 1.
    ++depth;
    if (!valid) break;
    // Biased progressive sampling: a new subtree heavier than the old
    // trajectory always supplies the draw, so draws move away from the start.
    if (next.log_weight > whole.log_weight ||
        rng_.uniform() < std::exp(next.log_weight - whole.log_weight))
      sample = std::move(next.proposal);
    whole.log_weight = log_sum_exp(whole.log_weight, next.log_weight);
    // Orient the old trajectory so that `next` continues from its end.
    if (!forward) whole.reverse();
    const bool persist = merged_without_u_turn(whole, next);
    whole.rho = plus(whole.rho, next.rho);
    whole.end = std::move(next.end);
    if (!forward) whole.reverse();
    if (!persist) break;
  }

  d.tree_depth = depth;
  d.n_leapfrog = t.n_leapfrog;
  d.divergent = t.divergent;
  d.accept_stat = t.n_leapfrog > 0 ? t.sum_accept / static_cast<double>(t.n_leapfrog) : 0.0;
  current_ = std::move(sample);
  d.energy = hamiltonian(current_, metric_);
  d.lp = -current_.potential;
  return d;
}

}  // namespace kiln::rt
