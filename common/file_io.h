#pragma once
// The user's files in and out, bounded and checked. Every file eesim reads goes through
// read_file: it never blocks on a FIFO, never reads a directory or a device as if it were
// empty, and never grows without bound on /dev/zero. Every file eesim writes goes through
// write_file: a failed write or close is an error naming the file, never a truncated file that
// looks complete.
#include <cstdint>
#include <string>
#include <string_view>

namespace eesim {

// Text inputs (architecture, exit profile, mapping and stacks files) are small: 16 MiB holds a
// mapping line for every layer of a network thousands of times larger than any edge network.
inline constexpr int64_t kMaxTextFileBytes = int64_t{16} << 20;

// The bytes of the regular file `path`, at most `max_bytes` of them. `what` says what the file
// should be ("architecture file"). Throws eesim::Error naming `path` when the path holds a NUL
// byte, is missing, is not a regular file (a directory, FIFO or device: refused without opening
// it for a blocking read), is larger than `max_bytes` (`too_big_hint` is appended to that
// error), or cannot be read.
std::string read_file(const std::string& path, const std::string& what, int64_t max_bytes,
                      const std::string& too_big_hint = "");

// read_file with kMaxTextFileBytes, minus a leading UTF-8 byte-order mark (editors on Windows
// write one; it would otherwise become part of the first name in the file).
std::string read_text_file(const std::string& path, const std::string& what);

// Writes `content` to `path` or throws eesim::Error naming it. A regular file (or a new one)
// is written under a temporary name in the same directory and renamed over `path` only once
// every byte is written and the file closed, so a full disk leaves `path` as it was. Anything
// else (/dev/stdout, a pipe, a terminal) is written in place with every write checked.
void write_file(const std::string& path, std::string_view content);

// Throws eesim::Error when `path` holds a NUL byte: the operating system would see only the
// part before it (Python's open() refuses these paths the same way).
void check_path(const std::string& path);

}  // namespace eesim
