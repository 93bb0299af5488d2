#include "runtime/drivers/state_file.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <vector>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/tensor/dtype.h"

namespace kiln::rt {

namespace {

using json = nlohmann::ordered_json;

// The layout of runtime/drivers/README.md, "The checkpoint format".
constexpr std::string_view kMagic = "KILN-CHECKPOINT\n";
constexpr uint32_t kVersion = 1;
constexpr size_t kPreambleSize = 36;  // magic (16), u32 version, u64 header length, u64 data length
constexpr size_t kChecksumSize = 4;
// Deeper nesting than any state has; more means a corrupt (or hostile)
// header, which must not recurse without end.
constexpr int kMaxDepth = 64;

json encode_float(double d) {
  if (std::isfinite(d)) return json(d);
  return json{{"float", std::isnan(d) ? "nan" : (d > 0 ? "inf" : "-inf")}};
}

}  // namespace

// ---------------------------------------------------------------- writing

json StateWriter::tensor(const at::Tensor& tensor, const std::string& where) {
  const std::optional<AppendedTensor> stored = append_tensor(data_, tensor);
  if (!stored)
    raise("cannot store " + where + " in a checkpoint: dtype " + std::string(dtype_name(tensor.scalar_type())) +
          " is not supported");
  return json{{"tensor", json{{"dtype", stored->dtype->name},
                              {"shape", stored->shape},
                              {"offset", stored->offset},
                              {"length", stored->length}}}};
}

json StateWriter::encode(const Value& v, const std::string& where) {
  switch (v.tag()) {
    case Tag::kNone:
      return json(nullptr);
    case Tag::kBool:
      return json(v.as_bool());
    case Tag::kInt:
      return json(v.as_int());
    case Tag::kFloat:
      return encode_float(v.as_float());
    case Tag::kUnbound:
      throw InternalError("StateWriter: an unbound value at " + where);
    case Tag::kObject:
      break;
  }
  if (is_str(v)) return json(str_of(v));
  if (is_tensor(v)) return tensor(tensor_of(v), where);
  if (v.is(ObjKind::kList) || v.is(ObjKind::kTuple)) {
    json items = json::array();
    const std::vector<Value> elements = to_vector(v);
    for (size_t i = 0; i < elements.size(); ++i)
      items.push_back(encode(elements[i], where + "[" + std::to_string(i) + "]"));
    if (v.is(ObjKind::kList)) return items;
    return json{{"tuple", std::move(items)}};
  }
  if (v.is(ObjKind::kDict)) {
    json entries = json::array();
    v.as<DictObject>()->for_each([&](const Value& key, const Value& value) {
      const std::string at = where + "[" + to_repr(key) + "]";
      entries.push_back(json::array({encode(key, at + " (key)"), encode(value, at)}));
    });
    return json{{"dict", std::move(entries)}};
  }
  raise("cannot store " + where + " in a checkpoint: it is a " + type_name(v) +
        "; checkpoints hold None, numbers, str, lists, tuples, dicts and tensors");
}

std::string StateWriter::file_bytes(const json& header) const {
  return frame_file(kMagic, kVersion, header.dump(), data_);
}

// ---------------------------------------------------------------- reading

StateReader::StateReader(std::string path, std::string bytes)
    : FramedHeaderReader(std::move(path), "corrupt checkpoint"), bytes_(std::move(bytes)) {
  const std::string_view file = bytes_;
  if (file.size() < kMagic.size() || file.substr(0, kMagic.size()) != kMagic)
    raise(path_ + ": not a Kiln checkpoint (bad magic)");
  if (file.size() < kPreambleSize)
    raise(path_ + ": truncated: expected a " + std::to_string(kPreambleSize) + "-byte preamble, found " +
          std::to_string(file.size()) + " bytes");
  const auto [version, header_size, data_size] = read_preamble(file, kMagic.size());
  if (version != kVersion)
    raise(path_ + ": checkpoint format version " + std::to_string(version) +
          " is not supported (this Kiln reads version " + std::to_string(kVersion) + ")");
  const uint64_t rest = file.size() - kPreambleSize;
  if (header_size > rest || data_size > rest - header_size || rest - header_size - data_size != kChecksumSize)
    raise(path_ + ": truncated or damaged: the preamble announces " + std::to_string(header_size) +
          " bytes of header and " + std::to_string(data_size) + " of data, but the file has " +
          std::to_string(rest) + " bytes after the preamble");
  verify_checksum(file, path_ + ": checksum mismatch: the checkpoint is damaged");
  data_ = file.substr(kPreambleSize + header_size, data_size);
  try {
    header_ = json::parse(file.substr(kPreambleSize, header_size));
  } catch (const json::exception& e) {
    raise(path_ + ": corrupt checkpoint: the header is not valid JSON (" + std::string(e.what()) + ")");
  }
  if (!header_.is_object()) fail("header", "expected an object");
}

int64_t StateReader::int_of(const json& object, const char* key, const std::string& where) const {
  const json& j = member(object, key, where);
  if (!j.is_number_integer() ||
      (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()}))
    fail(where + "." + key, "expected an integer");
  return j.get<int64_t>();
}

