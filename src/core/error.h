#ifndef AXQ_CORE_ERROR_H_
#define AXQ_CORE_ERROR_H_

namespace axq {

// The calling thread's last failure message, "" before the first failure.
const char* LastErrorMessage();

}  // namespace axq

#endif  // AXQ_CORE_ERROR_H_
