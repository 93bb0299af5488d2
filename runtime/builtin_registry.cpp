#include "runtime/builtin_registry.h"

#include <vector>

#include "frontend/call_checks.h"
#include "runtime/errors.h"

namespace kiln::rt {

namespace {

struct Registry {
  std::vector<Value> values = std::vector<Value>(static_cast<size_t>(BuiltinId::kCount), Value::unbound());
  std::vector<NativeFn> functions = std::vector<NativeFn>(static_cast<size_t>(BuiltinId::kCount), nullptr);
};

// A function-local static: registrations run from other files' static
// initializers, in an order the language leaves unspecified.
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_builtin(BuiltinId id, NativeFn fn) {
  auto index = static_cast<size_t>(id);
  registry().functions[index] = fn;
  registry().values[index] = make_value(new BuiltinObject(std::string(builtin_table()[index].name), fn));
  // Builtins are process-wide: every thread reads them (value.h).
  make_immortal(registry().values[index]);
}

void register_constant(BuiltinId id, Value value) {
  make_immortal(value);
  registry().values[static_cast<size_t>(id)] = std::move(value);
}

const Value& builtin_value(uint32_t index) {
  const Value& v = registry().values.at(index);
  if (v.is_unbound()) {
    throw InternalError("builtin '" + std::string(builtin_table()[index].name) + "' has no implementation");
  }
  return v;
}

NativeFn builtin_function(uint32_t index) { return registry().functions.at(index); }

std::vector<std::string> unregistered_builtins() {
  std::vector<std::string> missing;
  const auto& table = builtin_table();
  for (size_t i = 0; i < table.size(); ++i) {
    if (table[i].kind == BuiltinKind::kEffect) continue;  // lowered to instructions
    if (registry().values[i].is_unbound()) missing.emplace_back(table[i].name);
  }
  return missing;
}

void check_builtin_args(uint32_t index, const CallArgs& args) {
  const BuiltinInfo& info = builtin_table()[index];
  int npos = static_cast<int>(args.npos);
  std::string name(info.name);
  if (npos < info.min_args || (info.max_args >= 0 && npos > info.max_args)) {
    std::string expected = info.max_args < 0            ? "at least " + count_args(info.min_args)
                           : info.min_args == info.max_args ? count_args(info.min_args)
                                                            : "from " + std::to_string(info.min_args) + " to " +
                                                                  count_args(info.max_args);
    raise(name + "() takes " + expected + " but " + std::to_string(npos) + (npos == 1 ? " was" : " were") +
              " given",
          name + ": " + std::string(info.summary));
  }
  for (size_t k = 0; k < args.nkw; ++k) {
    if (!info.accepts_keyword(args.kw_names[k])) {
      raise(name + "() got an unexpected keyword argument '" + args.kw_names[k] + "'");
    }
  }
}

}  // namespace kiln::rt
