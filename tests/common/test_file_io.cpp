// Reading and writing the user's files (common/file_io.h): bounded, never blocking, never a
// silent partial write (issue 13, items 3, 4, 8 and 13).
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "common/error.h"
#include "common/file_io.h"

namespace fs = std::filesystem;
using eesim::Error;

namespace {

// A scratch directory of this test's own, removed at the end.
struct ScratchDir {
  fs::path path = fs::temp_directory_path() / ("eesim_test_file_io_" + std::to_string(::getpid()));
  ScratchDir() { fs::create_directories(path); }
  ~ScratchDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

size_t entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("read_file: a FIFO, a directory and a device are refused at once, naming the kind") {
  ScratchDir dir;
  const std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Opening a FIFO with no writer would block forever; the reader refuses it without waiting.
  CHECK_THROWS_WITH_AS(
      eesim::read_text_file(fifo, "an exit profile file"),
      (fifo + ": a FIFO, not a regular file; expected an exit profile file").c_str(), Error);
  CHECK_THROWS_WITH_AS(
      eesim::read_text_file(dir.path.string(), "a stacks file"),
      (dir.path.string() + ": a directory, not a regular file; expected a stacks file").c_str(),
      Error);
  CHECK_THROWS_WITH_AS(eesim::read_text_file("/dev/zero", "an architecture file"),
                       "/dev/zero: a character device, not a regular file; expected an "
                       "architecture file",
                       Error);
}

TEST_CASE("read_file: a text file over 16 MiB is refused by its size before it is read") {
  ScratchDir dir;
  const std::string big = dir.file("big.textproto");
  { std::ofstream(big) << 'x'; }
  fs::resize_file(big, (16u << 20) + 1);  // sparse: no disk used
  CHECK_THROWS_WITH_AS(eesim::read_text_file(big, "an architecture file"),
                       (big + ": 16777217 bytes is over the 16777216-byte limit for an "
                              "architecture file")
                           .c_str(),
                       Error);
  fs::resize_file(big, 16u << 20);  // exactly the limit is read
  CHECK(eesim::read_text_file(big, "an architecture file").size() == (16u << 20));
}

TEST_CASE("read_file: a file whose size stat cannot tell (/proc) is read to its end") {
  const std::string status = eesim::read_file("/proc/self/status", "a status file", 1 << 20);
  CHECK(status.rfind("Name:", 0) == 0);
  CHECK_THROWS_WITH_AS(eesim::read_file("/proc/self/status", "a status file", 16),
                       doctest::Contains("bytes is over the 16-byte limit for a status file"),
                       Error);
}

TEST_CASE("map_file: a file's bytes mapped, the same as read_file's; refusals as read_file's") {
  ScratchDir dir;
  const std::string path = dir.file("model.bin");
  std::string bytes(70000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  { std::ofstream(path, std::ios::binary) << bytes; }
  eesim::MappedFile m = eesim::map_file(path, "a model", 1 << 20);
  CHECK(m.mapped());
  CHECK(m.view() == bytes);
  eesim::MappedFile moved;
  moved = std::move(m);  // the mapping moves; the old object unmaps nothing
  CHECK(moved.view() == bytes);
  CHECK(m.view().empty());
  CHECK_THROWS_WITH_AS(eesim::map_file(path, "a model", 69999),
                       (path + ": 70000 bytes is over the 69999-byte limit for a model").c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(
      eesim::map_file(dir.path.string(), "a model", 1 << 20),
      (dir.path.string() + ": a directory, not a regular file; expected a model").c_str(), Error);
  CHECK_THROWS_WITH_AS(eesim::map_file(dir.file("missing"), "a model", 1 << 20),
                       (dir.file("missing") + ": cannot open (No such file or directory), "
                                              "expected a model")
                           .c_str(),
                       Error);
}

TEST_CASE("map_file: a file mmap cannot show (/proc: stat says 0 bytes) is read instead") {
  eesim::MappedFile m = eesim::map_file("/proc/self/status", "a status file", 1 << 20);
  CHECK_FALSE(m.mapped());
  CHECK(m.view().rfind("Name:", 0) == 0);
  const eesim::MappedFile moved = std::move(m);
  CHECK(moved.view().rfind("Name:", 0) == 0);
}

TEST_CASE("read_text_file: a UTF-8 byte-order mark at the start is dropped, elsewhere kept") {
  ScratchDir dir;
  const std::string path = dir.file("exits.txt");
  {
    std::ofstream(path, std::ios::binary) << "\xEF\xBB\xBF"
                                             "exit1 = 0.2\n";
  }
  CHECK(eesim::read_text_file(path, "an exit profile file") == "exit1 = 0.2\n");
  CHECK(eesim::read_file(path, "an exit profile file", 100).size() == 15);  // bytes as they are
}

TEST_CASE("paths with a NUL byte are refused, not cut short (as Python's open() does)") {
  ScratchDir dir;
  const std::string path = dir.file("model.onnx");
  { std::ofstream(path) << "x"; }
  const std::string with_nul = path + std::string("\0junk", 5);
  CHECK_THROWS_WITH_AS(eesim::read_file(with_nul, "an ONNX model", 100),
                       (path +
                        "\\0junk: a path cannot contain a NUL byte (the system would see "
                        "only '" +
                        path + "')")
                           .c_str(),
                       Error);
  CHECK_THROWS_AS(eesim::write_file(with_nul, "y"), Error);
  CHECK(slurp(path) == "x");
}

TEST_CASE("write_file: replaces a file whole, through a temporary name that does not remain") {
  ScratchDir dir;
  const std::string path = dir.file("report.json");
  eesim::write_file(path, "first");
  eesim::write_file(path, "second, longer");
  CHECK(slurp(path) == "second, longer");
  CHECK(entries(dir.path) == 1);
  // A symbolic link stays a link; the file it points to gets the content.
  const std::string link = dir.file("latest.json");
  fs::create_symlink(path, link);
  eesim::write_file(link, "third");
  CHECK(fs::is_symlink(link));
  CHECK(slurp(path) == "third");
}

TEST_CASE("write_file: a full device is an error naming the file") {
  CHECK_THROWS_WITH_AS(eesim::write_file("/dev/full", std::string(100, 'x')),
                       "/dev/full: cannot write (No space left on device)", Error);
  CHECK_THROWS_WITH_AS(eesim::write_file("/nonexistent-dir/r.json", "x"),
                       "/nonexistent-dir/r.json: cannot create (No such file or directory)", Error);
}

TEST_CASE("write_file: a write cut short (file size limit) leaves the old file and no temporary") {
  ScratchDir dir;
  const std::string path = dir.file("trace.json");
  eesim::write_file(path, "old and complete");
  // RLIMIT_FSIZE makes write() fail with EFBIG past 4 KiB, as a full disk fails with ENOSPC:
  // the content must not land under the final name.
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 4096;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  std::string error;
  try {
    eesim::write_file(path, std::string(100000, 'x'));
  } catch (const Error& e) {
    error = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  CHECK(error == path + ": cannot write (File too large)");
  CHECK(slurp(path) == "old and complete");
  CHECK(entries(dir.path) == 1);
}
