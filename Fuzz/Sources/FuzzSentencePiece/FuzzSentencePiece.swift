import AttnvizTokens
import FuzzDriver

/// `SentencePieceModelFile.fuzz` (AttnvizTokens) on any bytes as a `.spm` file: the protobuf
/// fields, the precompiled character map, the unigram tokenizer on a few texts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  _ = SentencePieceModelFile.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@_cdecl("FuzzSentencePiece_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
