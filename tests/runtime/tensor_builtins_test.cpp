// The math, tensor and shared (max/min/sum/...) builtins.
#include "stdlib/tensor/tensor_builtins.h"

#include <ATen/ATen.h>

#include <cmath>

#include "runtime_test_util.h"

namespace kiln::rt::testing {
namespace {

TEST(MathBuiltins, NumbersGivePythonFloats) {
  const Value e = call_builtin("exp", {Value(1.0)});
  ASSERT_TRUE(e.is_float());
  EXPECT_DOUBLE_EQ(e.as_float(), std::exp(1.0));
  EXPECT_DOUBLE_EQ(call_builtin("log", {Value(1)}).as_float(), 0.0);
  EXPECT_DOUBLE_EQ(call_builtin("sigmoid", {Value(0.0)}).as_float(), 0.5);
  EXPECT_NEAR(call_builtin("softplus", {Value(1000.0)}).as_float(), 1000.0, 1e-9);
  EXPECT_DOUBLE_EQ(call_builtin("relu", {Value(-2.0)}).as_float(), 0.0);
  const Value f = call_builtin("floor", {Value(-1.5)});
  ASSERT_TRUE(f.is_int());
  EXPECT_EQ(f.as_int(), -2);
  EXPECT_EQ(call_builtin("ceil", {Value(1.2)}).as_int(), 2);
}

TEST(MathBuiltins, DomainErrorsFollowPython) {
  EXPECT_EQ(error_of([] { call_builtin("log", {Value(-1.0)}); }), "math domain error");
  EXPECT_EQ(error_of([] { call_builtin("log", {Value(0)}); }), "math domain error");
  EXPECT_EQ(error_of([] { call_builtin("sqrt", {Value(-4.0)}); }), "math domain error");
  EXPECT_EQ(error_of([] { call_builtin("exp", {Value(1000.0)}); }), "math range error");
  EXPECT_EQ(error_of([] { call_builtin("floor", {Value(INFINITY)}); }),
            "cannot convert float infinity to integer");
  EXPECT_EQ(error_of([] { call_builtin("exp", {make_str("x")}); }),
            "exp(): argument 'x' must be a number or a tensor, got str");
}

TEST(MathBuiltins, TensorsAreElementwise) {
  const Value t = call_builtin("exp", {tensor_value(at::zeros({3}))});
  EXPECT_TRUE(at::equal(T(t), at::ones({3})));
  const Value l = call_builtin("log", {tensor_value(at::tensor({-1.0f}))});
  EXPECT_TRUE(std::isnan(T(l).item<float>()));  // tensors follow torch: nan, no error
  EXPECT_EQ(T(call_builtin("floor", {tensor_value(at::tensor({1.5f}))})).scalar_type(), at::kFloat);
  EXPECT_DOUBLE_EQ(call_builtin("clamp", {Value(5.0)}, {{"max", Value(2.0)}}).as_float(), 2.0);
  EXPECT_TRUE(at::equal(
      T(call_builtin("clamp", {tensor_value(at::tensor({-1.0f, 3.0f})), Value(0.0), Value(1.0)})),
      at::tensor({0.0f, 1.0f})));
}

TEST(TensorBuiltins, TensorInfersDtypeLikePyTorch) {
  EXPECT_EQ(T(call_builtin("tensor", {list_of({Value(1), Value(2)})})).scalar_type(), at::kLong);
  EXPECT_EQ(T(call_builtin("tensor", {list_of({Value(1), Value(2.5)})})).scalar_type(), at::kFloat);
  EXPECT_EQ(T(call_builtin("tensor", {list_of({Value(true)})})).scalar_type(), at::kBool);
  const Value nested = call_builtin(
      "tensor", {list_of({list_of({Value(1.0), Value(2.0)}), list_of({Value(3.0), Value(4.0)})})});
  EXPECT_EQ(T(nested).sizes(), at::IntArrayRef({2, 2}));
  const Value f64 = builtin_value(*find_builtin("float64"));
  EXPECT_EQ(T(call_builtin("tensor", {Value(1)}, {{"dtype", f64}})).scalar_type(), at::kDouble);
  EXPECT_EQ(error_of([] {
              call_builtin("tensor",
                           {list_of({list_of({Value(1.0), Value(2.0)}), list_of({Value(3.0)})})});
            }),
            "tensor: ragged nested list: expected a sequence of length 2 at depth 1, got 1");
  EXPECT_TRUE(
      call_builtin("tensor", {Value(1.0)}, {{"requires_grad", Value(true)}}).is(ObjKind::kTensor));
  EXPECT_TRUE(
      T(call_builtin("tensor", {Value(1.0)}, {{"requires_grad", Value(true)}})).requires_grad());
}

TEST(TensorBuiltins, ListsOfTensorsStackWithGradients) {
  const at::Tensor a = at::scalar_tensor(1.0f).requires_grad_();
  const Value s = call_builtin("tensor", {list_of({tensor_value(a), Value(2.0)})});
  EXPECT_EQ(T(s).sizes(), at::IntArrayRef({2}));
  T(s).sum().backward();
  EXPECT_FLOAT_EQ(a.grad().item<float>(), 1.0f);
}

TEST(TensorBuiltins, Creation) {
  EXPECT_EQ(T(call_builtin("zeros", {Value(2), Value(3)})).sizes(), at::IntArrayRef({2, 3}));
  EXPECT_EQ(T(call_builtin("ones", {tuple_of({Value(4)})})).sizes(), at::IntArrayRef({4}));
  EXPECT_EQ(T(call_builtin("full", {tuple_of({Value(2)}), Value(7)})).scalar_type(), at::kLong);
  EXPECT_EQ(T(call_builtin("arange", {Value(5)})).scalar_type(), at::kLong);
  EXPECT_EQ(T(call_builtin("arange", {Value(0.0), Value(1.0), Value(0.25)})).numel(), 4);
  EXPECT_EQ(T(call_builtin("linspace", {Value(0), Value(1), Value(5)})).numel(), 5);
  EXPECT_TRUE(at::equal(T(call_builtin("eye", {Value(2)})), at::eye(2)));
  const Value f64 = builtin_value(*find_builtin("float64"));
  EXPECT_EQ(T(call_builtin("zeros", {Value(2)}, {{"dtype", f64}})).scalar_type(), at::kDouble);
  EXPECT_EQ(error_of([] { call_builtin("zeros", {Value(-1)}); }),
            "zeros(): sizes must be non-negative, got shape (-1,)");
}

TEST(TensorBuiltins, ShapeAndJoin) {
  const Value a = tensor_value(at::ones({2, 3}));
  EXPECT_EQ(T(call_builtin("transpose", {a, Value(0), Value(1)})).sizes(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(T(call_builtin("reshape", {a, Value(3), Value(2)})).sizes(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(T(call_builtin("cat", {list_of({a, a})}, {{"dim", Value(1)}})).sizes(),
            at::IntArrayRef({2, 6}));
  EXPECT_EQ(T(call_builtin("stack", {list_of({a, a})})).sizes(), at::IntArrayRef({2, 2, 3}));
  EXPECT_EQ(T(call_builtin("matmul", {a, tensor_value(at::ones({3}))})).sizes(),
            at::IntArrayRef({2}));
  const Value oh = call_builtin("one_hot", {tensor_value(at::tensor({0L, 2L})), Value(3)});
  EXPECT_EQ(T(oh).scalar_type(), at::kFloat);
  EXPECT_EQ(to_str(oh), "tensor([[1., 0., 0.],\n        [0., 0., 1.]])");
  EXPECT_EQ(to_str(call_builtin(
                "where", {tensor_value(bools({1, 0})), Value(1.0), tensor_value(at::zeros({2}))})),
            "tensor([1., 0.])");
}

TEST(TensorBuiltins, LibTorchErrorsAreCleaned) {
  const std::string e = error_of([] {
    call_builtin("cat",
                 {list_of({tensor_value(at::ones({2, 3})), tensor_value(at::ones({2, 4}))})});
  });
  EXPECT_EQ(e.rfind("cat(): ", 0), 0u) << e;
  EXPECT_EQ(e.find(".cpp"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(SharedBuiltins, ReduceEntryPoint) {
  const Value x = tensor_value(at::arange(6, at::kFloat).reshape({2, 3}));
  ArgList one{x};
  EXPECT_EQ(to_str(tensor_reduce_builtin("sum", one.view("sum"))), "tensor(15.)");
  EXPECT_EQ(to_str(tensor_reduce_builtin("max", one.view("max"))), "tensor(5.)");
  ArgList with_dim{x, Value(1)};
  const Value m = tensor_reduce_builtin("max", with_dim.view("max"));
  ASSERT_TRUE(m.is(ObjKind::kTuple));
  EXPECT_EQ(to_str(get_item(m, Value(0))), "tensor([2., 5.])");
  EXPECT_EQ(to_str(tensor_reduce_builtin("sum", with_dim.view("sum"))), "tensor([ 3., 12.])");
  ArgList pair{x, Value(2.5)};
  EXPECT_EQ(to_str(tensor_reduce_builtin("min", pair.view("min"))),
            "tensor([[0.0, 1.0, 2.0],\n        [2.5, 2.5, 2.5]])");
  ArgList r{tensor_value(at::tensor({0.5f, 1.5f, 2.5f}))};
  EXPECT_EQ(to_str(tensor_reduce_builtin("round", r.view("round"))), "tensor([0., 2., 2.])");
  EXPECT_EQ(
      to_str(tensor_reduce_builtin("abs", ArgList{tensor_value(at::tensor({-1L}))}.view("abs"))),
      "tensor([1])");
  EXPECT_EQ(
      to_str(tensor_reduce_builtin("mean", ArgList{tensor_value(at::arange(4))}.view("mean"))),
      "tensor(1.5)");
  EXPECT_DOUBLE_EQ(call_builtin("mean", {list_of({Value(1), Value(2)})}).as_float(), 1.5);
  EXPECT_EQ(call_builtin("prod", {list_of({Value(2), Value(3)})}).as_int(), 6);
  EXPECT_DOUBLE_EQ(tensor_to_number(tensor_value(at::scalar_tensor(-2.7f)), "int").as_int(), -2);
  EXPECT_EQ(error_of([&] { tensor_to_number(x, "float"); }),
            "float(): only one-element tensors can be converted, got shape (2, 3)");
}

}  // namespace
}  // namespace kiln::rt::testing
