// The param store: get-or-init, constraints (unconstrained leaves,
// constrained values with gradients), modules, param sites, the language's
// store object, and saving and loading files — including every way a file
// can be foreign, truncated or corrupt, after which the store is unchanged.
#include "runtime/param_store.h"

#include <ATen/ATen.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "runtime/crc32.h"
#include "runtime/effects.h"
#include "runtime/param_store_file.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/constraint.h"

namespace kiln::rt::testing {
namespace {

// gtest alone (the binary does not link gmock): "text contains part".
::testing::AssertionResult has_text(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

class ParamStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ParamStore::global().clear(); }
  void TearDown() override { ParamStore::global().clear(); }
  ParamStore& store = ParamStore::global();
};

const Value& positive() { return constraint_of(ConstraintKind::kPositive); }
at::Tensor f64(double x) { return at::scalar_tensor(x, at::kDouble); }

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
  EXPECT_TRUE(a.is_same(b));  // unconstrained: the site returns the leaf itself
  EXPECT_TRUE(a.requires_grad());
  EXPECT_TRUE(a.is_leaf());
  a.detach().add_(1);  // an optimizer step never touches the program's init
  EXPECT_TRUE(at::equal(init, at::ones({2})));
  EXPECT_EQ(as_constraint(store.constraint("w"))->kind(), ConstraintKind::kReal);
}

TEST_F(ParamStoreTest, IntegerInitsBecomeFloat) {
  EXPECT_EQ(store.get_or_init("n", [] { return at::arange(3); }).scalar_type(), at::kFloat);
}

