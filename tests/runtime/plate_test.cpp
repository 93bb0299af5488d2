// Plates: batch dims from the right, broadcasting, subsampling and its
// scale, sequential plates, and their errors.
#include <ATen/ATen.h>

#include "runtime/effects.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/plate_messenger.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/normal.h"
#include "stdlib/random.h"

namespace kiln::rt::testing {
namespace {

class Recorder final : public Messenger {
 public:
  void postprocess(Message& msg) override { seen.push_back(msg); }
  std::vector<Message> seen;
};

Value standard_normal() { return Normal::make(Value(0.0), Value(1.0)); }
Value sample(const std::string& name, const Value& dist) {
  return effect_sample(make_str(name), dist, nullptr, CallArgs{});
}
Value enter(const std::string& name, int64_t size, const Keywords& kw = {}) {
  const ArgList args = make_args({}, kw);
  return effect_plate_enter(make_str(name), Value(size), args.view());
}
void exit_plate(const std::string& name) { effect_plate_exit(make_str(name)); }

TEST(Plate, NestedPlatesTakeDimsFromTheRight) {
  Recorder rec;
  HandlerScope scope(rec);
  enter("outer", 3);
  enter("inner", 4);
  const Value z = sample("z", standard_normal());
  exit_plate("inner");
  const Value y = sample("y", standard_normal());
  exit_plate("outer");
  EXPECT_EQ(T(z).sizes(), at::IntArrayRef({4, 3}));
  EXPECT_EQ(T(y).sizes(), at::IntArrayRef({3}));
  const auto& frames = rec.seen[0].cond_indep_stack;
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].name, "outer");  // outermost first
  EXPECT_EQ(frames[0].dim, -1);
  EXPECT_EQ(frames[1].name, "inner");
  EXPECT_EQ(frames[1].dim, -2);
  EXPECT_EQ(handler_stack_depth(), 1u);
}

TEST(Plate, BroadcastsDistributionsAndChecksSizes) {
  enter("data", 5);
  const Value ok = sample("a", Normal::make(tensor_value(at::zeros({5})), Value(1.0)));
  EXPECT_EQ(T(ok).sizes(), at::IntArrayRef({5}));
  const Value wide = sample("b", Normal::make(tensor_value(at::zeros({2, 1})), Value(1.0)));
  EXPECT_EQ(T(wide).sizes(), at::IntArrayRef({2, 5}));
  EXPECT_EQ(error_of([] { sample("x", Normal::make(tensor_value(at::zeros({3})), Value(1.0))); }),
            "plate 'data' has size 5 but site 'x' has batch shape (3,) (dim -1 is 3)");
  exit_plate("data");
}

TEST(Plate, SubsampleScalesBySizeOverSubsampleSize) {
  seed_global_generator(5);
  Recorder rec;
  HandlerScope scope(rec);
  const Value idx = enter("data", 100, {{"subsample_size", Value(10)}});
  const Value x = sample("x", standard_normal());
  exit_plate("data");
  EXPECT_EQ(T(idx).sizes(), at::IntArrayRef({10}));
  EXPECT_EQ(T(idx).scalar_type(), at::kLong);
  EXPECT_EQ(std::get<0>(at::_unique(T(idx))).numel(), 10);
  EXPECT_TRUE(((T(idx) >= 0) & (T(idx) < 100)).all().item<bool>());
  EXPECT_EQ(T(x).sizes(), at::IntArrayRef({10}));
  // The random subsample is a site of its own (replay hands it on).
  ASSERT_EQ(rec.seen.size(), 2u);
  EXPECT_EQ(rec.seen[0].type, MessageType::kSubsample);
  EXPECT_EQ(rec.seen[0].name, "data");
  EXPECT_TRUE(at::equal(T(*rec.seen[0].value), T(idx)));
  EXPECT_DOUBLE_EQ(rec.seen[1].scale, 10.0);
  EXPECT_EQ(rec.seen[1].cond_indep_stack[0].size, 10);
  // The same seed draws the same subsample.
  seed_global_generator(5);
  const Value again = enter("data", 100, {{"subsample_size", Value(10)}});
  exit_plate("data");
  EXPECT_TRUE(at::equal(T(idx), T(again)));
}

TEST(Plate, ExplicitSubsampleAndPinnedDim) {
  Recorder rec;
  HandlerScope scope(rec);
  const Value idx =
      enter("data", 10, {{"subsample", list_of({Value(1), Value(3)})}, {"dim", Value(-2)}});
  const Value x = sample("x", standard_normal());
  exit_plate("data");
  EXPECT_TRUE(at::equal(T(idx), at::tensor({1L, 3L})));
  EXPECT_EQ(T(x).sizes(), at::IntArrayRef({2, 1}));
  EXPECT_DOUBLE_EQ(rec.seen[0].scale, 5.0);
}

TEST(Plate, ASubsampleWithoutSizeIsTheWholePlate) {
  ArgList kw;
  kw.push_kw("subsample", list_of({Value(5), Value(9)}));
  const Value idx = effect_plate_enter(make_str("data"), Value(), kw.view());
  const Value x = sample("x", standard_normal());
  exit_plate("data");
  EXPECT_TRUE(at::equal(T(idx), at::tensor({5L, 9L})));
  EXPECT_EQ(T(x).sizes(), at::IntArrayRef({2}));
  EXPECT_EQ(error_of([] { effect_plate_enter(make_str("p"), Value(), CallArgs{}); }),
            "plate 'p' needs a size");
}

TEST(Plate, SequentialPlatesRecordTheIterationWithoutADim) {
  Recorder rec;
  HandlerScope scope(rec);
  for (int64_t i = 0; i < 2; ++i) {
    effect_seq_plate_enter(make_str("seq"), Value(i));
    sample("x_" + std::to_string(i), standard_normal());
    exit_plate("seq");
  }
  ASSERT_EQ(rec.seen.size(), 2u);
  EXPECT_FALSE(rec.seen[1].cond_indep_stack[0].vectorized);
  EXPECT_EQ(rec.seen[1].cond_indep_stack[0].counter, 1);
  EXPECT_EQ(T(*rec.seen[1].value).dim(), 0);
  EXPECT_DOUBLE_EQ(rec.seen[1].scale, 1.0);
}

TEST(Plate, Errors) {
  enter("a", 2);
  EXPECT_EQ(error_of([] { enter("a", 3); }), "plate 'a' is already active");
  EXPECT_EQ(error_of([] {
              enter("b", 3, {{"dim", Value(-1)}});
            }),
            "plate 'b': dim -1 is already used by an enclosing plate");
  EXPECT_THROW(exit_plate("b"), InternalError);
  exit_plate("a");
  EXPECT_EQ(error_of([] { enter("c", 0); }), "plate 'c': size must be positive, got 0");
  EXPECT_EQ(error_of([] {
              enter("c", 5, {{"subsample_size", Value(6)}});
            }),
            "plate 'c': subsample_size must be in [1, 5], got 6");
  EXPECT_EQ(error_of([] {
              enter("c", 5, {{"subsample", list_of({Value(7)})}});
            }),
            "plate 'c': subsample indices must lie in [0, 5)");
  EXPECT_EQ(handler_stack_depth(), 0u);
}

}  // namespace
}  // namespace kiln::rt::testing
