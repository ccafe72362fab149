import AttnvizKit
import FuzzDriver

/// `fuzzFigureInfo` (AttnvizKit) on any bytes as a figure for `attnviz info`: PNG text chunks or
/// SVG metadata, the recorded command.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  _ = fuzzFigureInfo(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@_cdecl("FuzzFigureInfo_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
