// Indexing tensor values as PyTorch does.
#include <ATen/ATen.h>

#include "runtime_test_util.h"

namespace kiln::rt::testing {
namespace {

Value slice(Value lo, Value hi, Value step = Value()) {
  return make_value(new SliceObject(std::move(lo), std::move(hi), std::move(step)));
}

Value matrix() { return tensor_value(at::arange(12, at::kLong).reshape({3, 4})); }

TEST(TensorIndexing, IntsSelectAndCountFromTheEnd) {
  EXPECT_EQ(to_str(get_item(matrix(), Value(1))), "tensor([4, 5, 6, 7])");
  EXPECT_EQ(to_str(get_item(matrix(), Value(-1))), "tensor([ 8,  9, 10, 11])");
  EXPECT_EQ(to_str(get_item(matrix(), tuple_of({Value(1), Value(2)}))), "tensor(6)");
  EXPECT_EQ(error_of([&] { get_item(matrix(), Value(3)); }),
            "index 3 is out of bounds for dim 0 with size 3");
}

TEST(TensorIndexing, SlicesNoneAndEllipsis) {
  const Value col = get_item(matrix(), tuple_of({slice(Value(), Value()), Value(0)}));
  EXPECT_EQ(to_str(col), "tensor([0, 4, 8])");
  const Value step = get_item(matrix(), tuple_of({Value(0), slice(Value(1), Value(), Value(2))}));
  EXPECT_EQ(to_str(step), "tensor([1, 3])");
  EXPECT_EQ(T(get_item(matrix(), tuple_of({Value(), slice(Value(), Value())}))).sizes(),
            at::IntArrayRef({1, 3, 4}));
  EXPECT_EQ(to_str(get_item(matrix(), tuple_of({make_str("..."), Value(-1)}))),
            "tensor([ 3,  7, 11])");
  EXPECT_EQ(error_of([&] { get_item(matrix(), slice(Value(), Value(), Value(-1))); }),
            "tensor slices need a positive step");
}

TEST(TensorIndexing, TensorsAndListsIndexAdvanced) {
  const Value rows = get_item(matrix(), list_of({Value(2), Value(0)}));
  EXPECT_EQ(T(rows).sizes(), at::IntArrayRef({2, 4}));
  EXPECT_EQ(T(rows)[0][0].item<int64_t>(), 8);
  const Value mask = tensor_value(bools({1, 0, 1}));
  EXPECT_EQ(T(get_item(matrix(), mask)).sizes(), at::IntArrayRef({2, 4}));
  const Value idx = tensor_value(at::tensor({1L, 1L}));
  EXPECT_EQ(to_str(get_item(get_item(matrix(), Value(0)), idx)), "tensor([1, 1])");
  EXPECT_EQ(error_of([&] { get_item(matrix(), tensor_value(at::ones({1}))); }),
            "tensors used as indices must be int or bool tensors, got a Float tensor");
}

TEST(TensorIndexing, SetItemUpdatesInPlaceThroughAliases) {
  const Value m = tensor_value(at::zeros({2, 3}));
  const Value alias = m;
  set_item(m, tuple_of({Value(0), slice(Value(), Value())}), Value(1.5));
  set_item(m, tuple_of({Value(1), Value(2)}), tensor_value(at::scalar_tensor(7.0f)));
  EXPECT_EQ(to_str(alias), "tensor([[1.5, 1.5, 1.5],\n        [0.0, 0.0, 7.0]])");
  const Value leaf = tensor_value(at::zeros({2}).requires_grad_());
  EXPECT_NE(error_of([&] { set_item(leaf, Value(0), Value(1.0)); }).find("leaf"),
            std::string::npos);
}

TEST(TensorIndexing, LengthAndIteration) {
  EXPECT_EQ(length(matrix()), 3);
  EXPECT_EQ(to_vector(matrix()).size(), 3u);
  EXPECT_EQ(error_of([&] { length(tensor_value(at::zeros({}))); }), "len() of a 0-dim tensor");
}

}  // namespace
}  // namespace kiln::rt::testing
