// The param store as the language sees it (Pyro's pyro.get_param_store()):
//
//   store = get_param_store()       # one shared object: a view of the global store
//   store["sigma"]                  # the constrained value (as param("sigma") returns)
//   for name in store: ...          # names, in the order they were stored; len(store)
//   store.keys() .values() .items() .get_param(name) .get(name, default)
//   store.unconstrained(name)       # the leaf optimizers update
//   store.constraint(name)          # e.g. constraints.positive
//   store.named_parameters()        # (name, unconstrained leaf) pairs
//   store.erase(name) .clear() .save(path) .load(path)
//   print(store)                    # a table: name, shape, dtype, constraint
//
// and the functions clear_param_store(), save_params(path), load_params(path).
// The store itself is runtime/param_store.h; files: runtime/param_store_file.h.
#include <ATen/ATen.h>

#include <algorithm>

#include "runtime/builtin_registry.h"
#include "runtime/container_protocol.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/param_store.h"
#include "runtime/param_store_file.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/tensor/dtype.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kMethods[] = {"keys",  "values",        "items",      "get_param",
                                         "get",   "unconstrained", "constraint", "named_parameters",
                                         "erase", "clear",         "save",       "load"};

const std::string& path_arg(const CallArgs& args) {
  const std::string& path = str_arg(required_arg(args, 0, "path"), args.callee, "path");
  if (path.empty()) raise_arg_error(args.callee, "path must not be empty");
  return path;
}

const std::string& name_arg(const CallArgs& args) {
  return str_arg(required_arg(args, 0, "name"), args.callee, "name");
}

Value pairs(const std::vector<std::pair<std::string, at::Tensor>>& named) {
  std::vector<Value> out;
  out.reserve(named.size());
  for (const auto& [name, t] : named) out.push_back(make_tuple({make_str(name), make_tensor(t)}));
  return make_list(std::move(out));
}

std::vector<std::pair<std::string, at::Tensor>> constrained_params(const ParamStore& store) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const std::string& name : store.names()) out.emplace_back(name, store.constrained(name));
  return out;
}

// Pads cells to column widths, two spaces apart, as the REPL's :trace table.
std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out += line + "\n";
  }
  out.pop_back();
  return out;
}

// Stateless: every method reads the global store, so one shared immortal
// instance serves every caller.
class ParamStoreObject final : public Object, public ContainerProtocol {
 public:
  ParamStoreObject() : Object(ObjKind::kNative) {}

  std::string type_name() const override { return "ParamStore"; }

  std::string to_string() const override {
    const ParamStore& store = ParamStore::global();
    const std::vector<std::string> names = store.names();
    if (names.empty()) return "ParamStore (empty)";
    return torch_guard("ParamStore", [&] {
      std::vector<std::vector<std::string>> rows = {{"name", "shape", "dtype", "constraint"}};
      at::NoGradGuard no_grad;
      for (const std::string& name : names) {
        if (!store.contains(name)) continue;  // erased meanwhile by another thread
        const at::Tensor value = store.constrained(name);
        rows.push_back({name, shape_to_string(value.sizes().vec()),
                        std::string(dtype_name(value.scalar_type())),
                        as_constraint(store.constraint(name))->name()});
      }
      const size_t count = rows.size() - 1;
      return "ParamStore with " + std::to_string(count) + (count == 1 ? " param:\n" : " params:\n") +
             render_table(rows);
    });
  }

  Value get_attr(std::string_view attr) const override {
    if (std::find(std::begin(kMethods), std::end(kMethods), attr) != std::end(kMethods))
      return make_value(new BoundMethodObject(Value(const_cast<ParamStoreObject*>(this)), std::string(attr)));
    raise("'ParamStore' object has no attribute '" + std::string(attr) + "'",
          "its methods: keys, values, items, get_param, get, unconstrained, constraint, "
          "named_parameters, erase, clear, save, load");
  }

  Value call_method(std::string_view method, const CallArgs& args) override {
    const std::string who = "ParamStore." + std::string(method);
    CallArgs named = args;
    named.callee = who;
    return torch_guard(who, [&]() -> Value { return dispatch(method, named); });
  }

  Value get_item(const Value& key) const override {
    if (!is_str(key)) raise("param store keys are param names (str), not " + rt::type_name(key));
    return make_tensor(ParamStore::global().constrained(str_of(key)));
  }

  Value iteration_items() const override {
    std::vector<Value> names;
    for (const std::string& n : ParamStore::global().names()) names.push_back(make_str(n));
    return make_list(std::move(names));
  }

  int64_t length() const override { return static_cast<int64_t>(ParamStore::global().size()); }

 private:
  Value dispatch(std::string_view method, const CallArgs& args) {
    ParamStore& store = ParamStore::global();
    if (method == "keys") {
      check_args(args, 0, 0, "");
      return iteration_items();
    }
    if (method == "values") {
      check_args(args, 0, 0, "");
      std::vector<Value> out;
      for (const std::string& name : store.names()) out.push_back(make_tensor(store.constrained(name)));
      return make_list(std::move(out));
    }
    if (method == "items") {
      check_args(args, 0, 0, "");
      return pairs(constrained_params(store));
    }
    if (method == "named_parameters") {
      check_args(args, 0, 0, "");
      return pairs(store.named_unconstrained());
    }
    if (method == "get_param") {
      check_args(args, 1, 1, "name");
      return make_tensor(store.constrained(name_arg(args)));
    }
    if (method == "get") {
      check_args(args, 1, 2, "name,default");
      const std::string& name = name_arg(args);
      if (!store.contains(name)) {
        const Value* fallback = args.get(1, "default");
        return fallback != nullptr ? *fallback : Value();
      }
      return make_tensor(store.constrained(name));
    }
    if (method == "unconstrained") {
      check_args(args, 1, 1, "name");
      return make_tensor(store.unconstrained(name_arg(args)));
    }
    if (method == "constraint") {
      check_args(args, 1, 1, "name");
      return store.constraint(name_arg(args));
    }
    if (method == "erase") {
      check_args(args, 1, 1, "name");
      return Value(store.erase(name_arg(args)));
    }
    if (method == "clear") {
      check_args(args, 0, 0, "");
      store.clear();
      return Value();
    }
    if (method == "save" || method == "load") {
      check_args(args, 1, 1, "path");
      if (method == "save")
        save_params(path_arg(args), store);
      else
        load_params(path_arg(args), store);
      return Value();
    }
    return Object::call_method(method, args);
  }
};

Value builtin_get_param_store(const CallArgs&) {
  static const Value shared = [] {
    Value v = make_value(new ParamStoreObject());
    make_immortal(v);
    return v;
  }();
  return shared;
}

Value builtin_clear_param_store(const CallArgs&) {
  ParamStore::global().clear();
  return Value();
}

Value builtin_save_params(const CallArgs& args) {
  save_params(path_arg(args));
  return Value();
}

Value builtin_load_params(const CallArgs& args) {
  load_params(path_arg(args));
  return Value();
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_get_param_store, &builtin_get_param_store);
  register_builtin(BuiltinId::k_clear_param_store, &builtin_clear_param_store);
  register_builtin(BuiltinId::k_save_params, &guarded<&builtin_save_params>);
  register_builtin(BuiltinId::k_load_params, &guarded<&builtin_load_params>);
}

}  // namespace kiln::rt
