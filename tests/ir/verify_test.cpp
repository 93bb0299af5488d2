#include "ir/verify.h"

#include <gtest/gtest.h>

#include "ir_builder.h"

namespace kiln::ir {
namespace {

using testing::add_function;
using testing::make;

bool mentions(const std::vector<std::string>& problems, const std::string& what) {
  for (const auto& p : problems)
    if (p.find(what) != std::string::npos) return true;
  return false;
}

TEST(Verifier, AcceptsWellFormedFunction) {
  Program p;
  uint32_t k = p.add_constant(int64_t{1});
  Function& f = add_function(p, "ok", 2);
  f.blocks.push_back({"entry0", {make(Op::Const, 0, k), make(Op::Add, 1, 0, 0), make(Op::Return, kNone, 1)}});
  EXPECT_TRUE(verify_program(p).empty());
}

TEST(Verifier, RejectsBlockWithoutTerminator) {
  Program p;
  uint32_t k = p.add_constant(int64_t{1});
  Function& f = add_function(p, "f", 1);
  f.blocks.push_back({"entry0", {make(Op::Const, 0, k)}});
  EXPECT_TRUE(mentions(verify_program(p), "does not end in a terminator"));
}

TEST(Verifier, RejectsTerminatorInTheMiddle) {
  Program p;
  Function& f = add_function(p, "f", 1);
  f.blocks.push_back({"entry0", {make(Op::Return), make(Op::Return)}});
  EXPECT_TRUE(mentions(verify_program(p), "terminator in the middle"));
}

TEST(Verifier, RejectsOutOfRangeRegisterAndBlock) {
  Program p;
  Function& f = add_function(p, "f", 1);
  f.blocks.push_back({"entry0", {make(Op::Move, 0, 7), make(Op::Jump, kNone, 3)}});
  auto problems = verify_program(p);
  EXPECT_TRUE(mentions(problems, "register 7 out of range"));
  EXPECT_TRUE(mentions(problems, "block out of range"));
}

TEST(Verifier, RejectsKeywordCountMismatch) {
  Program p;
  uint32_t names = p.add_constant(KeywordNames{"dim"});
  Function& f = add_function(p, "f", 3);
  Instr call = make(Op::Call, 0, 1);
  call.args = {2};
  call.nkw = 2;
  call.kwnames = names;
  f.blocks.push_back({"entry0", {call, make(Op::Return)}});
  EXPECT_TRUE(mentions(verify_program(p), "more keywords than arguments"));
}

TEST(Verifier, RejectsInstructionWithoutLocation) {
  Program p;
  Function& f = add_function(p, "f", 1);
  Instr ret = make(Op::Return);
  ret.loc = SourceRange{};
  f.blocks.push_back({"entry0", {ret}});
  EXPECT_TRUE(mentions(verify_program(p), "without a source location"));
}

TEST(Verifier, ChecksClosureOperandsAgainstTarget) {
  Program p;
  Function& inner = add_function(p, "inner", 1, 1);
  inner.params[0].has_default = true;
  inner.blocks.push_back({"entry0", {make(Op::Return, kNone, 0)}});
  Function& outer = add_function(p, "outer", 2);
  Instr mk = make(Op::MakeClosure, 0, 0, 0);
  mk.args = {};  // the default is missing
  outer.blocks.push_back({"entry0", {mk, make(Op::Return, kNone, 0)}});
  EXPECT_TRUE(mentions(verify_program(p), "operands are not captures + defaults"));
}

}  // namespace
}  // namespace kiln::ir
