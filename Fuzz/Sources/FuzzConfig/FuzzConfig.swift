import Foundation
import FuzzDriver

@testable import AttnvizFiles
@testable import AttnvizModel

/// Any bytes as a model folder's config.json: the structure check, then the engine's config
/// reader (every architecture) on whatever parses. Errors are fine; crashes, hangs and huge
/// allocations are not (a config saying a million layers must be refused before allocating).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard (try? parseConfigObject(bytes, path: "fuzz/config.json")) != nil else { return 0 }
  _ = try? TransformerConfig(configJSON: Data(bytes), path: "fuzz")
  return 0
}

@_cdecl("FuzzConfig_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
