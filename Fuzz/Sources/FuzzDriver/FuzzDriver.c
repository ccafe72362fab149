#include "FuzzDriver.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t));

// SwiftPM links an executable with main aliased to <module>_main; each target defines that
// symbol and calls this, so libFuzzer's driver runs whatever SwiftPM does with main.
int attnviz_fuzz_main(int argc, char **argv, int (*test_one_input)(const uint8_t *, size_t)) {
  return LLVMFuzzerRunDriver(&argc, &argv, test_one_input);
}