at::Tensor StateReader::tensor(const json& j, const std::string& where) const {
  return stored_tensor(member(j, "tensor", where), where + ".tensor");
}

StateReader::ByteRange StateReader::byte_range(const json& ref, const std::string& where) const {
  const int64_t offset = int_of(ref, "offset", where), length = int_of(ref, "length", where);
  if (offset < 0 || length < 0 || static_cast<uint64_t>(offset) > data_.size() ||
      static_cast<uint64_t>(length) > data_.size() - static_cast<uint64_t>(offset))
    fail(where, "its bytes lie outside the " + std::to_string(data_.size()) + "-byte data section");
  return {static_cast<uint64_t>(offset), static_cast<uint64_t>(length)};
}

namespace {

// decode with a depth bound, kept out of the header's interface.
Value decode_at(const StateReader& reader, const json& j, const std::string& where, int depth) {
  if (depth > kMaxDepth) reader.fail(where, "values nested too deeply");
  if (j.is_null()) return Value();
  if (j.is_boolean()) return Value(j.get<bool>());
  if (j.is_number_unsigned()) {
    if (j.get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()}) reader.fail(where, "an int too large");
    return Value(static_cast<int64_t>(j.get<uint64_t>()));
  }
  if (j.is_number_integer()) return Value(j.get<int64_t>());
  if (j.is_number_float()) return Value(j.get<double>());
  if (j.is_string()) return make_str(j.get<std::string>());
  if (j.is_array()) {
    std::vector<Value> items;
    for (size_t i = 0; i < j.size(); ++i)
      items.push_back(decode_at(reader, j[i], where + "[" + std::to_string(i) + "]", depth + 1));
    return make_list(std::move(items));
  }
  if (!j.is_object() || j.size() != 1)
    reader.fail(where, "expected a value, or an object with one of 'float', 'tuple', 'dict', 'tensor'");
  const auto only = j.begin();
  const std::string tag = only.key();
  const json& body = only.value();
  if (tag == "float") {
    const std::string text = body.is_string() ? body.get<std::string>() : "";
    if (text == "inf") return Value(std::numeric_limits<double>::infinity());
    if (text == "-inf") return Value(-std::numeric_limits<double>::infinity());
    if (text == "nan") return Value(std::numeric_limits<double>::quiet_NaN());
    reader.fail(where + ".float", "expected \"inf\", \"-inf\" or \"nan\"");
  }
  if (tag == "tuple") {
    if (!body.is_array()) reader.fail(where + ".tuple", "expected a list");
    std::vector<Value> items;
    for (size_t i = 0; i < body.size(); ++i)
      items.push_back(decode_at(reader, body[i], where + ".tuple[" + std::to_string(i) + "]", depth + 1));
    return make_tuple(std::move(items));
  }
  if (tag == "dict") {
    if (!body.is_array()) reader.fail(where + ".dict", "expected a list of [key, value] pairs");
    Value dict = make_dict();
    for (size_t i = 0; i < body.size(); ++i) {
      const std::string at = where + ".dict[" + std::to_string(i) + "]";
      if (!body[i].is_array() || body[i].size() != 2) reader.fail(at, "expected a [key, value] pair");
      const Value key = decode_at(reader, body[i][0], at + "[0]", depth + 1);
      if (is_tensor(key) || key.is(ObjKind::kList) || key.is(ObjKind::kDict))
        reader.fail(at + "[0]", "a key that is not hashable");
      dict.as<DictObject>()->set(key, decode_at(reader, body[i][1], at + "[1]", depth + 1));
    }
    return dict;
  }
  if (tag == "tensor") return make_tensor(reader.tensor(j, where));
  reader.fail(where, "unknown tag '" + tag + "'");
}

}  // namespace

Value StateReader::decode(const json& j, const std::string& where) const { return decode_at(*this, j, where, 0); }

}  // namespace kiln::rt
