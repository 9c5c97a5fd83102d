#include "src/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace axq {
namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;

}  // namespace

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(temp_.c_str());
  }
}

Status AtomicFile::Open(const std::string& path) {
  path_ = path;
  std::vector<char> name(path.begin(), path.end());
  const char suffix[] = ".axq-tmp-XXXXXX";
  name.insert(name.end(), suffix, suffix + sizeof(suffix));  // with the NUL
  fd_ = mkostemp(name.data(), O_CLOEXEC);
  if (fd_ < 0) {
    return Fail(AXQ_ERR_IO, "%s: cannot create a temporary beside it: %s", path.c_str(),
                std::strerror(errno));
  }
  temp_ = name.data();
  // mkostemp makes the file private (0600); give it the mode a replaced file
  // had, or the usual 0644.
  struct stat st;
  const mode_t mode = stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  if (fchmod(fd_, mode) != 0) {
    return Fail(AXQ_ERR_IO, "%s: cannot set the mode of its temporary: %s", path.c_str(),
                std::strerror(errno));
  }
  buffer_.reserve(kBufferBytes);
  return OkStatus();
}

Status AtomicFile::Flush() {
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail(AXQ_ERR_IO, "%s: write failed after %llu bytes: %s", path_.c_str(),
                  static_cast<unsigned long long>(written_ - buffer_.size() + done),
                  std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return OkStatus();
}

Status AtomicFile::Write(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const size_t take = std::min(size, kBufferBytes - buffer_.size());
    buffer_.append(p, take);
    p += take;
    size -= take;
    written_ += take;
    if (buffer_.size() == kBufferBytes) AXQ_RETURN_IF_ERROR(Flush());
  }
  return OkStatus();
}

Status AtomicFile::WriteZeros(size_t count) {
  static const char zeros[64] = {};
  while (count > 0) {
    const size_t take = std::min(count, sizeof(zeros));
    AXQ_RETURN_IF_ERROR(Write(zeros, take));
    count -= take;
  }
  return OkStatus();
}

Status AtomicFile::Commit() {
  AXQ_RETURN_IF_ERROR(Flush());
  if (fsync(fd_) != 0) {
    return Fail(AXQ_ERR_IO, "%s: cannot sync: %s", path_.c_str(), std::strerror(errno));
  }
  const int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) {
    unlink(temp_.c_str());
    return Fail(AXQ_ERR_IO, "%s: cannot close: %s", path_.c_str(), std::strerror(errno));
  }
  if (rename(temp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    unlink(temp_.c_str());
    return Fail(AXQ_ERR_IO, "%s: cannot replace: %s", path_.c_str(), std::strerror(err));
  }
  return OkStatus();
}

}  // namespace axq
