// Runs a program and waits for it: its exit status, its output, and what
// it cost (wall time, peak resident memory).
#ifndef AXQ_TESTS_INTEROP_RUN_H_
#define AXQ_TESTS_INTEROP_RUN_H_

#include <cstdint>
#include <string>
#include <vector>

namespace axq_interop {

struct RunResult {
  int status = -1;  // exit status; 128 + signal when killed
  std::string output;  // stdout and stderr, or why it could not run
  double seconds = 0;
  int64_t peak_rss_bytes = 0;  // the child's maximum resident set
};

// Runs args[0] (a path) with stdout and stderr sent to log_path.
RunResult Run(const std::vector<std::string>& args, const std::string& log_path);

std::string CommandLine(const std::vector<std::string>& args);

}  // namespace axq_interop

#endif  // AXQ_TESTS_INTEROP_RUN_H_
