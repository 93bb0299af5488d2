#include "runtime/drivers/svi_checkpoint.h"

#include <ATen/ATen.h>

#include <filesystem>

#include "frontend/source.h"
#include "runtime/atomic_file.h"
#include "runtime/crc32.h"
#include "runtime/drivers/driver.h"
#include "runtime/drivers/state_file.h"
#include "runtime/errors.h"
#include "runtime/param_store.h"
#include "runtime/param_store_file.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

using json = nlohmann::ordered_json;

// Names what the file is, for a person who opens it.
constexpr const char* kKind = "kiln svi checkpoint";
constexpr const char* kNextSuffix = ".next";

std::string read_bytes(const std::string& path) {
  std::string bytes, error;
  if (!read_file(path, bytes, error)) raise(error);
  return bytes;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace

std::string checkpoint_params_path(const std::string& dir) {
  return (std::filesystem::path(dir) / "checkpoint.kparams").string();
}

std::string checkpoint_state_path(const std::string& dir) {
  return (std::filesystem::path(dir) / "checkpoint.optim").string();
}

void write_svi_checkpoint(const std::string& dir, const SviCheckpoint& checkpoint) {
  const std::string params = checkpoint_params_path(dir), next = params + kNextSuffix;
  save_params(next);
  const uint32_t params_crc = crc32(read_bytes(next));

  StateWriter writer;
  json header;
  header["kind"] = kKind;
  header["step"] = checkpoint.step;
  header["params_crc32"] = params_crc;
  header["run"] = json{{"file", checkpoint.run.file},   {"model", checkpoint.run.model},
                       {"guide", checkpoint.run.guide}, {"elbo", checkpoint.run.elbo},
                       {"optim", checkpoint.run.optim}, {"num_particles", checkpoint.run.num_particles}};
  header["rng"] = writer.tensor(checkpoint.rng_state, "the random number generator's state");
  header["optimizer"] = torch_guard("", [&] { return writer.encode(checkpoint.optimizer_state, "the optimizer's state"); });
  write_file_atomically(checkpoint_state_path(dir), writer.file_bytes(header));
  rename_durably(next, params);
}

SviCheckpoint read_svi_checkpoint(const std::string& dir) {
  const std::string state_path = checkpoint_state_path(dir);
  if (!exists(state_path))
    throw UsageError("no checkpoint to resume from: " + state_path + " does not exist",
                     "give the --output-dir of the run to continue, or leave out --resume to start afresh");
  const StateReader reader(state_path, read_bytes(state_path));
  const json& header = reader.header();
  if (reader.string_of(header, "kind", "header") != kKind)
    reader.fail("header.kind", "this is not a checkpoint of kiln svi");

  SviCheckpoint c;
  c.step = reader.int_of(header, "step", "header");
  if (c.step < 0) reader.fail("header.step", "a negative step");
  const json& run = reader.member(header, "run", "header");
  c.run.file = reader.string_of(run, "file", "header.run");
  c.run.model = reader.string_of(run, "model", "header.run");
  c.run.guide = reader.string_of(run, "guide", "header.run");
  c.run.elbo = reader.string_of(run, "elbo", "header.run");
  c.run.optim = reader.string_of(run, "optim", "header.run");
  c.run.num_particles = reader.int_of(run, "num_particles", "header.run");
  c.rng_state = torch_guard("", [&] { return reader.tensor(reader.member(header, "rng", "header"), "header.rng"); });
  if (c.rng_state.scalar_type() != at::kByte || c.rng_state.dim() != 1)
    reader.fail("header.rng", "the generator's state must be a 1-D uint8 tensor");
  c.optimizer_state =
      torch_guard("", [&] { return reader.decode(reader.member(header, "optimizer", "header"), "header.optimizer"); });

  const int64_t want_crc = reader.int_of(header, "params_crc32", "header");
  const std::string params = checkpoint_params_path(dir), next = params + kNextSuffix;
  for (const std::string& candidate : {params, next}) {
    if (!exists(candidate) || crc32(read_bytes(candidate)) != want_crc) continue;
    // The run was killed between writing checkpoint.optim and renaming the
    // params it names: finish that rename now.
    if (candidate == next) rename_durably(next, params);
    c.params_path = params;
    return c;
  }
  raise(state_path + " names params that are in neither " + params + " nor " + next +
            " (missing, or a different CRC-32): the checkpoint cannot be used",
        "leave out --resume to start afresh");
}

}  // namespace kiln::rt
