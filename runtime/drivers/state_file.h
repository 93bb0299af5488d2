// The file format of `kiln svi`'s checkpoint.optim: a JSON header holding
// .ppl values (an optimizer's get_state() dict, a step count) with the
// bytes of their tensors (the optimizer's moments, the random number
// generator's state) in a data section after it, and a CRC-32 of the whole.
// The format is specified in runtime/drivers/README.md, "The checkpoint
// format"; it frames its content as the param file does
// (docs/param_store_format.md, runtime/framed_file.h), under its own magic.
//
//   StateWriter writer;
//   nlohmann::ordered_json header;
//   header["optimizer"] = writer.encode(optimizer.get_state(), "optimizer");
//   write_file_atomically(path, writer.file_bytes(header));
//
//   StateReader reader(path, bytes);        // checks magic, version, sizes, checksum
//   Value state = reader.decode(reader.member(reader.header(), "optimizer", "header"), "optimizer");
//
// Values: None, bool, int, float (inf and nan too), str, list, tuple, dict
// (any hashable keys, insertion order kept) and tensors of the param file's
// dtypes, nested freely. Anything else (a function, a distribution) is a
// KilnError naming where it was met. Reading checks everything and raises
// a KilnError naming the file and the field ("<path>: corrupt checkpoint:
// optimizer.dict[0][1]: ...") for a foreign, truncated or damaged file.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/framed_file.h"
#include "runtime/value.h"

namespace kiln::rt {

class StateWriter {
 public:
  // `v` as JSON, its tensors appended to the data section. `where` names
  // the value in errors ("optimizer").
  nlohmann::ordered_json encode(const Value& v, const std::string& where);
  // A tensor reference {"tensor": {dtype, shape, offset, length}}.
  nlohmann::ordered_json tensor(const at::Tensor& t, const std::string& where);
  // The whole file: preamble, `header`, the data section, the checksum.
  std::string file_bytes(const nlohmann::ordered_json& header) const;

 private:
  std::string data_;
};

// Header access (member, string_of, fail) comes from FramedHeaderReader,
// with errors naming the field.
class StateReader final : public FramedHeaderReader<nlohmann::ordered_json> {
 public:
  // Checks the framing (magic, version, lengths, checksum) and parses the
  // header, which must be a JSON object.
  StateReader(std::string path, std::string bytes);

  const nlohmann::ordered_json& header() const { return header_; }
  // The value `j` encodes; `where` names it in errors.
  Value decode(const nlohmann::ordered_json& j, const std::string& where) const;
  // The tensor a {"tensor": {...}} reference names.
  at::Tensor tensor(const nlohmann::ordered_json& j, const std::string& where) const;
  int64_t int_of(const nlohmann::ordered_json& object, const char* key, const std::string& where) const;

 private:
  ByteRange byte_range(const nlohmann::ordered_json& ref, const std::string& where) const override;

  std::string bytes_;
  nlohmann::ordered_json header_;
};

}  // namespace kiln::rt
