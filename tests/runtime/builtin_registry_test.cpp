#include "runtime/builtin_registry.h"

#include <gtest/gtest.h>

namespace kiln::rt {
namespace {

// Every builtin of frontend/builtins.def has an implementation registered.
TEST(BuiltinRegistry, EveryBuiltinIsImplemented) {
  std::vector<std::string> missing = unregistered_builtins();
  EXPECT_TRUE(missing.empty()) << "first missing: " << (missing.empty() ? "" : missing[0]);
}

}  // namespace
}  // namespace kiln::rt
