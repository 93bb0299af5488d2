#include "cli/runtime_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>

namespace kiln {

namespace {

std::string executable_dir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  buf[n] = '\0';
  return std::filesystem::path(buf).parent_path().string();
}

}  // namespace

void* load_runtime_symbol(const char* symbol, std::string& error) {
  static void* handle = nullptr;
  if (!handle) {
    const char* override_path = std::getenv("KILN_RUNTIME");
    std::string path = override_path ? override_path : executable_dir() + "/libkiln_runtime.so";
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
      const char* why = dlerror();
      error = "cannot load the Kiln runtime '" + path + "': " + (why ? why : "unknown error") +
              "\nhint: rebuild Kiln (the runtime library must sit beside the kiln executable)";
      return nullptr;
    }
  }
  void* fn = dlsym(handle, symbol);
  if (!fn) error = std::string("the Kiln runtime has no entry point '") + symbol + "' (a mismatched build?)";
  return fn;
}

}  // namespace kiln