TEST_F(ParamStoreTest, NamesInOrderEraseAndLookups) {
  store.set("b", at::zeros({}));
  store.set("a", at::zeros({}));
  store.set("b", at::ones({}));
  EXPECT_EQ(store.names(), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(store.constrained("b").item<float>(), 1.0f);
  EXPECT_TRUE(store.erase("b"));
  EXPECT_FALSE(store.erase("b"));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(error_of([&] { store.constrained("b"); }), "param 'b' is not in the param store");
  EXPECT_EQ(error_of([&] { store.unconstrained("b"); }), "param 'b' is not in the param store");
  EXPECT_EQ(error_of([&] { store.constraint("b"); }), "param 'b' is not in the param store");
}

// ---------------------------------------------------------------- constraints

TEST_F(ParamStoreTest, StoresTheUnconstrainedLeafAndReturnsTheConstrainedValue) {
  const at::Tensor init = at::tensor({2.0, 0.5}, at::kDouble);
  const at::Tensor y = store.get_or_init("s", [&] { return init; }, positive());
  const at::Tensor u = store.unconstrained("s");
  EXPECT_TRUE(u.is_leaf());
  EXPECT_TRUE(u.requires_grad());
  EXPECT_TRUE(at::allclose(u, at::tensor({std::log(2.0), std::log(0.5)}, at::kDouble), 0, 1e-15));
  EXPECT_TRUE(at::allclose(y, at::tensor({2.0, 0.5}, at::kDouble), 0, 1e-15));
  EXPECT_FALSE(y.is_leaf());  // a function of u, so gradients reach u
  EXPECT_EQ(to_str(store.constraint("s")), "constraints.positive");
  EXPECT_TRUE(at::allclose(store.constrained("s"), y, 0, 0));
}

TEST_F(ParamStoreTest, GradientsReachTheUnconstrainedLeaf) {
  const at::Tensor s = store.get_or_init("s", [] { return f64(2.0); }, positive());
  (s * s).backward();  // d(exp(u)^2)/du = 2 s^2
  EXPECT_NEAR(store.unconstrained("s").grad().item<double>(), 8.0, 1e-12);

  const Value unit = interval(f64(0.0), f64(2.0));
  const at::Tensor p = store.get_or_init("p", [] { return f64(0.5); }, unit);
  p.backward();  // p = 2 sigmoid(u), sigmoid(u) = 0.25: dp/du = 2 * 0.25 * 0.75
  EXPECT_NEAR(store.unconstrained("p").grad().item<double>(), 0.375, 1e-12);
  EXPECT_NEAR(store.unconstrained("p").item<double>(), std::log(0.25 / 0.75), 1e-12);
}

TEST_F(ParamStoreTest, EachSiteRecomputesTheConstrainedValue) {
  ArgList kw;
  kw.push_kw("constraint", positive());
  const Value init = tensor_value(at::tensor({1.0f, 3.0f}));
  const Value a = effect_param(make_str("s"), &init, kw.view());
  const Value b = effect_param(make_str("s"), nullptr, CallArgs{});
  EXPECT_FALSE(T(a).is_same(T(b)));
  EXPECT_TRUE(at::equal(T(a), T(b)));
  EXPECT_TRUE(T(b).grad_fn() != nullptr);
  EXPECT_TRUE(at::allclose(T(a), at::tensor({1.0f, 3.0f})));
}

TEST_F(ParamStoreTest, InitsViolatingTheConstraintAreErrorsAndStoreNothing) {
  auto init_error = [&](const at::Tensor& init, ConstraintKind kind) {
    return error_of([&] { store.get_or_init("s", [&] { return init; }, constraint_of(kind)); });
  };
  EXPECT_EQ(init_error(at::tensor({1.0f, -1.0f, 2.0f}), ConstraintKind::kPositive),
            "param 's': initial value is outside constraints.positive (x > 0), but value[1] = -1.0");
  EXPECT_EQ(init_error(at::scalar_tensor(-3.0), ConstraintKind::kPositive),
            "param 's': initial value is outside constraints.positive (x > 0), got -3.0");
  EXPECT_EQ(init_error(at::tensor({0.5f, 0.6f}), ConstraintKind::kSimplex),
            "param 's': initial value is outside constraints.simplex (nonnegative entries summing to 1 "
            "along the last dim), but value[0] = 0.5");
  // x >= 0 holds at 0, but log(0) is not a finite unconstrained value.
  EXPECT_EQ(init_error(at::tensor({1.0f, 0.0f}), ConstraintKind::kNonnegative),
            "param 's': initial value must lie strictly inside constraints.nonnegative (on its boundary "
            "the unconstrained value is infinite), but value[1] = 0.0");
  EXPECT_TRUE(has_text(init_error(at::scalar_tensor(0.5), ConstraintKind::kSimplex),
                       "param 's': constraints.simplex applies to events of 1 dims"));
  EXPECT_EQ(store.size(), 0u);
}

TEST_F(ParamStoreTest, ALaterConstraintIsIgnoredAsInPyro) {
  store.get_or_init("s", [] { return at::scalar_tensor(2.0); }, positive());
  const Value other = interval(f64(0.0), f64(1.0));
  const at::Tensor again = store.get_or_init("s", [] { return at::scalar_tensor(-5.0); }, other);
  EXPECT_FLOAT_EQ(again.item<float>(), 2.0f);
  EXPECT_EQ(to_str(store.constraint("s")), "constraints.positive");
}

TEST_F(ParamStoreTest, SetKeepsOrReplacesTheConstraint) {
  store.set("s", at::scalar_tensor(2.0), positive());
  store.set("s", at::scalar_tensor(4.0));
  EXPECT_EQ(to_str(store.constraint("s")), "constraints.positive");
  EXPECT_NEAR(store.unconstrained("s").item<float>(), std::log(4.0), 1e-6);
  EXPECT_EQ(error_of([&] { store.set("s", at::scalar_tensor(-1.0)); }),
            "param 's': value is outside constraints.positive (x > 0), got -1.0");
  EXPECT_NEAR(store.constrained("s").item<float>(), 4.0, 1e-5);  // unchanged by the failed set
  store.set("s", at::scalar_tensor(-1.0), Value());
  EXPECT_EQ(to_str(store.constraint("s")), "constraints.real");
}

TEST_F(ParamStoreTest, NamedUnconstrainedListsTheLeavesInOrder) {
  store.set("b", at::scalar_tensor(1.0), positive());
  store.set("a", at::zeros({2}));
  const auto named = store.named_unconstrained();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "b");
  EXPECT_TRUE(named[0].second.is_same(store.unconstrained("b")));
  EXPECT_EQ(named[1].first, "a");
}

