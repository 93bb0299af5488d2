#include "ir/passes.h"

#include <gtest/gtest.h>

#include "ir/verify.h"
#include "ir_builder.h"

namespace kiln::ir {
namespace {

using testing::add_function;
using testing::make;

size_t count_ops(const Function& f, Op op) {
  size_t n = 0;
  for (const Block& b : f.blocks)
    for (const Instr& i : b.instrs) n += i.op == op;
  return n;
}

TEST(RemoveUnreachableBlocks, DropsDeadBlocksAndRemapsTargets) {
  Program p;
  Function& f = add_function(p, "f", 1);
  f.blocks.push_back({"entry0", {make(Op::Jump, kNone, 2)}});
  f.blocks.push_back({"dead1", {make(Op::Return)}});
  f.blocks.push_back({"live2", {make(Op::Return)}});
  remove_unreachable_blocks(f);
  ASSERT_EQ(f.blocks.size(), 2u);
  EXPECT_EQ(f.blocks[1].label, "live2");
  EXPECT_EQ(f.blocks[0].instrs[0].a, 1u);
  EXPECT_TRUE(verify_program(p).empty());
}

// r0 = param; r1 assigned only on one branch, then read: needs a check.
TEST(InsertBoundChecks, ChecksLocalAssignedOnOnePathOnly) {
  Program p;
  uint32_t k = p.add_constant(int64_t{1});
  Function& f = add_function(p, "f", 2, 1);
  f.blocks.push_back({"entry0", {make(Op::Branch, kNone, 0, 1, 2)}});
  f.blocks.push_back({"then1", {make(Op::Const, 1, k), make(Op::Jump, kNone, 2)}});
  f.blocks.push_back({"end2", {make(Op::Return, kNone, 1)}});
  insert_bound_checks(f);
  EXPECT_EQ(count_ops(f, Op::CheckBound), 1u);
  EXPECT_EQ(f.blocks[2].instrs[0].op, Op::CheckBound);
  EXPECT_EQ(f.blocks[2].instrs[0].a, 1u);
}

TEST(InsertBoundChecks, NoCheckWhenAssignedOnEveryPath) {
  Program p;
  uint32_t k = p.add_constant(int64_t{1});
  Function& f = add_function(p, "f", 2, 1);
  f.blocks.push_back({"entry0", {make(Op::Branch, kNone, 0, 1, 2)}});
  f.blocks.push_back({"a1", {make(Op::Const, 1, k), make(Op::Jump, kNone, 3)}});
  f.blocks.push_back({"b2", {make(Op::Const, 1, k), make(Op::Jump, kNone, 3)}});
  f.blocks.push_back({"end3", {make(Op::Return, kNone, 1)}});
  insert_bound_checks(f);
  EXPECT_EQ(count_ops(f, Op::CheckBound), 0u);
}

// ForIter assigns its element on the body edge only.
TEST(InsertBoundChecks, LoopVariableIsUnassignedAfterAnEmptyLoop) {
  Program p;
  Function& f = add_function(p, "f", 3, 1);  // r0 iterable param, r1 iterator (temp), r2 loop var
  f.reg_names[1] = "";
  f.blocks.push_back({"entry0", {make(Op::GetIter, 1, 0), make(Op::Jump, kNone, 1)}});
  f.blocks.push_back({"for1", {make(Op::ForIter, 2, 1, 2, 3)}});
  f.blocks.push_back({"body2", {make(Op::Move, 0, 2), make(Op::Jump, kNone, 1)}});
  f.blocks.push_back({"end3", {make(Op::Return, kNone, 2)}});
  insert_bound_checks(f);
  EXPECT_EQ(f.blocks[2].instrs[0].op, Op::Move);  // inside the body: assigned
  EXPECT_EQ(f.blocks[3].instrs[0].op, Op::CheckBound);
}

TEST(RunPasses, VerifiesAfterEachPass) {
  Program p;
  Function& f = add_function(p, "f", 1);
  f.blocks.push_back({"entry0", {make(Op::Move, 0, 9), make(Op::Return)}});
  EXPECT_THROW(run_passes(p), std::logic_error);
}

}  // namespace
}  // namespace kiln::ir
