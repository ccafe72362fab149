import AttnvizModel
import FuzzDriver

/// `MarianFile.fuzz` (AttnvizModel) on any bytes as a Marian binary model: header, items, every
/// weight converted, the configuration, the translator's weights and one encoder pass and
/// decoder step. See its comment for the steps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  _ = MarianFile.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@_cdecl("FuzzMarian_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
