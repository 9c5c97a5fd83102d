// A file mapped read-only into memory for the readers.
#ifndef AXQ_IO_MAPPED_FILE_H_
#define AXQ_IO_MAPPED_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "src/core/status.h"

namespace axq {

class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps `path`; AXQ_ERR_IO naming the path and the system's reason.
  Status Open(const std::string& path);

  const uint8_t* data() const { return data_; }
  // Drops the whole pages inside [begin, begin + size) from this process's
  // memory (they are read again from the file if touched): streaming
  // readers call it on each tensor they are done with, so that resident
  // memory stays near one tensor instead of growing to the whole file.
  void Release(const uint8_t* begin, uint64_t size) const;
  size_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace axq

#endif  // AXQ_IO_MAPPED_FILE_H_
