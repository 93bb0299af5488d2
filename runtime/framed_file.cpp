#include "runtime/framed_file.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <limits>

#include "runtime/crc32.h"
#include "runtime/errors.h"
#include "stdlib/arg_checks.h"

namespace kiln::rt {

namespace {

constexpr size_t kChecksumSize = 4;

// Fixed names, not Kiln's printing names, so the files stay readable
// whatever the language calls the dtypes.
constexpr std::array<FileDtype, 10> kFileDtypes = {{
    {"float32", at::kFloat, 4},
    {"float64", at::kDouble, 8},
    {"float16", at::kHalf, 2},
    {"bfloat16", at::kBFloat16, 2},
    {"int64", at::kLong, 8},
    {"int32", at::kInt, 4},
    {"int16", at::kShort, 2},
    {"int8", at::kChar, 1},
    {"uint8", at::kByte, 1},
    {"bool", at::kBool, 1},
}};

// The formats are little-endian; on a big-endian host each element's bytes
// are reversed on the way in and out (the operation is its own inverse).
void swap_to_little_endian(char* data, size_t bytes, size_t element_size) {
  if constexpr (std::endian::native == std::endian::little) return;
  for (size_t i = 0; i + element_size <= bytes; i += element_size) std::reverse(data + i, data + i + element_size);
}

void put_le(std::string& out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

uint64_t get_le(std::string_view in, size_t offset, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes; ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(in[offset + i])) << (8 * i);
  return value;
}

}  // namespace

const FileDtype* file_dtype_of(at::ScalarType type) {
  for (const FileDtype& d : kFileDtypes)
    if (d.type == type) return &d;
  return nullptr;
}

const FileDtype* file_dtype_named(std::string_view name) {
  for (const FileDtype& d : kFileDtypes)
    if (name == d.name) return &d;
  return nullptr;
}

std::optional<AppendedTensor> append_tensor(std::string& data, const at::Tensor& tensor) {
  const at::Tensor t = tensor.detach().to(at::kCPU).contiguous();
  const FileDtype* dtype = file_dtype_of(t.scalar_type());
  if (dtype == nullptr) return std::nullopt;
  const size_t offset = data.size();
  const size_t length = static_cast<size_t>(t.numel()) * dtype->size;
  if (length > 0) data.append(static_cast<const char*>(t.data_ptr()), length);
  swap_to_little_endian(data.data() + offset, length, dtype->size);
  return AppendedTensor{dtype, t.sizes().vec(), offset, length};
}

std::string frame_file(std::string_view magic, uint32_t version, std::string_view header, std::string_view data) {
  std::string out;
  out.reserve(magic.size() + 20 + header.size() + data.size() + kChecksumSize);
  out.append(magic);
  put_le(out, version, 4);
  put_le(out, header.size(), 8);
  put_le(out, data.size(), 8);
  out.append(header);
  out.append(data);
  put_le(out, crc32(out), kChecksumSize);
  return out;
}

FramePreamble read_preamble(std::string_view file, size_t magic_size) {
  return {get_le(file, magic_size, 4), get_le(file, magic_size + 4, 8), get_le(file, magic_size + 12, 8)};
}

void verify_checksum(std::string_view file, const std::string& mismatch) {
  const size_t body = file.size() - kChecksumSize;
  const auto stored = static_cast<uint32_t>(get_le(file, body, kChecksumSize));
  const uint32_t computed = crc32(file.substr(0, body));
  if (stored == computed) return;
  char detail[64];
  std::snprintf(detail, sizeof detail, " (stored CRC-32 %08x, computed %08x)", stored, computed);
  raise(mismatch + detail);
}

// ---------------------------------------------------------------- FramedHeaderReader

template <class Json>
FramedHeaderReader<Json>::FramedHeaderReader(std::string path, std::string corrupt, std::string_view data)
    : path_(std::move(path)), corrupt_(std::move(corrupt)), data_(data) {}

template <class Json>
void FramedHeaderReader<Json>::fail(const std::string& where, const std::string& what) const {
  raise(path_ + ": " + corrupt_ + ": " + where + ": " + what);
}

template <class Json>
const Json& FramedHeaderReader<Json>::member(const Json& object, const char* key, const std::string& where) const {
  if (!object.is_object()) fail(where, "expected an object");
  const auto it = object.find(key);
  if (it == object.end()) fail(where, std::string("missing '") + key + "'");
  return *it;
}

template <class Json>
std::string FramedHeaderReader<Json>::string_of(const Json& object, const char* key, const std::string& where) const {
  const Json& j = member(object, key, where);
  if (!j.is_string()) fail(where + "." + key, "expected a string");
  return j.template get<std::string>();
}

template <class Json>
at::Tensor FramedHeaderReader<Json>::stored_tensor(const Json& ref, const std::string& where) const {
  const std::string dtype_text = string_of(ref, "dtype", where);
  const FileDtype* dtype = file_dtype_named(dtype_text);
  if (dtype == nullptr) fail(where + ".dtype", "unknown dtype '" + dtype_text + "'");
  const Json& shape_json = member(ref, "shape", where);
  if (!shape_json.is_array()) fail(where + ".shape", "expected a list of sizes");
  std::vector<int64_t> shape;
  uint64_t numel = 1;
  bool overflow = false;
  for (const Json& d : shape_json) {
    if (!d.is_number_unsigned() ||
        d.template get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()})
      fail(where + ".shape", "expected non-negative integer sizes");
    shape.push_back(static_cast<int64_t>(d.template get<uint64_t>()));
    overflow = overflow || __builtin_mul_overflow(numel, d.template get<uint64_t>(), &numel);
  }
  const auto [offset, length] = byte_range(ref, where);
  uint64_t needed = 0;
  if (overflow || __builtin_mul_overflow(numel, dtype->size, &needed) || needed != length)
    fail(where, "shape " + shape_to_string(shape) + " of " + dtype_text + " does not take " +
                    std::to_string(length) + " bytes");
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype->type));
  char* out = static_cast<char*>(t.data_ptr());
  if (length > 0) std::memcpy(out, data_.data() + offset, length);
  swap_to_little_endian(out, length, dtype->size);
  if (dtype->type == at::kBool)
    for (uint64_t i = 0; i < length; ++i)
      if (static_cast<unsigned char>(out[i]) > 1) fail(where, "a bool byte is neither 0 nor 1");
  return t;
}

template class FramedHeaderReader<nlohmann::json>;
template class FramedHeaderReader<nlohmann::ordered_json>;

}  // namespace kiln::rt
