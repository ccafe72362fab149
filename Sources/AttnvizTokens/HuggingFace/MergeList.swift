/// A BPE's merges, best first, in one flat buffer: merge r's left half is
/// `bytes[starts[r] ..< leftEnds[r]]` and its right half runs from `gap` bytes later to
/// `starts[r + 1]`. Made from pairs of tokens (tokenizer.json; gap 0) or from "a b" lines with
/// the byte offset of the space that splits each (a GGUF file's `tokenizer.ggml.merges`, split
/// by `HFTokenizer.ggufMerges`; gap 1). `BPE.mergeTable` looks the halves up in place, so the
/// 48,900 merges of SmolLM2's GGUF make no String, array or retain per merge.
struct MergeList: Sendable {
  private(set) var bytes: [UInt8] = []
  private var starts: [Int] = [0]
  private var leftEnds: [Int] = []
  private let gap: Int

  init(pairs: [(String, String)]) {
    gap = 0
    leftEnds.reserveCapacity(pairs.count)
    starts.reserveCapacity(pairs.count + 1)
    for (left, right) in pairs {
      bytes.append(contentsOf: left.utf8)
      leftEnds.append(bytes.count)
      bytes.append(contentsOf: right.utf8)
      starts.append(bytes.count)
    }
  }

  /// `lines[r]` split at its byte `spaces[r]`, which is dropped.
  init(lines: [String], spaces: [Int]) {
    precondition(lines.count == spaces.count, "MergeList: a space for every line")
    gap = 1
    leftEnds.reserveCapacity(lines.count)
    starts.reserveCapacity(lines.count + 1)
    for (line, space) in zip(lines, spaces) {
      leftEnds.append(bytes.count + space)
      bytes.append(contentsOf: line.utf8)
      starts.append(bytes.count)
    }
  }

  var count: Int { leftEnds.count }

  /// Where merge `rank`'s halves are in `bytes`.
  func left(_ rank: Int) -> Range<Int> { starts[rank]..<leftEnds[rank] }
  func right(_ rank: Int) -> Range<Int> { (leftEnds[rank] + gap)..<starts[rank + 1] }

  /// Merge `rank`'s halves as strings (for messages).
  func halves(_ rank: Int) -> (String, String) {
    (
      String(decoding: bytes[left(rank)], as: UTF8.self),
      String(decoding: bytes[right(rank)], as: UTF8.self)
    )
  }
}
