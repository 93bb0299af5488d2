// Writing a whole file so that a reader, or a run killed halfway, sees the
// old file or the complete new one and never a part: the bytes go to a
// sibling "<path>.tmp.<pid>" (created exclusively, never through an existing
// file or link), which is fsynced and renamed over `path`, then the
// directory is fsynced so the rename itself survives a crash. save_params
// writes the param file this way (runtime/param_store_file.h), and `kiln
// svi` its other files (checkpoint.optim, summary.csv, a trimmed loss.csv).
//
//   write_file_atomically(path, bytes);   // "<path>: cannot write: <reason>"
//   write_file_atomically(path, bytes, {"cannot save params: cannot create", "cannot save params"});
#pragma once

#include <string>
#include <string_view>

namespace kiln::rt {

// How a failed write is worded, so each kind of file keeps its own message:
// "<path>: <cannot_create> <temporary path>: <reason>" when the temporary
// file cannot be made, "<path>: <cannot_write>: <reason>" when a later step
// (writing, fsync, the rename) fails.
struct AtomicWriteWording {
  std::string cannot_create = "cannot create";
  std::string cannot_write = "cannot write";
};

// Raises KilnError naming `path` and the system's reason on failure; the
// temporary file is removed and `path` is left as it was.
void write_file_atomically(const std::string& path, std::string_view bytes,
                           const AtomicWriteWording& wording = {});

// Renames `from` over `to` and fsyncs the directory; raises KilnError
// naming both on failure.
void rename_durably(const std::string& from, const std::string& to);

}  // namespace kiln::rt
