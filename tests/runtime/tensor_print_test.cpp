// Tensor printing: PyTorch's repr, compact.
#include <ATen/ATen.h>

#include "runtime_test_util.h"

namespace kiln::rt::testing {
namespace {

std::string P(const at::Tensor& t) { return print_tensor(t); }

TEST(TensorPrint, ScalarsAndVectors) {
  EXPECT_EQ(P(at::scalar_tensor(1.5f)), "tensor(1.5)");
  EXPECT_EQ(P(at::tensor({1.0f, 2.0f, 3.0f})), "tensor([1., 2., 3.])");
  EXPECT_EQ(P(at::tensor({0.25f, 1.0f})), "tensor([0.25, 1.00])");
  EXPECT_EQ(P(at::tensor({1.0f / 3.0f, -2.0f})), "tensor([ 0.3333, -2.0000])");
  EXPECT_EQ(P(at::tensor({1L, 20L})), "tensor([ 1, 20])");
  EXPECT_EQ(P(bools({1, 0})), "tensor([ True, False])");
  EXPECT_EQ(P(at::tensor({1e-5f, 1.0f})), "tensor([1.0e-05, 1.0e+00])");
  EXPECT_EQ(P(at::tensor({NAN, 1.0f, INFINITY})), "tensor([nan, 1., inf])");
}

TEST(TensorPrint, DtypeAndGradNotes) {
  EXPECT_EQ(P(at::tensor({1.0, 2.5})), "tensor([1.0, 2.5], dtype=float64)");
  EXPECT_EQ(P(at::tensor({1, 2}, at::kInt)), "tensor([1, 2], dtype=int32)");
  at::Tensor x = at::tensor({1.0f, 2.0f}).requires_grad_();
  EXPECT_EQ(P(x), "tensor([1., 2.], requires_grad=True)");
  EXPECT_EQ(P((x * 2).sum()), "tensor(6., grad_fn=<SumBackward0>)");
}

TEST(TensorPrint, MatricesEmptyAndSummarized) {
  EXPECT_EQ(P(at::arange(4, at::kFloat).reshape({2, 2})), "tensor([[0., 1.],\n        [2., 3.]])");
  EXPECT_EQ(P(at::zeros({2, 1, 1})), "tensor([[[0.]],\n\n        [[0.]]])");
  EXPECT_EQ(P(at::zeros({0})), "tensor([])");
  EXPECT_EQ(P(at::zeros({0, 3})), "tensor([], size=(0, 3))");
  EXPECT_EQ(P(at::zeros({0}, at::kLong)), "tensor([], dtype=int64)");
  EXPECT_EQ(P(at::arange(2000)), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");
}

TEST(TensorPrint, LongRowsWrapAtEightyColumns) {
  const std::string s = P(at::arange(30, at::kFloat));
  EXPECT_EQ(s.substr(0, s.find('\n')),
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,");
  EXPECT_EQ(s.substr(s.find('\n') + 1, 12), "        14.,");
}

TEST(TensorPrint, ScalarsForParameters) {
  EXPECT_EQ(print_scalar(at::scalar_tensor(0.1f)), "0.1");
  EXPECT_EQ(print_scalar(at::scalar_tensor(1.0f)), "1.0");
  EXPECT_EQ(print_scalar(at::scalar_tensor(1e-5, at::kDouble)), "1e-05");
  EXPECT_EQ(print_scalar(at::scalar_tensor(123456.0f)), "123456.0");
  EXPECT_EQ(print_scalar(at::scalar_tensor(3L, at::kLong)), "3");
}

}  // namespace
}  // namespace kiln::rt::testing
