/// A BPE's merges, best first: pairs of tokens (tokenizer.json), or "a b" lines with the byte
/// offset of the space that splits each (a GGUF file's `tokenizer.ggml.merges`, split by
/// `HFTokenizer.ggufMerges`). Lines are read in place, so the 48,900 merges of SmolLM2's GGUF
/// make no String per half.
enum MergeList: Sendable {
  case pairs([(String, String)])
  case lines([String], spaces: [Int])

  var count: Int {
    switch self {
    case .pairs(let pairs): pairs.count
    case .lines(let lines, _): lines.count
    }
  }

  /// `body` on the UTF-8 bytes of merge `rank`'s left and right halves.
  func withHalves<R>(
    _ rank: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R
  ) -> R {
    switch self {
    case .pairs(let pairs):
      var (left, right) = pairs[rank]
      return left.withUTF8 { l in right.withUTF8 { r in body(.init(l), .init(r)) } }
    case .lines(let lines, let spaces):
      var line = lines[rank]
      let space = spaces[rank]
      return line.withUTF8 { utf8 in
        let bytes = UnsafeRawBufferPointer(utf8)
        return body(.init(rebasing: bytes[..<space]), .init(rebasing: bytes[(space + 1)...]))
      }
    }
  }

  /// Merge `rank`'s halves as strings (for messages).
  func halves(_ rank: Int) -> (String, String) {
    withHalves(rank) { (String(decoding: $0, as: UTF8.self), String(decoding: $1, as: UTF8.self)) }
  }
}
