import AttnvizKit
import FuzzDriver

/// `fuzzDeck` (AttnvizKit) on any bytes as a deck file: the TOML reader, the entries' commands
/// and the index.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  _ = fuzzDeck(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@_cdecl("FuzzDeck_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
