#include "runtime/param_store_file.h"

#include <ATen/ATen.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <unordered_set>
#include <vector>

#include "runtime/atomic_file.h"
#include "runtime/errors.h"
#include "runtime/framed_file.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/tensor/dtype.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

using json = nlohmann::json;

// The layout of docs/param_store_format.md; the framing and the dtypes'
// names are runtime/framed_file.h's.
constexpr std::string_view kMagic = "KILN-PARAMS\n";
constexpr uint32_t kVersion = 1;
constexpr size_t kPreambleSize = 32;  // magic, u32 version, u64 header length, u64 data length
constexpr size_t kChecksumSize = 4;
// independent(independent(...)) nests; a real constraint nests once or
// twice, so a deeper header is corrupt (and must not recurse without end).
constexpr int kMaxConstraintNesting = 8;
// More event dims than any tensor has; a larger count is corrupt.
constexpr uint64_t kMaxReinterpretedDims = 64;

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

[[noreturn]] void raise_os_error(const std::string& path, const std::string& doing, int err) {
  raise(path + ": " + doing + ": " + std::strerror(err));
}

// ---------------------------------------------------------------- saving

// Appends tensors to the data section and describes them in the header.
class DataWriter {
 public:
  explicit DataWriter(std::string path) : path_(std::move(path)) {}

  json add(const at::Tensor& tensor, const std::string& what) {
    const std::optional<AppendedTensor> stored = append_tensor(data_, tensor);
    if (!stored)
      raise(path_ + ": cannot save " + what + ": dtype " + std::string(dtype_name(tensor.scalar_type())) +
            " is not supported by the param file format");
    return json{{"dtype", stored->dtype->name},
                {"shape", stored->shape},
                {"offset", stored->offset},
                {"length", stored->length}};
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
  return frame_file(kMagic, kVersion, json{{"params", std::move(params)}}.dump(), writer.data());
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
  const auto [version, header_size, data_size] = read_preamble(file, kMagic.size());
  if (version != kVersion)
    raise(path + ": param file version " + std::to_string(version) +
          " is not supported (this Kiln reads version " + std::to_string(kVersion) + ")");
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
  verify_checksum(file, path + ": checksum mismatch: the file is corrupt");
  return {file.substr(kPreambleSize, header_size), file.substr(kPreambleSize + header_size, data_size)};
}

// Reads header fields, naming the path and the field in every complaint.
class HeaderReader final : public FramedHeaderReader<json> {
 public:
  HeaderReader(const std::string& path, std::string_view data) : FramedHeaderReader(path, "corrupt header", data) {}

  uint64_t uint_of(const json& object, const char* key, const std::string& where) const {
    const json& j = member(object, key, where);
    if (!j.is_number_unsigned()) fail(where + "." + key, "expected a non-negative integer");
    return j.get<uint64_t>();
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
    if (info->has_lower) lower = stored_tensor(member(j, "lower", where), where + ".lower");
    if (info->has_upper) upper = stored_tensor(member(j, "upper", where), where + ".upper");
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
  ByteRange byte_range(const json& ref, const std::string& where) const override {
    const uint64_t offset = uint_of(ref, "offset", where), length = uint_of(ref, "length", where);
    if (offset > data_.size() || length > data_.size() - offset)
      fail(where, "bytes [" + std::to_string(offset) + ", " + std::to_string(offset) + " + " +
                      std::to_string(length) + ") lie outside the " + std::to_string(data_.size()) +
                      "-byte data section");
    return {offset, length};
  }
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
    at::Tensor u = reader.stored_tensor(p, where);
    if (!at::isFloatingType(u.scalar_type()))
      reader.fail(where + ".dtype", "param '" + name + "' is not floating-point");
    Value c = reader.constraint(reader.member(p, "constraint", where), where + ".constraint", 0);
    check_fits(path, name, u, c);
    entries.push_back(ParamStore::Entry{name, std::move(u), std::move(c)});
  }
  return entries;
}

}  // namespace

void save_params(const std::string& path, const ParamStore& store) {
  const std::string bytes = torch_guard(path, [&] { return serialize(path, store); });
  write_file_atomically(path, bytes, {"cannot save params: cannot create", "cannot save params"});
}

void load_params(const std::string& path, ParamStore& store) {
  const std::string file = read_whole_file(path);
  std::vector<ParamStore::Entry> entries = torch_guard(path, [&] { return parse(path, file); });
  store.update(std::move(entries));
}

}  // namespace kiln::rt
