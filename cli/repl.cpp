#include "cli/repl.h"

#include <editline/readline.h>
#include <signal.h>
#include <sys/select.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "cli/exit_codes.h"
#include "cli/input_completeness.h"
#include "cli/runtime_loader.h"
#include "runtime/entry.h"

namespace kiln {

namespace {

constexpr const char* kPrompt = ">>> ";
constexpr const char* kContinuation = "... ";
constexpr int kHistoryLength = 1000;

const char* const kHelp =
    "Kiln REPL: type statements and expressions; an expression's value is printed.\n"
    "A line ending in ':' or with open brackets continues ('...'); an empty line ends a block.\n"
    "Commands:\n"
    "  :help              this text\n"
    "  :load FILE.ppl     run a file in this session (its names stay defined)\n"
    "  :ir NAME           the IR of function NAME\n"
    "  :params            the param store: names, shapes, values\n"
    "  :trace EXPR        run EXPR (e.g. a model call) and list its sample and param sites\n"
    "  :reset             forget every variable, function and param\n"
    "  :quit              leave (also Ctrl-D)\n"
    "Ctrl-C stops a running computation and keeps the session's state.\n";

struct RuntimeApi {
  KilnSessionNewFn session_new = nullptr;
  KilnSessionFreeFn session_free = nullptr;
  KilnSessionCommandFn command = nullptr;
  KilnSessionCompleteFn complete = nullptr;
  KilnInterruptFn interrupt = nullptr;
};

RuntimeApi g_api;
KilnSession* g_session = nullptr;
std::atomic<bool> g_evaluating{false};
volatile sig_atomic_t g_sigint_at_prompt = 0;

bool load_api(std::string& error) {
  g_api.session_new = reinterpret_cast<KilnSessionNewFn>(load_runtime_symbol("kiln_session_new", error));
  g_api.session_free = reinterpret_cast<KilnSessionFreeFn>(load_runtime_symbol("kiln_session_free", error));
  g_api.command = reinterpret_cast<KilnSessionCommandFn>(load_runtime_symbol("kiln_session_command", error));
  g_api.complete = reinterpret_cast<KilnSessionCompleteFn>(load_runtime_symbol("kiln_session_complete", error));
  g_api.interrupt = reinterpret_cast<KilnInterruptFn>(load_runtime_symbol("kiln_request_interrupt", error));
  return g_api.session_new && g_api.session_free && g_api.command && g_api.complete && g_api.interrupt;
}

// Ctrl-C: stops a running computation, or abandons the line being typed.
void on_sigint(int) {
  if (g_evaluating.load()) {
    g_api.interrupt();
  } else {
    g_sigint_at_prompt = 1;
  }
}

void install_sigint() {
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: select() must wake up with EINTR
  sigaction(SIGINT, &sa, nullptr);
}

std::string history_path() {
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.kiln_history";
}

// ---- tab completion

char* completion_generator(const char* text, int state) {
  static const char* matches[512];
  static int count = 0, next = 0;
  if (state == 0) {
    count = g_api.complete(g_session, text, matches, 512);
    if (count > 512) count = 512;
    next = 0;
  }
  if (next >= count) return nullptr;
  return strdup(matches[next++]);
}

char** complete(const char* text, int, int) {
  rl_attempted_completion_over = 1;  // no file-name completion fallback
  return rl_completion_matches(text, completion_generator);
}

// ---- reading lines

// One line from the terminal through libedit's callback interface, so a
// SIGINT at the prompt can abandon the line cleanly. nullopt on EOF; sets
// `interrupted` when Ctrl-C was pressed.
std::string* g_line = nullptr;
bool g_line_eof = false;

void on_line(char* line) {
  if (!line) {
    g_line_eof = true;
  } else {
    g_line = new std::string(line);
    std::free(line);
  }
  rl_callback_handler_remove();
}

enum class ReadResult { kLine, kEof, kInterrupted };

ReadResult read_terminal_line(const char* prompt, std::string& out) {
  g_line = nullptr;
  g_line_eof = false;
  g_sigint_at_prompt = 0;
  rl_callback_handler_install(prompt, on_line);
  while (!g_line && !g_line_eof) {
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(STDIN_FILENO, &fds);
    // A timeout, so a SIGINT that lands outside select() is still seen soon.
    timeval poll{0, 200000};
    int ready = select(STDIN_FILENO + 1, &fds, nullptr, nullptr, &poll);
    if (g_sigint_at_prompt) {
      rl_callback_handler_remove();
      std::cout << "^C\n" << std::flush;
      return ReadResult::kInterrupted;
    }
    if (ready > 0) rl_callback_read_char();
  }
  if (g_line_eof) {
    std::cout << "\n";
    return ReadResult::kEof;
  }
  out = *g_line;
  delete g_line;
  g_line = nullptr;
  return ReadResult::kLine;
}

ReadResult read_pipe_line(std::string& out) {
  if (!std::getline(std::cin, out)) return ReadResult::kEof;
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return ReadResult::kLine;
}

// ---- running input

int run_command(const std::string& line, bool& quit) {
  size_t space = line.find_first_of(" \t");
  std::string name = line.substr(0, space);
  std::string arg = space == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", space));
  auto needs_arg = [&](const char* what) {
    if (!arg.empty()) return true;
    std::cerr << "error: " << name << " needs " << what << "\n";
    return false;
  };
  if (name == ":quit" || name == ":q" || name == ":exit") {
    quit = true;
    return kExitOk;
  }
  if (name == ":help" || name == ":h") {
    std::cout << kHelp;
    return kExitOk;
  }
  int command = -1;
  if (name == ":load") {
    if (!needs_arg("a file name, e.g. :load model.ppl")) return kExitUsage;
    command = kKilnLoad;
  } else if (name == ":ir") {
    if (!needs_arg("a function name, e.g. :ir model")) return kExitUsage;
    command = kKilnIr;
  } else if (name == ":trace") {
    if (!needs_arg("an expression, e.g. :trace model(data)")) return kExitUsage;
    command = kKilnTrace;
  } else if (name == ":params") {
    command = kKilnParams;
  } else if (name == ":reset") {
    command = kKilnReset;
  } else {
    std::cerr << "error: unknown command '" << name << "'\nhint: :help lists the commands\n";
    return kExitUsage;
  }
  g_evaluating = true;
  int code = g_api.command(g_session, command, arg.c_str());
  g_evaluating = false;
  if (command == kKilnReset && code == kExitOk) std::cout << "session reset\n";
  return code;
}

int evaluate(const std::string& text) {
  g_evaluating = true;
  int code = g_api.command(g_session, kKilnEval, text.c_str());
  g_evaluating = false;
  std::cout.flush();
  return code;
}

}  // namespace

int run_repl(const ReplOptions& options) {
  std::string error;
  if (!load_api(error)) {
    std::cerr << "kiln: error: " << error << "\n";
    return kExitInternalError;
  }
  bool terminal = isatty(STDIN_FILENO) != 0;
  g_session = g_api.session_new(options.color, options.has_seed, options.seed);
  if (!g_session) return kExitInternalError;
  install_sigint();

  std::string history = history_path();
  if (terminal) {
    std::cout << "Kiln " << options.version << " REPL. :help for help, Ctrl-D to leave.\n";
    using_history();
    stifle_history(kHistoryLength);
    read_history(history.c_str());
    rl_attempted_completion_function = complete;
  }

  int last_error = kExitOk;
  bool quit = false;
  while (!quit) {
    std::string text, line;
    ReadResult r = terminal ? read_terminal_line(kPrompt, line) : read_pipe_line(line);
    if (r == ReadResult::kEof) break;
    if (r == ReadResult::kInterrupted) continue;
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line[line.find_first_not_of(" \t")] == ':') {
      std::string command = line.substr(line.find_first_not_of(" \t"));
      if (terminal) {
        add_history(line.c_str());
        write_history(history.c_str());
      }
      int code = run_command(command, quit);
      if (code != kExitOk) last_error = code;
      continue;
    }
    text = line;
    bool abandoned = false;
    while (input_needs_more(text)) {
      ReadResult more = terminal ? read_terminal_line(kContinuation, line) : read_pipe_line(line);
      if (more == ReadResult::kInterrupted) {
        abandoned = true;
        break;
      }
      if (more == ReadResult::kEof) break;
      text += "\n" + line;
    }
    if (abandoned) continue;
    if (terminal) {
      add_history(text.c_str());
      write_history(history.c_str());
    }
    int code = evaluate(text + "\n");
    if (code != kExitOk) last_error = code;
  }
  g_api.session_free(g_session);
  g_session = nullptr;
  // Scripts piped into the REPL learn that some input failed.
  return terminal ? kExitOk : last_error;
}

}  // namespace kiln
