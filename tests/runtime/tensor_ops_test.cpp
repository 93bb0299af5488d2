#include <ATen/ATen.h>

#include "runtime_test_util.h"

namespace kiln::rt::testing {
namespace {

TEST(TensorOps, PythonFloatKeepsFloat64AndPromotesInts) {
  const Value d = tensor_value(at::ones({2}, at::kDouble));
  EXPECT_EQ(T(binary_op(ir::Op::Add, d, Value(1.5))).scalar_type(), at::kDouble);
  const Value i = tensor_value(at::arange(3));
  EXPECT_EQ(T(binary_op(ir::Op::Add, i, Value(1.5))).scalar_type(), at::kFloat);
  EXPECT_EQ(T(binary_op(ir::Op::Mul, i, Value(2))).scalar_type(), at::kLong);
  EXPECT_EQ(T(binary_op(ir::Op::Div, i, Value(2))).scalar_type(), at::kFloat);
  const Value i32 = tensor_value(at::ones({2}, at::kInt));
  EXPECT_EQ(T(binary_op(ir::Op::Add, i32, Value(1))).scalar_type(), at::kInt);
}

}  // namespace
}  // namespace kiln::rt::testing
