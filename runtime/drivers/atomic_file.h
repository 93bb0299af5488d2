// Writing a whole file so that a reader, or a run killed halfway, sees the
// old file or the complete new one and never a part: the bytes go to a
// sibling "<path>.tmp.<pid>", which is fsynced and renamed over `path`, then
// the directory is fsynced so the rename itself survives a crash. The same
// method as save_params (runtime/param_store_file.h), for the other files
// `kiln svi` writes (checkpoint.optim, summary.csv, a trimmed loss.csv).
#pragma once

#include <string>
#include <string_view>

namespace kiln::rt {

// Raises KilnError naming `path` and the system's reason on failure; the
// temporary file is removed and `path` is left as it was.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Renames `from` over `to` and fsyncs the directory; raises KilnError
// naming both on failure.
void rename_durably(const std::string& from, const std::string& to);

}  // namespace kiln::rt
