import Foundation
import FuzzDriver

@testable import AttnvizTokens

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("../../../Tests/AttnvizModelTests/Fixtures/tiny-gpt2")
let tokenizer: GPT2Tokenizer? = try? GPT2Tokenizer(
  vocabularyFile: fixtures.appendingPathComponent("vocab.json").path,
  mergesFile: fixtures.appendingPathComponent("merges.txt").path)
let fixtureMerges: [ArraySlice<UInt8>] = {
  let data = (try? Data(contentsOf: fixtures.appendingPathComponent("merges.txt"))) ?? Data()
  return BPEFiles.lines([UInt8](data))
}()
let fixtureVocabulary: [UInt8] = {
  [UInt8]((try? Data(contentsOf: fixtures.appendingPathComponent("vocab.json"))) ?? Data())
}()

/// Byte 0 picks the mode: 0 → text for GPT-2's byte-level BPE (pre-tokenizer, merges,
/// <|endoftext|>); 1 → the rest is a vocab.json; 2 → the rest is a merges.txt (with the fixture's
/// vocabulary). The tokens' ids and byte ranges are checked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  guard size > 0 else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
  switch data[0] % 3 {
  case 0:
    guard let tokenizer else { fatalError("tiny-gpt2 files not found") }
    let text = String(decoding: bytes, as: UTF8.self)
    let length = text.utf8.count
    for piece in tokenizer.encode(text) {
      precondition(piece.id >= 0 && piece.id <= tokenizer.largestID, "id outside the vocabulary")
      precondition(piece.utf8Range.upperBound <= length, "range outside the text")
    }
  case 1:
    guard let vocabulary = try? VocabularyJSON(bytes) else { return 0 }
    _ = try? GPT2Tokenizer(
      vocabulary: vocabulary, mergeLines: fixtureMerges, mergesName: "m", vocabularyName: "v"
    ).encode("Hello world, naïve café 😀 <|endoftext|>")
  default:
    guard let vocabulary = try? VocabularyJSON(fixtureVocabulary) else {
      fatalError("tiny-gpt2 vocab.json not found")
    }
    _ = try? GPT2Tokenizer(
      vocabulary: vocabulary, mergeLines: BPEFiles.lines(bytes), mergesName: "m",
      vocabularyName: "v"
    ).encode("Hello world, naïve café 😀 <|endoftext|>")
  }
  return 0
}

@_cdecl("FuzzByteLevelBPE_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
