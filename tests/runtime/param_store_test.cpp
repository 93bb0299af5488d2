// The param store's get-or-init and bookkeeping, and param sites.
#include "runtime/param_store.h"

#include <ATen/ATen.h>

#include "runtime/effects.h"
#include "runtime_test_util.h"

namespace kiln::rt::testing {
namespace {

class ParamStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ParamStore::global().clear(); }
  void TearDown() override { ParamStore::global().clear(); }
  ParamStore& store = ParamStore::global();
};

TEST_F(ParamStoreTest, InitializesOnceWithALeafCopy) {
  const at::Tensor init = at::ones({2});
  int calls = 0;
  const at::Tensor a = store.get_or_init("w", [&] {
    ++calls;
    return init;
  });
  const at::Tensor b = store.get_or_init("w", [&] {
    ++calls;
    return at::zeros({2});
  });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(a.is_same(b));
  EXPECT_TRUE(a.requires_grad());
  EXPECT_TRUE(a.is_leaf());
  a.detach().add_(1);  // an optimizer step never touches the program's init
  EXPECT_TRUE(at::equal(init, at::ones({2})));
}

TEST_F(ParamStoreTest, IntegerInitsBecomeFloat) {
  EXPECT_EQ(store.get_or_init("n", [] { return at::arange(3); }).scalar_type(), at::kFloat);
}

TEST_F(ParamStoreTest, NamesInOrderEraseAndGet) {
  store.set("b", at::zeros({}));
  store.set("a", at::zeros({}));
  store.set("b", at::ones({}));
  EXPECT_EQ(store.names(), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(store.get("b").item<float>(), 1.0f);
  EXPECT_TRUE(store.erase("b"));
  EXPECT_FALSE(store.erase("b"));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(error_of([&] { store.get("b"); }), "param 'b' is not in the param store");
}

TEST_F(ParamStoreTest, ParamSitesGetOrInit) {
  const Value init = list_of({Value(1.0), Value(2.0)});
  const Value w = effect_param(make_str("w"), &init, CallArgs{});
  EXPECT_TRUE(T(w).requires_grad());
  const Value other = Value(5.0);
  const Value again = effect_param(make_str("w"), &other, CallArgs{});
  EXPECT_TRUE(T(again).is_same(T(w)));
  EXPECT_TRUE(T(effect_param(make_str("w"), nullptr, CallArgs{})).is_same(T(w)));
  // A function init is called once, lazily.
  const Value maker = builtin_value(*find_builtin("zeros"));
  EXPECT_EQ(T(effect_param(make_str("z"), &maker, CallArgs{})).dim(), 0);
}

}  // namespace
}  // namespace kiln::rt::testing
