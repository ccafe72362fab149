import Foundation
import FuzzDriver

@testable import AttnvizFiles
@testable import AttnvizModel

/// Any bytes as a `--weights` file: loaded, and when valid run on a short text; the trace must
/// hold only finite weights or be refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  _ = try? JSONValue(parsing: bytes)
  guard let model = try? WeightsFileModel(data: Data(bytes), name: "fuzz.json") else { return 0 }
  _ = try? model.trace("the cat sat on the mat")
  return 0
}

@_cdecl("FuzzWeightsJSON_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
