#include "ir/operands.h"

namespace kiln::ir {

OperandRoles operand_roles(Op op) {
  using F = Field;
  OperandRoles r;
  auto set = [&](bool dst, F a, F b = F::kUnused, F c = F::kUnused, ArgsRole args = ArgsRole::kNone,
                 bool kw = false) {
    r = OperandRoles{dst, a, b, c, args, kw};
  };
  switch (op) {
    case Op::Const: set(true, F::kConst); break;
    case Op::Move: set(true, F::kReg); break;
    case Op::CheckBound: set(false, F::kReg); break;
    case Op::LoadGlobal: set(true, F::kGlobal); break;
    case Op::StoreGlobal: set(false, F::kGlobal, F::kReg); break;
    case Op::LoadBuiltin: set(true, F::kBuiltin); break;
    case Op::NewCell: set(false, F::kReg); break;
    case Op::LoadCell: set(true, F::kReg); break;
    case Op::StoreCell: set(false, F::kReg, F::kReg); break;
    case Op::LoadFree: set(true, F::kFree, F::kCount); break;
    case Op::StoreFree: set(false, F::kFree, F::kReg); break;
    case Op::MakeClosure: set(true, F::kFunction, F::kCount, F::kUnused, ArgsRole::kRead); break;
    case Op::Neg:
    case Op::Pos:
    case Op::Not:
    case Op::GetIter: set(true, F::kReg); break;
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::FloorDiv:
    case Op::Mod:
    case Op::Pow:
    case Op::MatMul:
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::In:
    case Op::NotIn:
    case Op::Is:
    case Op::IsNot:
    case Op::GetItem: set(true, F::kReg, F::kReg); break;
    case Op::BuildList:
    case Op::BuildTuple:
    case Op::BuildDict:
    case Op::BuildString: set(true, F::kUnused, F::kUnused, F::kUnused, ArgsRole::kRead); break;
    case Op::BuildSlice: set(true, F::kOptReg, F::kOptReg, F::kOptReg); break;
    case Op::ListAppend: set(false, F::kReg, F::kReg); break;
    case Op::DictSet:
    case Op::SetItem: set(false, F::kReg, F::kReg, F::kReg); break;
    case Op::GetAttr: set(true, F::kReg, F::kSymbol); break;
    case Op::Unpack: set(false, F::kReg, F::kUnused, F::kUnused, ArgsRole::kWrite); break;
    case Op::Call: set(true, F::kReg, F::kUnused, F::kUnused, ArgsRole::kRead, true); break;
    case Op::CallMethod: set(true, F::kReg, F::kSymbol, F::kUnused, ArgsRole::kRead, true); break;
    case Op::CallBuiltin: set(true, F::kBuiltin, F::kUnused, F::kUnused, ArgsRole::kRead, true); break;
    case Op::FormatValue: set(true, F::kReg, F::kOptConst); break;
    case Op::AssertFail: set(false, F::kOptReg); break;
    case Op::EnterContext: set(true, F::kReg); break;
    case Op::ExitContext: set(false, F::kReg); break;
    case Op::Import: set(false, F::kModule); break;
    case Op::Sample: set(true, F::kReg, F::kReg, F::kOptReg, ArgsRole::kRead, true); break;
    case Op::Observe: set(true, F::kReg, F::kReg, F::kReg); break;
    case Op::Param: set(true, F::kReg, F::kOptReg, F::kUnused, ArgsRole::kRead, true); break;
    case Op::Factor: set(false, F::kReg, F::kReg); break;
    case Op::Deterministic: set(true, F::kReg, F::kReg); break;
    case Op::PlateEnter: set(true, F::kReg, F::kOptReg, F::kUnused, ArgsRole::kRead, true); break;
    case Op::PlateExit: set(false, F::kReg); break;
    case Op::SeqPlateEnter: set(false, F::kReg, F::kReg); break;
    case Op::Jump: set(false, F::kBlock); break;
    case Op::Branch: set(false, F::kReg, F::kBlock, F::kBlock); break;
    case Op::ForIter: set(true, F::kReg, F::kBlock, F::kBlock); break;
    case Op::Return: set(false, F::kOptReg); break;
  }
  return r;
}

}  // namespace kiln::ir