TEST_F(ParamStoreTest, ModuleParamsShareTheModulesTensors) {
  const at::Tensor w = at::randn({2, 3}).requires_grad_(true);
  const at::Tensor b = at::zeros({2}).requires_grad_(true);
  const auto stored = store.register_module_params("net", {{"layer.weight", w}, {"layer.bias", b}});
  EXPECT_EQ(store.names(), (std::vector<std::string>{"net$$$layer.weight", "net$$$layer.bias"}));
  EXPECT_TRUE(stored[0].is_same(w));
  EXPECT_TRUE(store.unconstrained("net$$$layer.weight").is_same(w));
  // Registering again (a second module() call) keeps what the store holds.
  const auto again =
      store.register_module_params("net", {{"layer.weight", at::zeros({2, 3}).requires_grad_(true)}});
  EXPECT_TRUE(again[0].is_same(w));
  const std::string error = error_of([&] { store.register_module_params("net", {{"x", w * 2}}); });
  EXPECT_TRUE(has_text(error, "param 'net$$$x': a param must be a leaf tensor"));
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

TEST_F(ParamStoreTest, ParamSitesCheckConstraintAndEventDim) {
  const Value init = Value(1.0);
  auto site_error = [&](const std::string& key, const Value& v) {
    ArgList kw;
    kw.push_kw(key, v);
    return error_of([&] { effect_param(make_str("w"), &init, kw.view()); });
  };
  EXPECT_EQ(site_error("constraint", make_str("positive")),
            "param site 'w': constraint= must be a constraint, got str");
  EXPECT_TRUE(has_text(site_error("constraint", constraint_of(ConstraintKind::kBoolean)),
                       "param site 'w': constraint=constraints.boolean is discrete"));
  EXPECT_EQ(site_error("event_dim", Value(-1)),
            "param site 'w': event_dim= must be a non-negative int, got -1");
  EXPECT_TRUE(has_text(site_error("event_dim", Value(1.5)), "must be an int, got float"));
  EXPECT_EQ(store.size(), 0u);
}

// ---------------------------------------------------------------- the language's view

TEST_F(ParamStoreTest, StoreObjectListsIndexesAndPrints) {
  const Value obj = call_builtin("get_param_store", {});
  EXPECT_TRUE(obj.identical(call_builtin("get_param_store", {})));
  EXPECT_EQ(to_str(obj), "ParamStore (empty)");
  store.set("a", at::tensor({1.0f, 2.0f}), positive());
  store.set("b", f64(-1.0));
  EXPECT_EQ(to_str(obj),
            "ParamStore with 2 params:\n"
            "name  shape  dtype    constraint\n"
            "a     (2,)   float32  positive\n"
            "b     ()     float64  real");
  EXPECT_EQ(to_str(call_method_of(obj, "keys")), "['a', 'b']");
  EXPECT_EQ(length(obj), 2);
  EXPECT_TRUE(at::allclose(T(get_item(obj, make_str("a"))), at::tensor({1.0f, 2.0f})));
  EXPECT_EQ(to_str(call_method_of(obj, "constraint", {make_str("a")})), "constraints.positive");
  EXPECT_TRUE(T(call_method_of(obj, "unconstrained", {make_str("a")})).is_same(store.unconstrained("a")));
  const Value items = call_method_of(obj, "items");
  EXPECT_EQ(length(items), 2);
  EXPECT_TRUE(call_method_of(obj, "get", {make_str("zz")}).is_none());
  EXPECT_EQ(call_method_of(obj, "get", {make_str("zz"), Value(3)}).as_int(), 3);
  EXPECT_EQ(error_of([&] { get_item(obj, make_str("zz")); }), "param 'zz' is not in the param store");
  call_builtin("clear_param_store", {});
  EXPECT_EQ(store.size(), 0u);
}

// ---------------------------------------------------------------- files

// A snapshot of everything the store holds, to prove a failed load changed nothing.
struct Snapshot {
  std::vector<std::string> names;
  std::vector<at::Tensor> leaves;
  std::vector<std::string> constraints;
};

Snapshot snapshot(const ParamStore& s) {
  Snapshot out;
  for (const auto& e : s.entries()) {
    out.names.push_back(e.name);
    out.leaves.push_back(e.unconstrained);
    out.constraints.push_back(to_str(e.constraint));
  }
  return out;
}

void expect_unchanged(const Snapshot& before, const ParamStore& s) {
  const Snapshot now = snapshot(s);
  ASSERT_EQ(now.names, before.names);
  EXPECT_EQ(now.constraints, before.constraints);
  for (size_t i = 0; i < now.leaves.size(); ++i) EXPECT_TRUE(now.leaves[i].is_same(before.leaves[i]));
}

void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A file in the documented layout (docs/param_store_format.md), written
// independently of save_params so the reader is checked against the spec.
std::string param_file(const std::string& header, const std::string& data, uint32_t version = 1) {
  std::string out = "KILN-PARAMS\n";
  auto put = [&](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  put(version, 4);
  put(header.size(), 8);
  put(data.size(), 8);
  out += header + data;
  put(crc32(out), 4);
  return out;
}

std::string float_bytes(std::initializer_list<float> values) {
  std::string out;
  for (float v : values) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  }
  return out;
}

class ParamFileTest : public ParamStoreTest {
 protected:
  void SetUp() override {
    ParamStoreTest::SetUp();
    dir = std::filesystem::temp_directory_path() / ("kiln_param_store_test." + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir);
    ParamStoreTest::TearDown();
  }

  // A store with every kind of thing a file must carry: dtypes, shapes,
  // scalar and tensor bounds, event constraints.
  void fill() {
    store.set("scale", at::tensor({0.5f, 1.0f, 2.0f}), positive());
    store.set("loc", f64(-1.25));
    store.set("p", at::tensor({0.5, -0.5, 1.5, 0.0}, at::kDouble).reshape({2, 2}),
              interval(f64(-1.0), f64(2.0)));
    store.set("above", at::tensor({0.5f, 1.5f}), greater_than(at::tensor({0.0f, 1.0f})));
    store.set("rows", at::full({2, 3}, 3.0f), independent(positive(), 1));
    store.set("w", at::tensor({0.2f, 0.3f, 0.5f}), constraint_of(ConstraintKind::kSimplex));
  }

  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::filesystem::path dir;
};

TEST(ParamStoreFile, Crc32MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("6789", crc32("12345")), 0xCBF43926u);
}

