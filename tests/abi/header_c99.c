/* Compiled with -std=c99 -pedantic -Werror: the public header must be
   plain C99. Running it checks the compile-time and runtime versions. */
#include <axq/axq.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  axq_type_info_t info;
  info.struct_size = (uint32_t)sizeof(info);
  if (axq_type_info(&info, AXQ_TYPE_Q4_0) != AXQ_OK) return 1;
  if (strcmp(axq_version_string(), AXQ_VERSION_STRING) != 0) return 1;
  if (axq_version() != AXQ_VERSION_NUMBER) return 1;
  printf("1 passed, 0 failed\n");
  return 0;
}
