// Operators and methods on tensor values: PyTorch's type promotion with
// Python numbers, Python's signs for // and %, comparisons, truth, shapes.
#include <ATen/ATen.h>

#include "runtime_test_util.h"

namespace kiln::rt::testing {
namespace {

Value vec(std::vector<double> v) { return tensor_value(at::tensor(v, at::kFloat)); }
Value ivec(std::vector<int64_t> v) { return tensor_value(at::tensor(v, at::kLong)); }

TEST(TensorOps, PythonNumbersPromoteAsPyTorchScalars) {
  const Value d = tensor_value(at::ones({2}, at::kDouble));
  EXPECT_EQ(T(binary_op(ir::Op::Add, d, Value(1.5))).scalar_type(), at::kDouble);
  const Value i = ivec({0, 1, 2});
  EXPECT_EQ(T(binary_op(ir::Op::Add, i, Value(1.5))).scalar_type(), at::kFloat);
  EXPECT_EQ(T(binary_op(ir::Op::Mul, i, Value(2))).scalar_type(), at::kLong);
  EXPECT_EQ(T(binary_op(ir::Op::Div, i, Value(2))).scalar_type(), at::kFloat);
  const Value i32 = tensor_value(at::ones({2}, at::kInt));
  EXPECT_EQ(T(binary_op(ir::Op::Add, i32, Value(1))).scalar_type(), at::kInt);
  const Value b = tensor_value(at::ones({2}, at::kBool));
  EXPECT_EQ(T(binary_op(ir::Op::Add, b, Value(1))).scalar_type(), at::kLong);
  // A number on the left works the same way.
  const Value r = binary_op(ir::Op::Sub, Value(10.0), vec({1, 2}));
  EXPECT_TRUE(at::equal(T(r), at::tensor({9.0f, 8.0f})));
  EXPECT_EQ(T(binary_op(ir::Op::Pow, Value(2), vec({0.5}))).scalar_type(), at::kFloat);
}

TEST(TensorOps, FloorDivAndModFollowPythonSigns) {
  const Value a = ivec({-7, 7, -7, 7});
  const Value b = ivec({2, 2, -2, -2});
  EXPECT_TRUE(at::equal(T(binary_op(ir::Op::FloorDiv, a, b)), at::tensor({-4L, 3L, 3L, -4L})));
  EXPECT_TRUE(at::equal(T(binary_op(ir::Op::Mod, a, b)), at::tensor({1L, 1L, -1L, -1L})));
  const Value f = vec({-7.5, 7.5});
  EXPECT_TRUE(
      at::allclose(T(binary_op(ir::Op::FloorDiv, f, Value(2.0))), at::tensor({-4.0f, 3.0f})));
  EXPECT_TRUE(at::allclose(T(binary_op(ir::Op::Mod, f, Value(-2.0))), at::tensor({-1.5f, -0.5f})));
  EXPECT_EQ(error_of([&] { binary_op(ir::Op::FloorDiv, ivec({1}), Value(0)); }),
            "'//': integer division or modulo by zero");
}

TEST(TensorOps, ComparisonsGiveBoolTensors) {
  const Value r = binary_op(ir::Op::Lt, vec({1, 2, 3}), Value(2.0));
  EXPECT_EQ(T(r).scalar_type(), at::kBool);
  EXPECT_TRUE(at::equal(T(r), bools({1, 0, 0})));
  EXPECT_TRUE(at::equal(T(binary_op(ir::Op::Eq, ivec({1, 2}), ivec({1, 3}))), bools({1, 0})));
  // == against unrelated types is False, as in Python.
  EXPECT_FALSE(binary_op(ir::Op::Eq, vec({1}), Value()).as_bool());
  EXPECT_TRUE(binary_op(ir::Op::Ne, vec({1}), make_str("a")).as_bool());
}

TEST(TensorOps, MatMulAndShapeErrorsAreReadable) {
  const Value m = tensor_value(at::ones({2, 3}));
  EXPECT_EQ(T(binary_op(ir::Op::MatMul, m, vec({1, 1, 1}))).sizes(), at::IntArrayRef({2}));
  EXPECT_EQ(error_of([&] {
              binary_op(ir::Op::Add, vec({1, 2, 3}), vec({1, 2, 3, 4}));
            }),
            "operands of '+' have shapes (3,) and (4,), which cannot be broadcast together");
  const std::string mm = error_of([&] { binary_op(ir::Op::MatMul, m, vec({1, 2})); });
  EXPECT_NE(mm.find("cannot multiply tensors of shapes (2, 3) and (2,)"), std::string::npos) << mm;
  EXPECT_EQ(error_of([&] { binary_op(ir::Op::Add, vec({1}), make_str("a")); }),
            "unsupported operand types for +: 'tensor' and 'str'");
}

TEST(TensorOps, TruthNeedsOneElement) {
  EXPECT_TRUE(truthy(vec({2})));
  EXPECT_FALSE(truthy(tensor_value(at::zeros({}))));
  EXPECT_EQ(error_of([&] {
              truthy(vec({1, 2}));
            }),
            "the truth value of a tensor with more than one value is ambiguous");
  EXPECT_TRUE(contains(vec({1, 2, 3}), Value(2)));
  EXPECT_FALSE(contains(vec({1, 2, 3}), Value(5.0)));
}

TEST(TensorOps, UnaryOperators) {
  EXPECT_TRUE(at::equal(T(unary_op(ir::Op::Neg, vec({1, -2}))), at::tensor({-1.0f, 2.0f})));
  EXPECT_FALSE(unary_op(ir::Op::Not, vec({1})).as_bool());
}

TEST(TensorAttributes, ShapeIsATupleOfInts) {
  const Value x = tensor_value(at::zeros({2, 3}));
  const Value shape = get_attr(x, "shape");
  ASSERT_TRUE(shape.is(ObjKind::kTuple));
  EXPECT_EQ(to_str(shape), "(2, 3)");
  EXPECT_EQ(get_item(shape, Value(0)).as_int(), 2);
  EXPECT_EQ(T(get_attr(x, "T")).sizes(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(to_str(get_attr(x, "dtype")), "float32");
  EXPECT_TRUE(get_attr(x, "grad").is_none());
  EXPECT_EQ(error_of([&] { get_attr(x, "nope"); }), "'tensor' object has no attribute 'nope'");
}

TEST(TensorMethods, InspectAndConvert) {
  const Value x = tensor_value(at::arange(6, at::kFloat).reshape({2, 3}));
  EXPECT_EQ(call_method_of(x, "size", {Value(1)}).as_int(), 3);
  EXPECT_EQ(to_str(call_method_of(x, "size")), "(2, 3)");
  EXPECT_EQ(call_method_of(x, "dim").as_int(), 2);
  EXPECT_EQ(call_method_of(x, "numel").as_int(), 6);
  EXPECT_EQ(to_str(call_method_of(x, "tolist")), "[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]");
  const Value one = call_method_of(x, "sum");
  EXPECT_DOUBLE_EQ(call_method_of(one, "item").as_float(), 15.0);
  EXPECT_TRUE(call_method_of(call_method_of(x, "long"), "sum").is(ObjKind::kTensor));
  EXPECT_EQ(T(call_method_of(x, "long")).scalar_type(), at::kLong);
  EXPECT_EQ(T(call_method_of(x, "double")).scalar_type(), at::kDouble);
  EXPECT_EQ(to_str(call_method_of(call_method_of(x, "bool"), "any")), "tensor(True)");
  EXPECT_EQ(
      error_of([&] { call_method_of(x, "item"); }),
      "item(): only one-element tensors can be converted to a number; this one has shape (2, 3)");
}

TEST(TensorMethods, ReductionsTakeDimAndKeepdim) {
  const Value x = tensor_value(at::arange(6, at::kFloat).reshape({2, 3}));
  EXPECT_TRUE(at::equal(T(call_method_of(x, "sum", {Value(0)})), at::tensor({3.0f, 5.0f, 7.0f})));
  EXPECT_EQ(T(call_method_of(x, "sum", {}, {{"dim", Value(1)}, {"keepdim", Value(true)}})).sizes(),
            at::IntArrayRef({2, 1}));
  EXPECT_EQ(T(call_method_of(x, "mean", {}, {{"dim", tuple_of({Value(0), Value(1)})}})).dim(), 0);
  const Value mx = call_method_of(x, "max", {Value(1)});
  ASSERT_TRUE(mx.is(ObjKind::kTuple));
  EXPECT_TRUE(at::equal(T(get_item(mx, Value(1))), at::tensor({2L, 2L})));
  EXPECT_EQ(to_str(call_method_of(x, "argmax")), "tensor(5)");
  EXPECT_TRUE(
      at::allclose(T(call_method_of(x, "logsumexp", {Value(1)})), at::logsumexp(T(x), {1})));
  EXPECT_EQ(error_of([&] { call_method_of(x, "sum", {Value(2)}); }),
            "tensor.sum(): Dimension out of range (expected to be in range of [-2, 1], but got 2)");
}

TEST(TensorMethods, ShapeMethods) {
  const Value x = tensor_value(at::arange(6, at::kFloat));
  EXPECT_EQ(T(call_method_of(x, "view", {Value(2), Value(3)})).sizes(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(T(call_method_of(x, "reshape", {tuple_of({Value(3), Value(-1)})})).sizes(),
            at::IntArrayRef({3, 2}));
  EXPECT_EQ(T(call_method_of(x, "unsqueeze", {Value(0)})).sizes(), at::IntArrayRef({1, 6}));
  EXPECT_EQ(
      T(call_method_of(call_method_of(x, "unsqueeze", {Value(1)}), "expand", {Value(6), Value(4)}))
          .sizes(),
      at::IntArrayRef({6, 4}));
  EXPECT_EQ(error_of([&] {
              call_method_of(x, "view", {Value(4), Value(2)});
            }).rfind("tensor.view(): cannot view a tensor of shape (6,) as (4, 2)", 0),
            0u);
}

TEST(TensorMethods, BackwardFillsGrad) {
  const Value x = call_method_of(tensor_value(at::tensor({1.0f, 2.0f})), "requires_grad_");
  const Value y = call_method_of(binary_op(ir::Op::Mul, x, x), "sum");
  call_method_of(y, "backward");
  EXPECT_TRUE(at::allclose(T(get_attr(x, "grad")), at::tensor({2.0f, 4.0f})));
}

}  // namespace
}  // namespace kiln::rt::testing