TEST_F(ParamFileTest, SaveClearLoadRoundTrips) {
  fill();
  const std::vector<ParamStore::Entry> before = store.entries();
  save_params(path("fit.params"));
  store.clear();
  load_params(path("fit.params"));
  const std::vector<ParamStore::Entry> after = store.entries();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    SCOPED_TRACE(before[i].name);
    EXPECT_EQ(after[i].name, before[i].name);
    EXPECT_EQ(after[i].unconstrained.scalar_type(), before[i].unconstrained.scalar_type());
    EXPECT_TRUE(at::equal(after[i].unconstrained, before[i].unconstrained));  // bit for bit
    EXPECT_TRUE(after[i].unconstrained.is_leaf());
    EXPECT_TRUE(after[i].unconstrained.requires_grad());
    const Constraint* a = as_constraint(after[i].constraint);
    const Constraint* b = as_constraint(before[i].constraint);
    EXPECT_EQ(a->kind(), b->kind());
    EXPECT_EQ(a->name(), b->name());
    EXPECT_EQ(a->event_dim(), b->event_dim());
    for (auto bound : {&Constraint::lower, &Constraint::upper}) {
      const at::Tensor& x = (a->*bound)();
      const at::Tensor& y = (b->*bound)();
      ASSERT_EQ(x.defined(), y.defined());
      if (x.defined()) {
        EXPECT_EQ(x.scalar_type(), y.scalar_type());
        EXPECT_TRUE(at::equal(x, y));
      }
    }
  }
  EXPECT_EQ(store.unconstrained("loc").scalar_type(), at::kDouble);
  EXPECT_EQ(store.constrained("p").sizes().vec(), (std::vector<int64_t>{2, 2}));
  EXPECT_TRUE(at::allclose(store.constrained("w"), at::tensor({0.2f, 0.3f, 0.5f}), 1e-5, 1e-6));
  EXPECT_FALSE(std::filesystem::exists(path("fit.params.tmp." + std::to_string(::getpid()))));
}

