// The builtin render_model, as pyro.render_model:
//   dot = render_model(model, model_args=(x, y), model_kwargs={"n": 3},
//                      filename="model.svg", render_distributions=True,
//                      render_params=True)
// runs the model once (model_graph.h), returns the graph's DOT text and,
// with filename=, also writes the drawing in the format of its extension
// (.svg, .png or .dot; graphviz_render.h).
#include "runtime/builtin_registry.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/render/graphviz_render.h"
#include "stdlib/render/model_graph.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kWho = "render_model";

// The model's arguments: model_args (a tuple or list), then model_kwargs
// (a dict with str keys) as keywords.
ArgList model_call_args(const CallArgs& args) {
  ArgList call;
  if (const Value* positional = optional_arg(args, 1, "model_args")) {
    if (!positional->is(ObjKind::kTuple) && !positional->is(ObjKind::kList))
      raise_arg_type(kWho, "model_args", "a tuple or list of the model's arguments", *positional);
    for (const Value& v : to_vector(*positional)) call.push(v);
  }
  if (const Value* keywords = optional_arg(args, 2, "model_kwargs")) {
    if (!keywords->is(ObjKind::kDict))
      raise_arg_type(kWho, "model_kwargs", "a dict of argument name -> value", *keywords);
    keywords->as<DictObject>()->for_each([&](const Value& key, const Value& value) {
      if (!is_str(key))
        raise_arg_error(kWho, "model_kwargs keys must be argument names (str), got " + type_name(key));
      call.push_kw(str_of(key), value);
    });
  }
  return call;
}

Value builtin_render_model(const CallArgs& args) {
  const Value& model = required_arg(args, 0, "model");
  if (!is_callable(model)) raise_arg_type(kWho, "model", "a function", model);
  const ArgList call = model_call_args(args);

  RenderOptions options;
  if (const Value* v = optional_arg(args, 4, "render_distributions"))
    options.distributions = bool_arg(*v, kWho, "render_distributions");
  if (const Value* v = optional_arg(args, 5, "render_params"))
    options.params = bool_arg(*v, kWho, "render_params");

  std::string filename;
  if (const Value* f = optional_arg(args, 3, "filename")) {
    filename = str_arg(*f, kWho, "filename");
    render_format_of(filename);  // a bad extension fails before the model runs
  }
  const ModelGraph graph = inspect_model(model, call.view());
  if (!filename.empty()) write_model_graph(graph, options, filename);
  return make_str(print_model_dot(graph, options));
}

}  // namespace

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_render_model, &guarded<&builtin_render_model>); }

}  // namespace kiln::rt
