#include "ir/passes.h"

#include <stdexcept>

#include "ir/operands.h"
#include "ir/verify.h"

namespace kiln::ir {

namespace {

template <class F>
void for_each_successor(const Instr& term, F&& f) {
  switch (term.op) {
    case Op::Jump: f(term.a); break;
    case Op::Branch:
    case Op::ForIter:
      f(term.b);
      f(term.c);
      break;
    default: break;
  }
}

void remap_successors(Instr& term, const std::vector<uint32_t>& remap) {
  switch (term.op) {
    case Op::Jump: term.a = remap[term.a]; break;
    case Op::Branch:
    case Op::ForIter:
      term.b = remap[term.b];
      term.c = remap[term.c];
      break;
    default: break;
  }
}

void check(const Program& program, uint32_t first, const char* after) {
  std::vector<std::string> problems = verify_program(program, first);
  if (problems.empty()) return;
  std::string message = std::string("IR verifier failed after ") + after + ":";
  for (const std::string& p : problems) message += "\n  " + p;
  throw std::logic_error(message);
}

}  // namespace

void remove_unreachable_blocks(Function& fn) {
  // Depth-first preorder from the entry, taken successors first: the layout
  // then reads top to bottom (a loop body right after its header).
  std::vector<uint32_t> order;
  std::vector<bool> seen(fn.blocks.size(), false);
  std::vector<uint32_t> work = {0};
  while (!work.empty()) {
    uint32_t b = work.back();
    work.pop_back();
    if (seen[b]) continue;
    seen[b] = true;
    order.push_back(b);
    std::vector<uint32_t> successors;
    for_each_successor(fn.blocks[b].instrs.back(), [&](uint32_t s) { successors.push_back(s); });
    for (auto it = successors.rbegin(); it != successors.rend(); ++it)
      if (!seen[*it]) work.push_back(*it);
  }
  std::vector<uint32_t> remap(fn.blocks.size(), kNone);
  std::vector<Block> kept;
  for (uint32_t b : order) {
    remap[b] = static_cast<uint32_t>(kept.size());
    kept.push_back(std::move(fn.blocks[b]));
  }
  for (Block& b : kept) remap_successors(b.instrs.back(), remap);
  fn.blocks = std::move(kept);
}

// Forward "definitely assigned" dataflow over named, non-cell locals.
void insert_bound_checks(Function& fn) {
  const uint32_t n = fn.num_regs;
  std::vector<bool> tracked(n, false);
  for (uint32_t r = static_cast<uint32_t>(fn.params.size()); r < n; ++r) tracked[r] = !fn.reg_names[r].empty();
  for (const Block& b : fn.blocks)
    for (const Instr& i : b.instrs)
      if (i.op == Op::NewCell) tracked[i.a] = false;  // cells check on LoadCell

  const size_t nb = fn.blocks.size();
  // in[b][r]: r is assigned on every path into b. Start from "all" (top) except entry.
  std::vector<std::vector<bool>> in(nb, std::vector<bool>(n, true));
  std::fill(in[0].begin(), in[0].end(), false);
  std::vector<std::vector<uint32_t>> preds(nb);
  for (uint32_t b = 0; b < nb; ++b)
    for_each_successor(fn.blocks[b].instrs.back(), [&](uint32_t s) { preds[s].push_back(b); });

  // ForIter assigns its element only on the edge into the loop body, not on
  // the exhausted edge: `for x in []: pass` leaves x unassigned.
  auto transfer = [&](uint32_t b, std::vector<bool> state, bool exhausted_edge) {
    for (const Instr& i : fn.blocks[b].instrs) {
      if (exhausted_edge && i.op == Op::ForIter) continue;
      for_each_write(i, [&](uint32_t r) { state[r] = true; });
    }
    return state;
  };
  // out[b] / out_exhausted[b]: the state leaving b on an ordinary edge and on
  // a ForIter's exhausted edge; recomputed only when in[b] changes.
  std::vector<std::vector<bool>> out(nb), out_exhausted(nb);
  auto recompute = [&](uint32_t b) {
    out[b] = transfer(b, in[b], false);
    out_exhausted[b] = transfer(b, in[b], true);
  };
  for (uint32_t b = 0; b < nb; ++b) recompute(b);
  std::vector<uint32_t> work;
  for (uint32_t b = 1; b < nb; ++b) work.push_back(b);
  std::vector<bool> queued(nb, true);
  while (!work.empty()) {
    uint32_t b = work.back();
    work.pop_back();
    queued[b] = false;
    std::vector<bool> meet(n, !preds[b].empty());
    for (uint32_t p : preds[b]) {
      const Instr& term = fn.blocks[p].instrs.back();
      bool exhausted_edge = term.op == Op::ForIter && term.c == b && term.b != b;
      const std::vector<bool>& o = exhausted_edge ? out_exhausted[p] : out[p];
      for (uint32_t r = 0; r < n; ++r) meet[r] = meet[r] && o[r];
    }
    if (meet == in[b]) continue;
    in[b] = std::move(meet);
    recompute(b);
    for_each_successor(fn.blocks[b].instrs.back(), [&](uint32_t s) {
      if (s != 0 && !queued[s]) {
        queued[s] = true;
        work.push_back(s);
      }
    });
  }

  for (uint32_t b = 0; b < nb; ++b) {
    std::vector<bool> state = in[b];
    std::vector<Instr> rewritten;
    rewritten.reserve(fn.blocks[b].instrs.size());
    for (Instr& i : fn.blocks[b].instrs) {
      for_each_read(i, [&](uint32_t r) {
        if (tracked[r] && !state[r]) {
          Instr check;
          check.op = Op::CheckBound;
          check.a = r;
          check.loc = i.loc;
          rewritten.push_back(std::move(check));
          state[r] = true;
        }
      });
      for_each_write(i, [&](uint32_t r) { state[r] = true; });
      rewritten.push_back(std::move(i));
    }
    fn.blocks[b].instrs = std::move(rewritten);
  }
}

void run_passes(Program& program, uint32_t first_function) {
  check(program, first_function, "lowering");
  for (uint32_t f = first_function; f < program.functions.size(); ++f) remove_unreachable_blocks(*program.functions[f]);
  check(program, first_function, "remove_unreachable_blocks");
  for (uint32_t f = first_function; f < program.functions.size(); ++f) insert_bound_checks(*program.functions[f]);
  check(program, first_function, "insert_bound_checks");
}

}  // namespace kiln::ir
