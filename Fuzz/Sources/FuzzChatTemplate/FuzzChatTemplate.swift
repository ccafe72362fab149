import AttnvizKit
import FuzzDriver

/// `fuzzChatTemplate` (AttnvizKit) on any bytes as a model's chat template: the family, the
/// template's literals and the rendered prompt.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  _ = fuzzChatTemplate(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@_cdecl("FuzzChatTemplate_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
