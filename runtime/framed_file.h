// The framing the param file (docs/param_store_format.md) and `kiln svi`'s
// checkpoint (runtime/drivers/README.md, "The checkpoint format") share:
//
//   magic | u32 version | u64 header length | u64 data length | JSON header | data | u32 CRC-32
//
// integers little-endian, the CRC-32 over every byte before it. The data
// section holds tensors' elements, little-endian and back to back; the
// header describes each tensor as {"dtype", "shape", "offset", "length"}
// (byte range in the data section), dtypes named as in kFileDtypes. Each
// format keeps its own magic, header layout and error wording; this file
// holds what they do alike.
//
//   writing:  std::string data;
//             auto stored = append_tensor(data, t);      // nullopt: dtype not storable
//             return frame_file(kMagic, kVersion, header.dump(), data);
//   reading:  read_preamble(file, kMagic.size()), verify_checksum(file, ...),
//             then a FramedHeaderReader over the header and data section.
//
// Nothing here catches LibTorch's exceptions: callers run it under
// torch_guard (stdlib/tensor/torch_errors.h).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::rt {

// A dtype the formats store, with its name in the header.
struct FileDtype {
  const char* name;
  at::ScalarType type;
  size_t size;  // bytes per element
};
// nullptr when the formats cannot store `type`, or know no dtype `name`.
const FileDtype* file_dtype_of(at::ScalarType type);
const FileDtype* file_dtype_named(std::string_view name);

// Where append_tensor put a tensor, for its header entry.
struct AppendedTensor {
  const FileDtype* dtype;
  std::vector<int64_t> shape;
  uint64_t offset;  // in the data section
  uint64_t length;  // bytes
};
// Appends `tensor`'s elements to the data section `data`; nullopt, with
// nothing appended, when its dtype is not one of the formats'.
std::optional<AppendedTensor> append_tensor(std::string& data, const at::Tensor& tensor);

// The whole file: preamble, `header`, `data`, checksum.
std::string frame_file(std::string_view magic, uint32_t version, std::string_view header, std::string_view data);

// The numbers of the preamble that follows a magic of `magic_size` bytes;
// the caller has checked that `file` is long enough to hold them.
struct FramePreamble {
  uint64_t version;
  uint64_t header_size;
  uint64_t data_size;
};
FramePreamble read_preamble(std::string_view file, size_t magic_size);

// Raises KilnError "<mismatch> (stored CRC-32 ..., computed ...)" unless the
// last four bytes of `file` (it has at least four) are the CRC-32 of the rest.
void verify_checksum(std::string_view file, const std::string& mismatch);

// Reads a framed file's JSON header (nlohmann::json or ordered_json) and
// the tensors it describes, raising KilnError "<path>: <corrupt>: <where>:
// <what>" for anything missing or malformed, `where` naming the field
// ("params[0].shape"). A format derives from it and says how it reads and
// checks a tensor's byte range (byte_range).
template <class Json>
class FramedHeaderReader {
 public:
  // `corrupt` starts every complaint ("corrupt header"); `data` is the data
  // section, or set later by a derived class that checks the framing first.
  FramedHeaderReader(std::string path, std::string corrupt, std::string_view data = {});
  virtual ~FramedHeaderReader() = default;

  [[noreturn]] void fail(const std::string& where, const std::string& what) const;
  const Json& member(const Json& object, const char* key, const std::string& where) const;
  std::string string_of(const Json& object, const char* key, const std::string& where) const;
  // The tensor `ref` ({dtype, shape, offset, length}) describes: its dtype
  // known, its sizes non-negative integers, its byte range inside the data
  // section and of the size the shape needs, a bool's bytes 0 or 1.
  at::Tensor stored_tensor(const Json& ref, const std::string& where) const;

 protected:
  struct ByteRange {
    uint64_t offset;
    uint64_t length;
  };
  // `ref`'s offset and length, checked to lie inside data_.
  virtual ByteRange byte_range(const Json& ref, const std::string& where) const = 0;

  std::string path_;
  std::string corrupt_;
  std::string_view data_;
};

extern template class FramedHeaderReader<nlohmann::json>;
extern template class FramedHeaderReader<nlohmann::ordered_json>;

}  // namespace kiln::rt
