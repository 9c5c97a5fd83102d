// Writes a file through a temporary beside it and renames it into place on
// Commit, so that a failed or abandoned write leaves the old file intact.
#ifndef AXQ_IO_ATOMIC_FILE_H_
#define AXQ_IO_ATOMIC_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "src/core/status.h"

namespace axq {

class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();  // removes the temporary unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status Open(const std::string& path);
  Status Write(const void* data, size_t size);
  Status WriteZeros(size_t count);
  uint64_t written() const { return written_; }
  // Flushes, syncs and renames the temporary over `path`.
  Status Commit();

 private:
  Status Flush();

  std::string path_, temp_;
  int fd_ = -1;
  uint64_t written_ = 0;
  std::string buffer_;
};

}  // namespace axq

#endif  // AXQ_IO_ATOMIC_FILE_H_
