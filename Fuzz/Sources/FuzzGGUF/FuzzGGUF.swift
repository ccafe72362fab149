import AttnvizModel
import FuzzDriver

/// `GGUFFile.fuzz` (AttnvizModel) on any bytes as a GGUF file: header, metadata and tensor table,
/// every readable tensor converted, the tokenizer from `tokenizer.ggml.*`, the configuration and
/// the model's tensor table. See its comment for the steps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  _ = GGUFFile.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@_cdecl("FuzzGGUF_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
