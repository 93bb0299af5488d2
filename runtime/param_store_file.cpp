#include "runtime/param_store_file.h"

#include <ATen/ATen.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>
#include <vector>

#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/tensor/dtype.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

using json = nlohmann::json;

// The layout of docs/param_store_format.md.
constexpr std::string_view kMagic = "KILN-PARAMS\n";
constexpr uint32_t kVersion = 1;
constexpr size_t kPreambleSize = 32;  // magic, u32 version, u64 header length, u64 data length
constexpr size_t kChecksumSize = 4;
// independent(independent(...)) nests; a real constraint nests once or
// twice, so a deeper header is corrupt (and must not recurse without end).
constexpr int kMaxConstraintNesting = 8;
// More event dims than any tensor has; a larger count is corrupt.
constexpr uint64_t kMaxReinterpretedDims = 64;

// Dtype names of the format: fixed here, not Kiln's printing names, so the
// file stays readable whatever the language calls them.
struct DtypeInfo {
  const char* name;
  at::ScalarType type;
  size_t size;
};
constexpr std::array<DtypeInfo, 10> kDtypes = {{
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

// Constraint kinds a param may have (the continuous ones), with their
// names in the file and which bound tensors they carry.
struct KindInfo {
  const char* name;
  ConstraintKind kind;
  bool has_lower, has_upper;
};
constexpr std::array<KindInfo, 14> kKinds = {{
    {"real", ConstraintKind::kReal, false, false},
    {"positive", ConstraintKind::kPositive, false, false},
    {"nonnegative", ConstraintKind::kNonnegative, false, false},
    {"greater_than", ConstraintKind::kGreaterThan, true, false},
    {"greater_than_eq", ConstraintKind::kGreaterThanEq, true, false},
    {"less_than", ConstraintKind::kLessThan, false, true},
    {"interval", ConstraintKind::kInterval, true, true},
    {"half_open_interval", ConstraintKind::kHalfOpenInterval, true, true},
    {"unit_interval", ConstraintKind::kUnitInterval, false, false},
    {"simplex", ConstraintKind::kSimplex, false, false},
    {"lower_cholesky", ConstraintKind::kLowerCholesky, false, false},
    {"corr_cholesky", ConstraintKind::kCorrCholesky, false, false},
    {"positive_definite", ConstraintKind::kPositiveDefinite, false, false},
    {"independent", ConstraintKind::kIndependent, false, false},
}};

// The format is little-endian; on a big-endian host each element's bytes
// are reversed on the way in and out (the operation is its own inverse).
void swap_to_little_endian(char* data, size_t bytes, size_t element_size) {
  if constexpr (std::endian::native == std::endian::little) return;
  for (size_t i = 0; i + element_size <= bytes; i += element_size)
    std::reverse(data + i, data + i + element_size);
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

[[noreturn]] void raise_os_error(const std::string& path, const std::string& doing, int err) {
  raise(path + ": " + doing + ": " + std::strerror(err));
}

// ---------------------------------------------------------------- saving

// Appends tensors to the data section and describes them in the header.
class DataWriter {
 public:
  explicit DataWriter(std::string path) : path_(std::move(path)) {}

  json add(const at::Tensor& tensor, const std::string& what) {
    const at::Tensor t = tensor.detach().to(at::kCPU).contiguous();
    const DtypeInfo* info = nullptr;
    for (const DtypeInfo& d : kDtypes)
      if (d.type == t.scalar_type()) info = &d;
    if (info == nullptr)
      raise(path_ + ": cannot save " + what + ": dtype " + std::string(dtype_name(t.scalar_type())) +
            " is not supported by the param file format");
    const size_t offset = data_.size();
    const size_t length = static_cast<size_t>(t.numel()) * info->size;
    if (length > 0) data_.append(static_cast<const char*>(t.data_ptr()), length);
    swap_to_little_endian(data_.data() + offset, length, info->size);
    return json{{"dtype", info->name}, {"shape", t.sizes().vec()}, {"offset", offset}, {"length", length}};
  }

  json constraint(const Constraint& c, const std::string& what) {
    const KindInfo* info = nullptr;
    for (const KindInfo& k : kKinds)
      if (k.kind == c.kind()) info = &k;
    KILN_ASSERT(info != nullptr, "save_params: " + what + " has the discrete constraint " + c.name());
    json j{{"kind", info->name}};
    if (info->has_lower) j["lower"] = add(c.lower(), what + "'s lower bound");
    if (info->has_upper) j["upper"] = add(c.upper(), what + "'s upper bound");
    if (c.kind() == ConstraintKind::kIndependent) {
      j["base"] = constraint(c.base(), what);
      j["reinterpreted_dims"] = c.reinterpreted_dims();
    }
    return j;
  }

  const std::string& data() const { return data_; }

 private:
  std::string path_;
  std::string data_;
};

std::string serialize(const std::string& path, const ParamStore& store) {
  DataWriter writer(path);
  json params = json::array();
  for (const ParamStore::Entry& e : store.entries()) {
    const std::string what = "param '" + e.name + "'";
    json p = writer.add(e.unconstrained, what);
    p["name"] = e.name;
    p["constraint"] = writer.constraint(*as_constraint(e.constraint), what);
    params.push_back(std::move(p));
  }
  const std::string header = json{{"params", std::move(params)}}.dump();
  std::string out;
  out.reserve(kPreambleSize + header.size() + writer.data().size() + kChecksumSize);
  out.append(kMagic);
  put_le(out, kVersion, 4);
  put_le(out, header.size(), 8);
  put_le(out, writer.data().size(), 8);
  out.append(header);
  out.append(writer.data());
  put_le(out, crc32(out), kChecksumSize);
  return out;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// So the rename itself survives a crash; failing to sync the directory
// loses nothing the caller could act on, so it is not an error.
void sync_directory_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Writes a sibling temporary file and renames it over `path`, so readers
// see the old file or the new one, never a part.
void write_atomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  // O_EXCL: never write through a file or link that is already there.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) raise_os_error(path, "cannot save params: cannot create " + tmp, errno);
  int err = 0;
  if (!write_all(fd, bytes)) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    raise_os_error(path, "cannot save params", err);
  }
  sync_directory_of(path);
}

// ---------------------------------------------------------------- loading

std::string read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) raise_os_error(path, "cannot read params", errno);
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      raise_os_error(path, "cannot read params", err);
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// Checks the preamble, sizes and checksum; returns the header text and the
// data section.
std::pair<std::string_view, std::string_view> split_file(const std::string& path, std::string_view file) {
  if (file.empty()) raise(path + ": not a Kiln param file (the file is empty)");
  if (file.substr(0, kMagic.size()) != kMagic.substr(0, std::min(file.size(), kMagic.size())))
    raise(path + ": not a Kiln param file (bad magic)");
  if (file.size() < kPreambleSize)
    raise(path + ": truncated: expected a " + std::to_string(kPreambleSize) + "-byte preamble, found " +
          std::to_string(file.size()) + " bytes");
  const uint64_t version = get_le(file, kMagic.size(), 4);
  if (version != kVersion)
    raise(path + ": param file version " + std::to_string(version) +
          " is not supported (this Kiln reads version " + std::to_string(kVersion) + ")");
  const uint64_t header_size = get_le(file, 16, 8), data_size = get_le(file, 24, 8);
  const uint64_t after_preamble = file.size() - kPreambleSize;
  if (header_size > after_preamble)
    raise(path + ": truncated: expected " + std::to_string(header_size) + " bytes of header, found " +
          std::to_string(after_preamble));
  const uint64_t after_header = after_preamble - header_size;
  if (data_size > after_header)
    raise(path + ": truncated: expected " + std::to_string(data_size) + " bytes of data, found " +
          std::to_string(after_header));
  const uint64_t after_data = after_header - data_size;
  if (after_data < kChecksumSize)
    raise(path + ": truncated: expected a " + std::to_string(kChecksumSize) + "-byte checksum, found " +
          std::to_string(after_data) + " bytes");
  if (after_data > kChecksumSize)
    raise(path + ": corrupt: " + std::to_string(after_data - kChecksumSize) +
          " unexpected bytes after the checksum");
  const size_t body = file.size() - kChecksumSize;
  const uint32_t stored = static_cast<uint32_t>(get_le(file, body, kChecksumSize));
  const uint32_t computed = crc32(file.substr(0, body));
  if (stored != computed) {
    char detail[64];
    std::snprintf(detail, sizeof detail, " (stored CRC-32 %08x, computed %08x)", stored, computed);
    raise(path + ": checksum mismatch: the file is corrupt" + std::string(detail));
  }
  return {file.substr(kPreambleSize, header_size), file.substr(kPreambleSize + header_size, data_size)};
}

// Reads header fields, naming the path and the field in every complaint.
class HeaderReader {
 public:
  HeaderReader(const std::string& path, std::string_view data) : path_(path), data_(data) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    raise(path_ + ": corrupt header: " + where + ": " + what);
  }

  const json& member(const json& object, const char* key, const std::string& where) const {
    if (!object.is_object()) fail(where, "expected an object");
    auto it = object.find(key);
    if (it == object.end()) fail(where, std::string("missing '") + key + "'");
    return *it;
  }

  std::string string_of(const json& object, const char* key, const std::string& where) const {
    const json& j = member(object, key, where);
    if (!j.is_string()) fail(where + "." + key, "expected a string");
    return j.get<std::string>();
  }

  uint64_t uint_of(const json& object, const char* key, const std::string& where) const {
    const json& j = member(object, key, where);
    if (!j.is_number_unsigned()) fail(where + "." + key, "expected a non-negative integer");
    return j.get<uint64_t>();
  }

  // A tensor stored in the data section: {dtype, shape, offset, length}.
  at::Tensor tensor(const json& ref, const std::string& where) const {
    const std::string dtype = string_of(ref, "dtype", where);
    const DtypeInfo* info = nullptr;
    for (const DtypeInfo& d : kDtypes)
      if (dtype == d.name) info = &d;
    if (info == nullptr) fail(where + ".dtype", "unknown dtype '" + dtype + "'");
    const json& shape_json = member(ref, "shape", where);
    if (!shape_json.is_array()) fail(where + ".shape", "expected a list of sizes");
    std::vector<int64_t> shape;
    uint64_t numel = 1;
    bool overflow = false;
    for (const json& d : shape_json) {
      if (!d.is_number_unsigned() || d.get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()})
        fail(where + ".shape", "expected non-negative integer sizes");
      shape.push_back(static_cast<int64_t>(d.get<uint64_t>()));
      overflow = overflow || __builtin_mul_overflow(numel, d.get<uint64_t>(), &numel);
    }
    const uint64_t offset = uint_of(ref, "offset", where), length = uint_of(ref, "length", where);
    if (offset > data_.size() || length > data_.size() - offset)
      fail(where, "bytes [" + std::to_string(offset) + ", " + std::to_string(offset) + " + " +
                      std::to_string(length) + ") lie outside the " + std::to_string(data_.size()) +
                      "-byte data section");
    uint64_t needed = 0;
    if (overflow || __builtin_mul_overflow(numel, info->size, &needed) || needed != length)
      fail(where, "shape " + shape_to_string(shape) + " of " + dtype + " does not take " +
                      std::to_string(length) + " bytes");
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(info->type));
    char* out = static_cast<char*>(t.data_ptr());
    if (length > 0) std::memcpy(out, data_.data() + offset, length);
    swap_to_little_endian(out, length, info->size);
    if (info->type == at::kBool)
      for (uint64_t i = 0; i < length; ++i)
        if (static_cast<unsigned char>(out[i]) > 1) fail(where, "a bool byte is neither 0 nor 1");
    return t;
  }

  Value constraint(const json& j, const std::string& where, int depth) const {
    if (depth > kMaxConstraintNesting) fail(where, "constraints nested too deeply");
    const std::string kind = string_of(j, "kind", where);
    const KindInfo* info = nullptr;
    for (const KindInfo& k : kKinds)
      if (kind == k.name) info = &k;
    if (info == nullptr) fail(where + ".kind", "unknown constraint kind '" + kind + "'");
    if (info->kind == ConstraintKind::kIndependent) {
      const Value base = constraint(member(j, "base", where), where + ".base", depth + 1);
      const uint64_t dims = uint_of(j, "reinterpreted_dims", where);
      if (dims > kMaxReinterpretedDims) fail(where + ".reinterpreted_dims", "too large");
      return independent(base, static_cast<int64_t>(dims));
    }
    at::Tensor lower, upper;
    if (info->has_lower) lower = tensor(member(j, "lower", where), where + ".lower");
    if (info->has_upper) upper = tensor(member(j, "upper", where), where + ".upper");
    // The factories check their bounds; their complaint becomes ours.
    try {
      return torch_guard("", [&] {
        switch (info->kind) {
          case ConstraintKind::kGreaterThan:
            return greater_than(lower);
          case ConstraintKind::kGreaterThanEq:
            return greater_than_eq(lower);
          case ConstraintKind::kLessThan:
            return less_than(upper);
          case ConstraintKind::kInterval:
            return interval(lower, upper);
          case ConstraintKind::kHalfOpenInterval:
            return half_open_interval(lower, upper);
          default:
            return constraint_of(info->kind);
        }
      });
    } catch (const KilnError& e) {
      fail(where, e.what());
    }
  }

 private:
  const std::string& path_;
  std::string_view data_;
};

