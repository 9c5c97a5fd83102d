#include "src/io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace axq {

MappedFile::~MappedFile() {
  if (data_ != nullptr && size_ != 0) munmap(data_, size_);
}

void MappedFile::Release(const uint8_t* begin, uint64_t size) const {
  if (data_ == nullptr || size_ == 0 || begin < data_ || size > size_ ||
      static_cast<uint64_t>(begin - data_) > size_ - size) {
    return;
  }
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t first = (reinterpret_cast<uintptr_t>(begin) + page - 1) & ~(page - 1);
  const uintptr_t last = (reinterpret_cast<uintptr_t>(begin) + size) & ~(page - 1);
  // Advice only: a failure leaves the pages resident, nothing worse.
  if (last > first) (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

Status MappedFile::Open(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(AXQ_ERR_IO, "%s: cannot open: %s", path.c_str(), std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    close(fd);
    return Fail(AXQ_ERR_IO, "%s: not a regular file%s%s", path.c_str(), err != 0 ? ": " : "",
                err != 0 ? std::strerror(err) : "");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ == 0) {  // mmap rejects empty files; the readers report them
    close(fd);
    static uint8_t empty = 0;
    data_ = &empty;
    return OkStatus();
  }
  void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  close(fd);
  if (p == MAP_FAILED) {
    size_ = 0;
    return Fail(AXQ_ERR_IO, "%s: cannot map %zu bytes: %s", path.c_str(), size_, std::strerror(err));
  }
  data_ = static_cast<uint8_t*>(p);
  return OkStatus();
}

}  // namespace axq
