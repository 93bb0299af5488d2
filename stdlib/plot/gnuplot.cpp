#include "stdlib/plot/gnuplot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "runtime/errors.h"
#include "runtime/file_extension.h"
#include "runtime/interrupt.h"

extern char** environ;

namespace kiln::rt {

namespace {

constexpr const char* kNeedsGnuplot = "plotting needs gnuplot (apt-get install gnuplot-nox)";
// Readable on a screen and in a report without scaling.
constexpr int kWidthPx = 800;
constexpr int kHeightPx = 500;
// gnuplot's complaint about a script is a few lines; a runaway warning could
// be megabytes, so what is shown is cut here.
constexpr size_t kMaxMessageShown = 4000;

std::string system_error(int err) { return std::strerror(err); }

// A file in the temporary directory, removed with this object. Its
// descriptor is close-on-exec: gnuplot gets it only where it is dup2'ed.
class TempFile {
 public:
  explicit TempFile(const std::string& role) {
    const char* env_dir = std::getenv("TMPDIR");
    const std::string dir = env_dir != nullptr && *env_dir != '\0' ? env_dir : "/tmp";
    std::string pattern = dir + "/kiln-gnuplot-" + role + "-XXXXXX";
    fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd_ < 0) raise("cannot create a temporary file for gnuplot in " + dir + ": " + system_error(errno));
    path_ = pattern;
  }
  ~TempFile() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

void write_all(const TempFile& file, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(file.fd(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) raise("cannot write the gnuplot script to " + file.path() + ": " + system_error(errno));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  ::lseek(file.fd(), 0, SEEK_SET);
}

std::string read_all(const TempFile& file) {
  ::lseek(file.fd(), 0, SEEK_SET);
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(file.fd(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t start = 0;
  while (start < text.size() && (text[start] == '\n' || text[start] == '\r')) ++start;
  text.erase(0, start);
  if (text.size() > kMaxMessageShown) text = text.substr(0, kMaxMessageShown) + "\n...";
  return text;
}

std::string terminal_line(PlotFormat format) {
  const std::string size = " size " + std::to_string(kWidthPx) + "," + std::to_string(kHeightPx);
  if (format == PlotFormat::kPng) return "set terminal pngcairo noenhanced" + size + " font 'sans,10'\n";
  return "set terminal svg noenhanced" + size + " font 'sans,10' background rgb 'white'\n";
}

// Runs `gnuplot -d` (no init files: the same picture on every machine)
// with `script` on its standard input and its standard error in `errors`;
// returns its wait status.
int run_gnuplot_process(const TempFile& script, const TempFile& errors) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, script.fd(), STDIN_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, errors.fd(), STDERR_FILENO);
  char program[] = "gnuplot";
  char defaults[] = "-d";
  char* argv[] = {program, defaults, nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, program, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned == ENOENT) raise(kNeedsGnuplot, "gnuplot was not found on the PATH");
  if (spawned != 0) raise("cannot run gnuplot: " + system_error(spawned));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) raise("cannot wait for gnuplot: " + system_error(errno));
  }
  return status;
}

}  // namespace

PlotFormat plot_format_of(const std::string& path) {
  const std::string extension = lowercase_extension(path);
  if (extension == "png") return PlotFormat::kPng;
  if (extension == "svg") return PlotFormat::kSvg;
  raise("cannot tell the image format of '" + path + "' (" +
            (extension.empty() ? "no extension" : "extension ." + extension) +
            "); plots are .png or .svg files",
        "name the file plot.png or plot.svg");
}

void render_with_gnuplot(const std::string& commands, const std::string& path) {
  const PlotFormat format = plot_format_of(path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  // As matplotlib users expect from a plotting call into a fresh output
  // folder: missing directories are made.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir, ec))
    raise("cannot write '" + path + "': the directory '" + dir + "' cannot be created" +
          (ec ? " (" + ec.message() + ")" : ""));

  const std::string partial = path + ".tmp." + std::to_string(::getpid());
  TempFile script("script"), errors("stderr");
  write_all(script, terminal_line(format) + "set output " + gnuplot_string(partial) + "\n" + commands +
                        "\nunset output\n");
  const int status = run_gnuplot_process(script, errors);

  struct stat st {};
  const bool drawn = WIFEXITED(status) && WEXITSTATUS(status) == 0 && ::stat(partial.c_str(), &st) == 0 &&
                     st.st_size > 0;
  if (!drawn) {
    ::unlink(partial.c_str());
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) raise_interrupted();
    const std::string said = trimmed(read_all(errors));
    std::string how = WIFSIGNALED(status) ? "gnuplot was killed by signal " + std::to_string(WTERMSIG(status))
                                          : "gnuplot failed";
    raise(how + " while drawing '" + path + "'" + (said.empty() ? "" : ":\n" + said));
  }
  if (::rename(partial.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(partial.c_str());
    raise("cannot write '" + path + "': " + system_error(err));
  }
}

std::string gnuplot_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "''";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string gnuplot_number(double value) {
  if (!std::isfinite(value)) return "NaN";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

}  // namespace kiln::rt
