import FuzzDriver

@testable import AttnvizTokens

/// Any bytes, as the text of the built-in layer's word tokenizer: no crash, and every token's
/// source range inside the text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  guard let tokens = try? WordTokenizer().tokenize(text) else { return 0 }
  let length = text.utf8.count
  for token in tokens {
    guard let range = token.sourceRange else { continue }
    precondition(range.lowerBound >= 0 && range.upperBound <= length, "range outside the text")
  }
  return 0
}

@_cdecl("FuzzWordTokenizer_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
