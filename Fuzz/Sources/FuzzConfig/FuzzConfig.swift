import FuzzDriver

@testable import AttnvizFiles
@testable import AttnvizModel

/// Any bytes as a model folder's config.json: the structure check, then the GPT-2 and BERT
/// readers on whatever object parses. Errors are fine; crashes, hangs and huge allocations are
/// not (a config saying a million layers must be refused before anything is allocated).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard let object = try? parseConfigObject(bytes, path: "fuzz/config.json") else { return 0 }
  _ = try? GPT2Config(object: object, path: "fuzz")
  _ = try? BertConfiguration(object: object, path: "fuzz/config.json")
  return 0
}

@_cdecl("FuzzConfig_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
