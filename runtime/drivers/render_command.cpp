// `kiln render`: draws a model of a .ppl file, as render_model() does from
// inside a program (stdlib/render/), to the file named by -o.
#include "cli/exit_codes.h"
#include "runtime/drivers/commands.h"
#include "stdlib/render/graphviz_render.h"
#include "stdlib/render/model_graph.h"

namespace kiln::rt {

int render_command(const DriveRequest& request) {
  LoadedProgram program;
  if (const int code = program.load(request); code != kExitOk) return code;
  return program.run_reporting([&] {
    const std::string output = request.options.string("output");
    if (output.empty())
      throw UsageError("kiln render needs an output file", "add -o model.svg (or .png, .dot)");
    // Before the model runs: a misspelt extension should not cost a run.
    as_usage_error([&] { return render_format_of(output); });
    const Value& model = program.function(request.options.string("model"));
    const ArgList args = model_arguments(model, request.args, request.options.string("data"));

    const ModelGraph graph = inspect_model(model, args.view());
    RenderOptions options;
    options.distributions = request.options.flag("distributions");
    options.params = request.options.flag("params");
    // Failing to write the file is the output path's fault, not the model's.
    as_usage_error([&] { write_model_graph(graph, options, output); });
    return static_cast<int>(kExitOk);
  });
}

}  // namespace kiln::rt