TEST_F(ParamFileTest, LoadReplacesSameNamedParamsAndKeepsOthers) {
  store.set("a", at::scalar_tensor(1.0));
  store.set("b", at::scalar_tensor(2.0));
  save_params(path("ab.params"));
  store.clear();
  store.set("c", at::scalar_tensor(30.0));
  store.set("b", at::scalar_tensor(20.0), positive());
  load_params(path("ab.params"));
  EXPECT_EQ(store.names(), (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_FLOAT_EQ(store.constrained("b").item<float>(), 2.0f);
  EXPECT_EQ(to_str(store.constraint("b")), "constraints.real");
  EXPECT_FLOAT_EQ(store.constrained("c").item<float>(), 30.0f);
}

TEST_F(ParamFileTest, SaveOverwritesAtomicallyAndEmptyStoresRoundTrip) {
  save_params(path("x.params"));  // an empty store is a valid file
  store.set("a", at::scalar_tensor(1.0));
  save_params(path("x.params"));
  store.clear();
  load_params(path("x.params"));
  EXPECT_EQ(store.names(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
}

TEST_F(ParamFileTest, ForeignEmptyAndMissingFilesAreClearErrors) {
  fill();
  const Snapshot before = snapshot(store);
  write_bytes(path("image.png"), std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  EXPECT_EQ(error_of([&] { load_params(path("image.png")); }),
            path("image.png") + ": not a Kiln param file (bad magic)");
  write_bytes(path("empty"), "");
  EXPECT_EQ(error_of([&] { load_params(path("empty")); }),
            path("empty") + ": not a Kiln param file (the file is empty)");
  EXPECT_EQ(error_of([&] { load_params(path("missing")); }),
            path("missing") + ": cannot read params: No such file or directory");
  EXPECT_EQ(error_of([&] { load_params(dir.string()); }),
            dir.string() + ": cannot read params: Is a directory");
  expect_unchanged(before, store);
}

TEST_F(ParamFileTest, EveryTruncationIsAnErrorAndLeavesTheStoreAlone) {
  store.set("s", at::tensor({0.5f, 2.0f}), positive());
  store.set("p", f64(0.25), interval(f64(0.0), f64(1.0)));
  save_params(path("full.params"));
  const std::string bytes = read_bytes(path("full.params"));
  store.clear();
  store.set("keep", at::scalar_tensor(7.0));
  const Snapshot before = snapshot(store);
  for (size_t n = 0; n < bytes.size(); ++n) {
    SCOPED_TRACE("truncated to " + std::to_string(n) + " bytes");
    write_bytes(path("cut.params"), bytes.substr(0, n));
    const std::string error = error_of([&] { load_params(path("cut.params")); });
    EXPECT_TRUE(has_text(error, path("cut.params") + ": "));
    if (n > 0) {
      EXPECT_TRUE(has_text(error, "truncated: expected"));
    }
    expect_unchanged(before, store);
  }
  write_bytes(path("long.params"), bytes + "x");
  EXPECT_EQ(error_of([&] { load_params(path("long.params")); }),
            path("long.params") + ": corrupt: 1 unexpected bytes after the checksum");
}

TEST_F(ParamFileTest, EveryFlippedByteIsDetected) {
  store.set("s", at::tensor({0.5f, 2.0f}), positive());
  save_params(path("full.params"));
  const std::string bytes = read_bytes(path("full.params"));
  store.clear();
  store.set("keep", at::scalar_tensor(7.0));
  const Snapshot before = snapshot(store);
  const size_t data_byte = bytes.size() - 5;  // the last byte of the data section
  for (size_t i = 0; i < bytes.size(); ++i) {
    SCOPED_TRACE("byte " + std::to_string(i));
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    write_bytes(path("flip.params"), flipped);
    const std::string error = error_of([&] { load_params(path("flip.params")); });
    EXPECT_TRUE(has_text(error, path("flip.params") + ": "));
    if (i == data_byte) {
      EXPECT_TRUE(has_text(error, "checksum mismatch"));
    }
    expect_unchanged(before, store);
  }
}

TEST_F(ParamFileTest, HeadersAreCheckedFieldByField) {
  store.set("keep", at::scalar_tensor(7.0));
  const Snapshot before = snapshot(store);
  const std::string two_floats = float_bytes({1.5f, -2.0f});
  auto one_param = [](const std::string& fields) { return "{\"params\": [{" + fields + "}]}"; };
  const std::string real = R"("constraint": {"kind": "real"})";
  auto load_error = [&](const std::string& file) {
    write_bytes(path("crafted.params"), file);
    return error_of([&] { load_params(path("crafted.params")); });
  };
  struct Case {
    std::string file, expected;
  };
  const std::vector<Case> cases = {
      {param_file(
           one_param(R"("name": "x", "dtype": "float32", "shape": [2], "offset": 0, "length": 4, )" + real),
           two_floats),
       "params[0]: shape (2,) of float32 does not take 4 bytes"},
      {param_file(
           one_param(R"("name": "x", "dtype": "float32", "shape": [2], "offset": 4, "length": 8, )" + real),
           two_floats),
       "lie outside the 8-byte data section"},
      {param_file(
           one_param(R"("name": "x", "dtype": "complex64", "shape": [1], "offset": 0, "length": 8, )" + real),
           two_floats),
       "params[0].dtype: unknown dtype 'complex64'"},
      {param_file(
           one_param(R"("name": "x", "dtype": "int32", "shape": [2], "offset": 0, "length": 8, )" + real),
           two_floats),
       "param 'x' is not floating-point"},
      {param_file(one_param(R"("name": "x", "dtype": "float32", "shape": [2], "offset": 0, "length": 8, )"
                            R"("constraint": {"kind": "boolean"})"),
                  two_floats),
       "params[0].constraint.kind: unknown constraint kind 'boolean'"},
      {param_file(one_param(R"("dtype": "float32", "shape": [2], "offset": 0, "length": 8, )" + real),
                  two_floats),
       "params[0]: missing 'name'"},
      {param_file(
           one_param(R"("name": "x", "dtype": "float32", "shape": [-2], "offset": 0, "length": 8, )" + real),
           two_floats),
       "params[0].shape: expected non-negative integer sizes"},
      {param_file("{\"params\": [", ""), "corrupt header: not valid JSON"},
      {param_file("[]", ""), "header: expected an object"},
      {param_file(
           one_param(R"("name": "x", "dtype": "float32", "shape": [2], "offset": 0, "length": 8, )" + real),
           two_floats, 2),
       "param file version 2 is not supported (this Kiln reads version 1)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expected);
    EXPECT_TRUE(has_text(load_error(c.file), c.expected));
    expect_unchanged(before, store);
  }
  // Duplicates, and constraints nested without end.
  const std::string x =
      R"({"name": "x", "dtype": "float32", "shape": [2], "offset": 0, "length": 8, )" + real + "}";
  EXPECT_TRUE(has_text(load_error(param_file("{\"params\": [" + x + ", " + x + "]}", two_floats)),
                       "params[1].name: param 'x' appears twice"));
  std::string nested = R"({"kind": "real"})";
  for (int i = 0; i < 20; ++i)
    nested = R"({"kind": "independent", "reinterpreted_dims": 1, "base": )" + nested + "}";
  EXPECT_TRUE(has_text(
      load_error(param_file(one_param(R"("name": "x", "dtype": "float32", "shape": [2], "offset": 0, )"
                                      R"("length": 8, "constraint": )" +
                                      nested),
                            two_floats)),
      "constraints nested too deeply"));
  expect_unchanged(before, store);
  // The same layout, well formed, loads.
  ASSERT_EQ(load_error(param_file(one_param(R"("name": "x", "dtype": "float32", "shape": [2], "offset": 0, )"
                                            R"("length": 8, )" +
                                            real),
                                  two_floats)),
            "");
  EXPECT_TRUE(at::equal(store.constrained("x"), at::tensor({1.5f, -2.0f})));
}

TEST_F(ParamFileTest, FailedSavesNameThePathAndLeaveNoTemporaryFile) {
  store.set("a", at::scalar_tensor(1.0));
  const std::string missing = path("no/such/dir/fit.params");
  const std::string error = error_of([&] { save_params(missing); });
  EXPECT_TRUE(has_text(error, missing + ": cannot save params"));
  EXPECT_TRUE(has_text(error, "No such file or directory"));
  // The temporary file is created, then the rename over a directory fails.
  std::filesystem::create_directory(dir / "taken");
  EXPECT_EQ(error_of([&] { save_params(path("taken")); }),
            path("taken") + ": cannot save params: Is a directory");
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(dir)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, (std::vector<std::string>{"taken"}));
}

TEST_F(ParamFileTest, StoreObjectSavesAndLoads) {
  store.set("a", at::tensor({1.0f, 2.0f}), positive());
  const Value obj = call_builtin("get_param_store", {});
  call_method_of(obj, "save", {make_str(path("o.params"))});
  call_method_of(obj, "clear");
  EXPECT_EQ(length(obj), 0);
  call_builtin("load_params", {make_str(path("o.params"))});
  EXPECT_TRUE(at::allclose(T(get_item(obj, make_str("a"))), at::tensor({1.0f, 2.0f})));
  EXPECT_EQ(error_of([&] { call_builtin("save_params", {make_str("")}); }),
            "save_params(): path must not be empty");
}

}  // namespace
}  // namespace kiln::rt::testing