// The data must be something the constraint's transform accepts (a
// Cholesky factor needs square matrices, a simplex at least one dim).
void check_fits(const std::string& path, const std::string& name, const at::Tensor& u, const Value& c) {
  try {
    torch_guard("", [&] {
      at::NoGradGuard no_grad;
      (void)as_transform(biject_to(c))->forward(u);
    });
  } catch (const KilnError& e) {
    raise(path + ": param '" + name + "': data of shape " + shape_to_string(u.sizes().vec()) +
          " does not fit constraints." + as_constraint(c)->name() + ": " + e.what());
  }
}

std::vector<ParamStore::Entry> parse(const std::string& path, std::string_view file) {
  const auto [header_text, data] = split_file(path, file);
  json header;
  try {
    header = json::parse(header_text);
  } catch (const json::exception& e) {
    raise(path + ": corrupt header: not valid JSON (" + std::string(e.what()) + ")");
  }
  const HeaderReader reader(path, data);
  const json& params = reader.member(header, "params", "header");
  if (!params.is_array()) reader.fail("params", "expected a list");
  std::vector<ParamStore::Entry> entries;
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string where = "params[" + std::to_string(i) + "]";
    const json& p = params[i];
    const std::string name = reader.string_of(p, "name", where);
    if (name.empty()) reader.fail(where + ".name", "empty name");
    if (!seen.insert(name).second) reader.fail(where + ".name", "param '" + name + "' appears twice");
    at::Tensor u = reader.tensor(p, where);
    if (!at::isFloatingType(u.scalar_type()))
      reader.fail(where + ".dtype", "param '" + name + "' is not floating-point");
    Value c = reader.constraint(reader.member(p, "constraint", where), where + ".constraint", 0);
    check_fits(path, name, u, c);
    entries.push_back(ParamStore::Entry{name, std::move(u), std::move(c)});
  }
  return entries;
}

}  // namespace

uint32_t crc32(std::string_view bytes, uint32_t crc) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void save_params(const std::string& path, const ParamStore& store) {
  const std::string bytes = torch_guard(path, [&] { return serialize(path, store); });
  write_atomically(path, bytes);
}

void load_params(const std::string& path, ParamStore& store) {
  const std::string file = read_whole_file(path);
  std::vector<ParamStore::Entry> entries = torch_guard(path, [&] { return parse(path, file); });
  store.update(std::move(entries));
}

}  // namespace kiln::rt
