#include "common/file_io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "common/error.h"

namespace eesim {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

// What a non-regular file is, for the error that refuses it.
const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Closes on scope exit; close() errors on a read-only descriptor carry no information.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void write_all(int fd, std::string_view content, const std::string& path) {
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(path + ": cannot write (" + errno_text(n < 0 ? errno : EIO) + ")");
    done += static_cast<size_t>(n);
  }
}

// A name beside `target` that no other writer (thread or process) picks.
std::string temporary_name(const std::filesystem::path& target) {
  static std::atomic<uint64_t> counter{0};
  return (target.parent_path() /
          ("." + target.filename().string() + ".eesim-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter.fetch_add(1)) + ".tmp"))
      .string();
}

// Where a write to `path` lands: the file a symbolic link points to (the link stays a link).
std::filesystem::path write_target(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p(path);
  if (std::filesystem::is_symlink(p, ec)) {
    const auto resolved = std::filesystem::weakly_canonical(p, ec);
    if (!ec) p = resolved;
  }
  if (p.parent_path().empty()) p = std::filesystem::path(".") / p;
  return p;
}

}  // namespace

void check_path(const std::string& path) {
  const size_t nul = path.find('\0');
  if (nul == std::string::npos) return;
  throw Error(path.substr(0, nul) + "\\0" + path.substr(nul + 1) +
              ": a path cannot contain a NUL byte (the system would see only '" +
              path.substr(0, nul) + "')");
}

namespace {

// An open regular file of at most max_bytes (read_file's checks), with its size as stat saw it.
struct CheckedFile {
  Fd f;
  int64_t size = 0;
  std::string path;
  int64_t max_bytes = 0;
  std::string what, too_big_hint;

  Error too_big(int64_t bytes) const {
    return Error(path + ": " + std::to_string(bytes) + " bytes is over " +
                 (too_big_hint.empty()
                      ? "the " + std::to_string(max_bytes) + "-byte limit for " + what
                      : too_big_hint));
  }
};

CheckedFile open_checked(const std::string& path, const std::string& what, int64_t max_bytes,
                         const std::string& too_big_hint) {
  check_path(path);
  CheckedFile c{{}, 0, path, max_bytes, what, too_big_hint};
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever; the
  // descriptor is refused below before anything is read from it.
  c.f.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (c.f.fd < 0) throw Error(path + ": cannot open (" + errno_text(errno) + "), expected " + what);
  struct stat st {};
  if (::fstat(c.f.fd, &st) != 0) throw Error(path + ": cannot stat (" + errno_text(errno) + ")");
  if (!S_ISREG(st.st_mode))
    throw Error(path + ": " + file_kind(st.st_mode) + ", not a regular file; expected " + what);
  if (st.st_size > max_bytes) throw c.too_big(st.st_size);
  c.size = st.st_size;
  return c;
}

// The rest of an open file's bytes. The size stat gave is a hint (a file can grow while read;
// /proc files say 0): read that much, then on to the end in small pieces, never past max_bytes.
std::string read_all(const CheckedFile& c) {
  std::string bytes(static_cast<size_t>(c.size), '\0');
  size_t have = 0;
  const auto read_some = [&](char* into, size_t room) {
    while (true) {
      const ssize_t n = ::read(c.f.fd, into, room);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) throw Error(c.path + ": read error (" + errno_text(errno) + ")");
    }
  };
  while (have < bytes.size()) {
    const size_t n = read_some(bytes.data() + have, bytes.size() - have);
    if (n == 0) break;
    have += n;
  }
  if (have == bytes.size()) {
    char piece[1 << 16];
    for (size_t n; (n = read_some(piece, sizeof piece)) > 0;) {
      if (static_cast<int64_t>(have + n) > c.max_bytes)
        throw c.too_big(static_cast<int64_t>(have + n));
      bytes.append(piece, n);
      have += n;
    }
  }
  bytes.resize(have);
  return bytes;
}

}  // namespace

std::string read_file(const std::string& path, const std::string& what, int64_t max_bytes,
                      const std::string& too_big_hint) {
  return read_all(open_checked(path, what, max_bytes, too_big_hint));
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      copy_(std::move(other.copy_)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (map_) ::munmap(map_, size_);
    map_ = std::exchange(other.map_, nullptr);
    size_ = std::exchange(other.size_, 0);
    copy_ = std::move(other.copy_);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (map_) ::munmap(map_, size_);
}

std::string_view MappedFile::view() const {
  return map_ ? std::string_view(static_cast<const char*>(map_), size_) : std::string_view(copy_);
}

MappedFile map_file(const std::string& path, const std::string& what, int64_t max_bytes,
                    const std::string& too_big_hint) {
  const CheckedFile c = open_checked(path, what, max_bytes, too_big_hint);
  MappedFile m;
  // A size of 0 may be a /proc file whose bytes only read() sees; mmap refuses 0 bytes anyway.
  void* p = c.size > 0
                ? ::mmap(nullptr, static_cast<size_t>(c.size), PROT_READ, MAP_PRIVATE, c.f.fd, 0)
                : MAP_FAILED;
  if (p == MAP_FAILED) {
    m.copy_ = read_all(c);
    return m;
  }
  // Readers of a mapped model jump from header to header over the weights between them: read
  // ahead only what is touched, not the megabytes after it.
  ::madvise(p, static_cast<size_t>(c.size), MADV_RANDOM);
  m.map_ = p;
  m.size_ = static_cast<size_t>(c.size);
  return m;
}

std::string read_text_file(const std::string& path, const std::string& what) {
  std::string text = read_file(path, what, kMaxTextFileBytes);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return text;
}

void write_file(const std::string& path, std::string_view content) {
  check_path(path);
  if (path.empty()) throw Error("an output path is empty");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw Error(path + ": is a directory, expected a file to write");
    Fd f{::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY)};
    if (f.fd < 0) throw Error(path + ": cannot open for writing (" + errno_text(errno) + ")");
    write_all(f.fd, content, path);
    const int fd = f.fd;
    f.fd = -1;
    if (::close(fd) != 0) throw Error(path + ": cannot write (" + errno_text(errno) + ")");
    return;
  }
  const std::filesystem::path target = write_target(path);
  const std::string tmp = temporary_name(target);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
  if (fd < 0) throw Error(path + ": cannot create (" + errno_text(errno) + ")");
  try {
    try {
      write_all(fd, content, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    // close() reports what delayed allocation found only then (a full disk, a quota).
    if (::close(fd) != 0) throw Error(path + ": cannot write (" + errno_text(errno) + ")");
    if (::rename(tmp.c_str(), target.c_str()) != 0)
      throw Error(path + ": cannot replace (" + errno_text(errno) + ")");
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

}  // namespace eesim
