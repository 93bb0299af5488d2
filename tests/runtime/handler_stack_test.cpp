// apply_stack's order and default behaviour, and how messengers are
// installed and removed.
#include "runtime/handlers/handler_stack.h"

#include <ATen/ATen.h>

#include "runtime/effects.h"
#include "runtime/param_store.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/normal.h"

namespace kiln::rt::testing {
namespace {

// Appends "<name>.process" / "<name>.postprocess" to a shared log.
class LoggingMessenger final : public Messenger {
 public:
  LoggingMessenger(std::string name, std::vector<std::string>& log, bool stop = false)
      : name_(std::move(name)), log_(log), stop_(stop) {}
  void enter() override { log_.push_back(name_ + ".enter"); }
  void exit() override { log_.push_back(name_ + ".exit"); }
  void process(Message& msg) override {
    log_.push_back(name_ + ".process");
    if (stop_) msg.stop = true;
  }
  void postprocess(Message& msg) override {
    log_.push_back(name_ + ".postprocess" + (msg.value ? "(has value)" : ""));
  }

 private:
  std::string name_;
  std::vector<std::string>& log_;
  bool stop_;
};

// Sets every sample site's value, as replay/condition would.
class SetValueMessenger final : public Messenger {
 public:
  void process(Message& msg) override { msg.value = Value(42.0); }
};

Message sample_site(const std::string& name) {
  Message msg;
  msg.type = MessageType::kSample;
  msg.name = name;
  msg.fn = Normal::make(Value(0.0), Value(1.0));
  return msg;
}

using Log = std::vector<std::string>;

TEST(HandlerStack, ProcessesInnermostFirstAndPostprocessesBack) {
  Log log;
  LoggingMessenger outer("outer", log), inner("inner", log);
  {
    HandlerScope a(outer);
    HandlerScope b(inner);
    Message msg = sample_site("z");
    msg.continuation = [&](Message&) { log.push_back("continuation"); };
    apply_stack(msg);
    EXPECT_TRUE(msg.done);
    ASSERT_TRUE(msg.value.has_value());
    EXPECT_TRUE(is_tensor(*msg.value));
  }
  EXPECT_EQ(log, (Log{"outer.enter", "inner.enter", "inner.process", "outer.process",
                      "outer.postprocess(has value)", "inner.postprocess(has value)",
                      "continuation", "inner.exit", "outer.exit"}));
  EXPECT_EQ(handler_stack_depth(), 0u);
}

TEST(HandlerStack, StopHidesTheMessageFromOuterMessengersButTheDefaultStillRuns) {
  Log log;
  LoggingMessenger outer("outer", log), inner("inner", log, /*stop=*/true);
  HandlerScope a(outer);
  HandlerScope b(inner);
  Message msg = sample_site("z");
  apply_stack(msg);
  EXPECT_TRUE(msg.value.has_value());
  EXPECT_EQ(log,
            (Log{"outer.enter", "inner.enter", "inner.process", "inner.postprocess(has value)"}));
}

TEST(HandlerStack, DefaultKeepsAValueAHandlerSet) {
  SetValueMessenger set;
  HandlerScope scope(set);
  Message msg = sample_site("z");
  apply_stack(msg);
  EXPECT_DOUBLE_EQ(msg.value->as_float(), 42.0);
  EXPECT_TRUE(msg.done);
}

TEST(HandlerStack, ScopesPopOnExceptions) {
  Log log;
  LoggingMessenger m("m", log);
  EXPECT_THROW(
      {
        HandlerScope scope(m);
        raise("boom");
      },
      KilnError);
  EXPECT_EQ(handler_stack_depth(), 0u);
  EXPECT_EQ(log, (Log{"m.enter", "m.exit"}));
}

TEST(HandlerStack, UnwindRemovesOwnedMessengers) {
  Log log;
  push_owned_messenger(std::make_unique<LoggingMessenger>("a", log));
  push_owned_messenger(std::make_unique<LoggingMessenger>("b", log));
  EXPECT_EQ(handler_stack_depth(), 2u);
  unwind_handler_stack(0);
  EXPECT_EQ(handler_stack_depth(), 0u);
  EXPECT_EQ(log, (Log{"a.enter", "b.enter", "b.exit", "a.exit"}));
}

TEST(HandlerStack, DefaultParamComesFromTheStore) {
  ParamStore::global().clear();
  Message msg;
  msg.type = MessageType::kParam;
  msg.name = "w";
  msg.param_init = tensor_value(at::ones({2}));
  apply_stack(msg);
  EXPECT_TRUE(T(*msg.value).requires_grad());
  EXPECT_TRUE(ParamStore::global().contains("w"));
  Message again;
  again.type = MessageType::kParam;
  again.name = "w";
  apply_stack(again);
  EXPECT_TRUE(T(*again.value).is_same(T(*msg.value)));
  ParamStore::global().clear();
}

// Records a copy of every message after postprocessing.
class Recorder final : public Messenger {
 public:
  void postprocess(Message& msg) override { seen.push_back(msg); }
  std::vector<Message> seen;
};

TEST(Effects, SampleObserveFactorDeterministic) {
  Recorder rec;
  HandlerScope scope(rec);
  const Value dist = Normal::make(Value(0.0), Value(1.0));
  const Value obs = Value(3.0);
  const Value x = effect_sample(make_str("x"), dist, &obs, CallArgs{});
  EXPECT_TRUE(x.is_float());  // obs= is returned as given
  const Value z = effect_sample(make_str("z"), dist, nullptr, CallArgs{});
  EXPECT_TRUE(is_tensor(z));
  effect_observe(make_str("y"), dist, Value(1.0));
  effect_factor(make_str("f"), Value(-2.5));
  const Value d = effect_deterministic(make_str("d"), Value(4.0));
  EXPECT_DOUBLE_EQ(d.as_float(), 4.0);
  ASSERT_EQ(rec.seen.size(), 5u);
  EXPECT_TRUE(rec.seen[0].is_observed);
  EXPECT_FALSE(rec.seen[1].is_observed);
  EXPECT_TRUE(rec.seen[2].is_observed);
  const Distribution* unit = as_distribution(rec.seen[3].fn);
  EXPECT_EQ(unit->name(), "Unit");
  EXPECT_FLOAT_EQ(unit->log_prob(T(*rec.seen[3].value)).item<float>(), -2.5f);
  EXPECT_EQ(as_distribution(rec.seen[4].fn)->name(), "Delta");
  EXPECT_FALSE(truthy(rec.seen[4].mask));
  EXPECT_EQ(to_str(rec.seen[4].infer), "{'_deterministic': True}");
}

TEST(Effects, SiteErrorsNameTheSite) {
  EXPECT_EQ(error_of([] { effect_sample(make_str("z"), Value(1.0), nullptr, CallArgs{}); }),
            "sample site 'z': expected a distribution, got float");
  EXPECT_EQ(error_of([] { effect_sample(Value(3), Value(1.0), nullptr, CallArgs{}); }),
            "sample site name must be a str, got int");
  ArgList kw;
  kw.push_kw("constraint", make_str("positive"));
  EXPECT_EQ(error_of([&] { effect_param(make_str("w"), nullptr, kw.view()); }),
            "param site 'w': constraint= must be a constraint, got str");
  ParamStore::global().clear();
  EXPECT_EQ(error_of([] { effect_param(make_str("w"), nullptr, CallArgs{}); }),
            "param 'w' is not in the param store and has no initial value");
}

}  // namespace
}  // namespace kiln::rt::testing
