#ifndef ATTNVIZ_FUZZ_DRIVER_H
#define ATTNVIZ_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer on `test_one_input` with the process's arguments (libFuzzer's
/// LLVMFuzzerRunDriver, which its runtime provides when linked with -sanitize=fuzzer).
int attnviz_fuzz_main(int argc, char **argv, int (*test_one_input)(const uint8_t *, size_t));

#endif
