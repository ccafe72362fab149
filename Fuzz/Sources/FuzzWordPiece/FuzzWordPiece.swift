import Foundation
import FuzzDriver

@testable import AttnvizTokens

/// The committed tiny BERT vocabulary, found from this file's path.
let tokenizer: BertTokenizer? = {
  let vocab = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../Tests/AttnvizModelTests/Fixtures/tiny-bert/vocab.txt").path
  return try? BertTokenizer(vocabularyFile: vocab)
}()

/// Byte 0 picks the mode: even → the bytes are text for BERT's basic + WordPiece tokenizer;
/// odd → the rest is a vocab.txt (parsed, then used on a fixed sentence).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  guard size > 0 else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
  if data[0] % 2 == 0 {
    guard let tokenizer else { fatalError("tiny-bert vocab.txt not found") }
    _ = try? tokenizer.tokenize(String(decoding: bytes, as: UTF8.self))
  } else {
    let lines = String(decoding: bytes, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false
    ).map(String.init)
    guard !lines.isEmpty else { return 0 }
    let vocabulary = WordPieceVocabulary(tokens: lines)
    _ = try? BertTokenizer(vocabulary: vocabulary, options: .init(), file: "fuzz").tokenize(
      "The unaffable cat sat [SEP] on the mat, naïvely.")
  }
  return 0
}

@_cdecl("FuzzWordPiece_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
