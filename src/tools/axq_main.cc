#include <cstdio>
#include "axq/axq.h"
int main() { std::printf("%s %s\n", axq_version_string(), axq_simd_target_name()); return 0; }
