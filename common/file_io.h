#pragma once
// The user's files in and out, bounded and checked. Every file eesim reads goes through
// read_file (or map_file, which shares its checks): it never blocks on a FIFO, never reads a
// directory or a device as if it were empty, and never grows without bound on /dev/zero. Every
// file eesim writes goes through write_file: a failed write or close is an error naming the
// file, never a truncated file that looks complete.
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

// A file's bytes mapped read-only (mmap), so that only the pages a reader touches are read from
// disk or copied: the ONNX reader walks a model's skeleton and skips its weights. Move-only; the
// mapping lives as long as the object. When the system cannot map the file (a /proc file, a
// file system without mmap), its bytes are read into memory instead and view() shows those.
// A file truncated by another process while mapped makes reading past its new end fault
// (SIGBUS), as with any mmap reader; eesim's inputs are not written while it runs.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view view() const;
  bool mapped() const { return map_ != nullptr; }  // false: read into memory

 private:
  friend MappedFile map_file(const std::string&, const std::string&, int64_t, const std::string&);
  void* map_ = nullptr;
  size_t size_ = 0;
  std::string copy_;
};

// read_file's contract (same checks, same errors naming `path`), mapping the file instead of
// copying it when it can.
MappedFile map_file(const std::string& path, const std::string& what, int64_t max_bytes,
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
