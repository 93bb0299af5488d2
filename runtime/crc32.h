// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320; the same value as
// zlib's crc32): the checksum that ends the param file and `kiln svi`'s
// checkpoint (runtime/framed_file.h), and that a checkpoint keeps of the
// param file it belongs to.
//
//   uint32_t c = crc32(bytes);                 // one piece
//   uint32_t c = crc32(rest, crc32(first));    // the same value, in two pieces
#pragma once

#include <cstdint>
#include <string_view>

namespace kiln::rt {

// The CRC-32 of `bytes`, continuing from `crc` (0 to start).
uint32_t crc32(std::string_view bytes, uint32_t crc = 0);

}  // namespace kiln::rt
