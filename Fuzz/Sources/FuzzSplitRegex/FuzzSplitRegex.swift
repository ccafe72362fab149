import AttnvizTokens
import FuzzDriver

/// `SplitRegex.fuzz` (AttnvizTokens) on any bytes: see its comment for how the bytes are used.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  _ = SplitRegex.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@_cdecl("FuzzSplitRegex_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
