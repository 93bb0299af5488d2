// Saving the param store to a file and loading it back (Pyro's
// get_param_store().save / .load). The format is specified in
// docs/param_store_format.md: a magic line, a version, a JSON header naming
// each param's dtype, shape, constraint and byte range, the raw
// little-endian data, and a CRC-32 of everything before it.
//
//   save_params("fit.params");     # after training
//   load_params("fit.params");     # in another run: same-named params are
//                                  # replaced, the others are kept
//
// What is stored is each param's unconstrained leaf (what optimizers update)
// with its constraint, so a loaded store resumes training bit for bit.
//
// Failure behaviour:
//   - save writes "<path>.tmp.<pid>" in the same directory, fsyncs it and
//     renames it over `path` (runtime/atomic_file.h), so `path` is either
//     the old file or the whole new one; on any failure the temporary file
//     is removed and a KilnError names the path and the system's reason.
//   - load reads and checks the whole file (magic, version, sizes,
//     checksum, every header field, every byte range) before touching the
//     store: a foreign, truncated or corrupt file is a KilnError
//     ("<path>: not a Kiln param file (bad magic)", "<path>: truncated:
//     ...", "<path>: checksum mismatch ...") and the store is unchanged.
#pragma once

#include <string>

#include "runtime/param_store.h"

namespace kiln::rt {

void save_params(const std::string& path, const ParamStore& store = ParamStore::global());
void load_params(const std::string& path, ParamStore& store = ParamStore::global());

}  // namespace kiln::rt
