import Synchronization

extension HFTokenizer {
  /// Byte-pair encoding as the `tokenizers` library runs it: the piece's characters are looked
  /// up one by one (unknown ones become byte tokens `<0xE2>` with `byteFallback`, else the
  /// unknown token, fused into one with `fuseUnknown`), then the adjacent pair ranked earliest
  /// in the merges is merged, leftmost first, until no listed pair is left.
  ///
  ///     merges ["h e", "l l", "he ll", "hell o"]:
  ///     "hello" → h e l l o → he ll o → hell o → hello
  public struct BPE: Sendable {
    /// Token (UTF-8, compared byte for byte as the Rust library does) → id, in one flat table.
    let ids: ByteTable
    /// id → token, for display (nil where no entry has the id).
    let tokens: [String?]
    let merges: Merges
    let unknownID: Int?
    let continuingSubwordPrefix: String?
    let endOfWordSuffix: String?
    let fuseUnknown: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    /// The id of `<0xXX>` for each byte, when the vocabulary has it.
    let byteIDs: [Int?]
    let cache = PieceCache()

    /// The merges: listed (tokenizer.json, GGUF `tokenizer.ggml.merges`), or those of a
    /// SentencePiece vocabulary ranked from its scores as words ask (`SentencePieceMerges`).
    enum Merges: Sendable {
      /// (left id, right id) → (rank, merged id).
      case listed([SymbolPair: Merge])
      case sentencePiece(SentencePieceMerges)
    }

    /// `vocabulary` as (token, id) entries; `merges` best first, as pairs of entries. Every
    /// merge's halves and their concatenation (the right half without
    /// `continuingSubwordPrefix`) must be entries.
    public init(
      vocabulary: [(String, Int)], merges: [(String, String)], unknownToken: String? = nil,
      continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil,
      fuseUnknown: Bool = false, byteFallback: Bool = false, ignoreMerges: Bool = false
    ) throws(TokenizerError) {
      try self.init(
        vocabulary: vocabulary, merges: MergeList(pairs: merges), unknownToken: unknownToken,
        continuingSubwordPrefix: continuingSubwordPrefix, endOfWordSuffix: endOfWordSuffix,
        fuseUnknown: fuseUnknown, byteFallback: byteFallback, ignoreMerges: ignoreMerges)
    }

    /// The same with the merges as a `MergeList` (a GGUF file's "a b" lines, read in place).
    init(
      vocabulary: [(String, Int)], merges: MergeList, unknownToken: String? = nil,
      continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil,
      fuseUnknown: Bool = false, byteFallback: Bool = false, ignoreMerges: Bool = false
    ) throws(TokenizerError) {
      try self.init(
        vocabulary: vocabulary, unknownToken: unknownToken,
        continuingSubwordPrefix: continuingSubwordPrefix, endOfWordSuffix: endOfWordSuffix,
        fuseUnknown: fuseUnknown, byteFallback: byteFallback, ignoreMerges: ignoreMerges
      ) { ids, _ throws(TokenizerError) in
        .listed(try Self.mergeTable(merges, ids: ids, prefix: continuingSubwordPrefix))
      }
    }

    /// A SentencePiece vocabulary without merges: they rank by `order` (`SentencePieceMerges`).
    init(
      vocabulary: [(String, Int)], mergeOrder order: SentencePieceMerges.Order,
      unknownToken: String? = nil, fuseUnknown: Bool, byteFallback: Bool
    ) throws(TokenizerError) {
      try self.init(
        vocabulary: vocabulary, unknownToken: unknownToken, continuingSubwordPrefix: nil,
        endOfWordSuffix: nil, fuseUnknown: fuseUnknown, byteFallback: byteFallback,
        ignoreMerges: false
      ) { ids, largestID throws(TokenizerError) in
        guard vocabulary.count < Int(Int32.max) else {
          throw .malformedVocabulary(file: "", reason: "has ids or merges beyond 2³¹")
        }
        return .sentencePiece(
          SentencePieceMerges(vocabulary: ids, largestID: largestID, order: order))
      }
    }

    private init(
      vocabulary: [(String, Int)], unknownToken: String?, continuingSubwordPrefix: String?,
      endOfWordSuffix: String?, fuseUnknown: Bool, byteFallback: Bool, ignoreMerges: Bool,
      merges: (ByteTable, Int) throws(TokenizerError) -> Merges
    ) throws(TokenizerError) {
      var ids = ByteTable(capacity: vocabulary.count)
      var largest = 0
      for (token, id) in vocabulary {
        guard id >= 0, id < 1 << 31 else {
          throw .malformedVocabulary(
            file: "", reason: "the id of \"\(token)\" must be a whole number from 0 to 2³¹")
        }
        ids.insert(token, value: id)
        largest = max(largest, id)
      }
      // Ids index an array: a vocabulary with a few huge ids would waste memory, so refuse
      // ids far beyond the number of entries.
      guard largest < max(4 * vocabulary.count, 1 << 20) else {
        throw .malformedVocabulary(
          file: "", reason: "has id \(largest) for a vocabulary of \(vocabulary.count) entries")
      }
      var tokens = [String?](repeating: nil, count: vocabulary.isEmpty ? 0 : largest + 1)
      for (token, id) in vocabulary { tokens[id] = token }
      self.ids = ids
      self.tokens = tokens
      self.unknownID = unknownToken.flatMap { ids.value($0) }
      self.continuingSubwordPrefix = continuingSubwordPrefix
      self.endOfWordSuffix = endOfWordSuffix
      self.fuseUnknown = fuseUnknown
      self.byteFallback = byteFallback
      self.ignoreMerges = ignoreMerges
      byteIDs = (0..<256).map { ids.value("<0x\(hex(UInt8($0)))>") }
      self.merges = try merges(ids, largest)
    }

    /// `merges` as pairs of ids with their rank and merged id.
    static func mergeTable(_ merges: MergeList, ids: ByteTable, prefix: String?)
      throws(TokenizerError) -> [SymbolPair: Merge]
    {
      var table: [SymbolPair: Merge] = [:]
      table.reserveCapacity(merges.count)
      let prefixLength = prefix?.utf8.count ?? 0
      // One scratch buffer for every joined pair: 151,387 merges (Qwen2) made three arrays each.
      var joined: [UInt8] = []
      // The first merge that names a token the vocabulary lacks (rank, that token), or whose
      // rank or merged id does not fit 31 bits (rank, nil).
      var failure: (rank: Int, symbol: String?)?
      merges.bytes.withUnsafeBytes { all in
        for rank in 0..<merges.count {
          let left = UnsafeRawBufferPointer(rebasing: all[merges.left(rank)])
          let right = UnsafeRawBufferPointer(rebasing: all[merges.right(rank)])
          guard let leftID = ids.value(left) else {
            failure = (rank, merges.halves(rank).0)
            return
          }
          guard let rightID = ids.value(right) else {
            failure = (rank, merges.halves(rank).1)
            return
          }
          joined.removeAll(keepingCapacity: true)
          joined.append(contentsOf: left)
          joined.append(contentsOf: right.dropFirst(prefixLength))
          guard let mergedID = joined.withUnsafeBytes({ ids.value($0) }) else {
            failure = (rank, String(decoding: joined, as: UTF8.self))
            return
          }
          guard let merged = Int32(exactly: mergedID), let rankValue = Int32(exactly: rank) else {
            failure = (rank, nil)
            return
          }
          // A repeated pair keeps its last rank, as the `tokenizers` library's map does.
          table[SymbolPair(left: leftID, right: rightID)] = Merge(rank: rankValue, merged: merged)
        }
      }
      guard let (rank, symbol) = failure else { return table }
      guard let symbol else {
        throw .malformedVocabulary(file: "", reason: "has ids or merges beyond 2³¹")
      }
      let (left, right) = merges.halves(rank)
      throw .malformedVocabulary(
        file: "",
        reason: "merge \(rank + 1) (\"\(left) \(right)\") uses \"\(symbol)\", which the "
          + "vocabulary does not list")
    }

    /// A vocabulary given as a dictionary (tests, small hand-made tokenizers).
    public init(
      vocabulary: [String: Int], merges: [(String, String)], unknownToken: String? = nil,
      byteFallback: Bool = false, fuseUnknown: Bool = false
    ) throws(TokenizerError) {
      try self.init(
        vocabulary: vocabulary.map { ($0.key, $0.value) }, merges: merges,
        unknownToken: unknownToken, fuseUnknown: fuseUnknown, byteFallback: byteFallback)
    }

    public var count: Int { ids.count }

    func id(_ text: String) -> Int? { ids.value(text) }

    func token(for id: Int) -> String? { tokens.indices.contains(id) ? tokens[id] : nil }

    func encode(_ piece: [Unicode.Scalar]) -> [ModelToken] {
      var view = String.UnicodeScalarView()
      view.append(contentsOf: piece)
      let text = String(view)
      if ignoreMerges, let id = id(text) {
        return [ModelToken(id: id, scalars: 0..<piece.count)]
      }
      let key = ByteKey(text)
      if let cached = cache.lookup(key) { return cached }
      var word = PairMergeWord(symbols: initialSymbols(piece))
      switch merges {
      case .listed(let table): word.mergeAll(table)
      case .sentencePiece(let ranking): word.mergeAll(ranking)
      }
      let tokens = word.symbols.filter { $0.count > 0 }.map {
        ModelToken(id: $0.id, scalars: $0.start..<($0.start + $0.count))
      }
      cache.store(key, tokens)
      return tokens
    }

    /// One symbol per character, as `BPE::merge_word` makes them (including its order of an
    /// unknown run and byte tokens that follow it).
    func initialSymbols(_ piece: [Unicode.Scalar]) -> [PairMergeWord.Symbol] {
      var symbols: [PairMergeWord.Symbol] = []
      var unknown: PairMergeWord.Symbol?
      for (i, scalar) in piece.enumerated() {
        var text = String(scalar)
        if i > 0, let prefix = continuingSubwordPrefix { text = prefix + text }
        if i == piece.count - 1, let suffix = endOfWordSuffix { text += suffix }
        if let id = id(text) {
          if let pending = unknown { symbols.append(pending) }
          unknown = nil
          symbols.append(.init(id: id, start: i, count: 1))
          continue
        }
        if byteFallback {
          let ids = text.utf8.map { byteIDs[Int($0)] }
          if ids.allSatisfy({ $0 != nil }) {
            symbols += ids.compactMap { $0 }.map { .init(id: $0, start: i, count: 1) }
            continue
          }
        }
        guard let unknownID else { continue }
        if fuseUnknown, var pending = unknown {
          pending.count = i + 1 - pending.start
          unknown = pending
        } else {
          if let pending = unknown { symbols.append(pending) }
          unknown = .init(id: unknownID, start: i, count: 1)
        }
      }
      if let pending = unknown { symbols.append(pending) }
      return symbols
    }
  }
}

/// A word during BPE as a linked list of symbols, merged by a min-heap of candidate pairs
/// ordered by (rank, position): the algorithm of the `tokenizers` library's `Word::merge_all`,
/// O(n log n) however long the word (a hostile 100 000-letter word stays fast).
struct PairMergeWord {
  struct Symbol: Equatable {
    var id: Int
    /// Scalars of the piece it covers; `count` 0 once merged into its left neighbour.
    var start: Int
    var count: Int
    var previous = -1
    var next = -1

    init(id: Int, start: Int, count: Int) {
      self.id = id
      self.start = start
      self.count = count
    }
  }

  var symbols: [Symbol]

  init(symbols: [Symbol]) {
    self.symbols = symbols
    for i in self.symbols.indices {
      self.symbols[i].previous = i - 1
      self.symbols[i].next = i + 1 < self.symbols.count ? i + 1 : -1
    }
  }

  struct Candidate: Comparable {
    var rank: MergeRank
    var position: Int
    var merged: Int32

    static func < (a: Candidate, b: Candidate) -> Bool {
      a.rank != b.rank ? a.rank < b.rank : a.position < b.position
    }
  }

  mutating func mergeAll<Merges: MergeRanking>(_ merges: Merges) {
    var queue = MinHeap<Candidate>()
    for i in symbols.indices.dropLast() {
      if let merge = merges.merge(symbols[i].id, symbols[i + 1].id) {
        queue.push(Candidate(rank: merge.rank, position: i, merged: merge.merged))
      }
    }
    while let top = queue.pop() {
      let current = symbols[top.position]
      guard current.count > 0, current.next >= 0 else { continue }
      let right = symbols[current.next]
      // A stale entry: one of its symbols has been merged since it was queued.
      guard let merge = merges.merge(current.id, right.id), merge.merged == top.merged
      else { continue }
      let nextIndex = current.next
      symbols[top.position].id = Int(top.merged)
      symbols[top.position].count += right.count
      symbols[top.position].next = right.next
      symbols[nextIndex].count = 0
      if right.next >= 0 { symbols[right.next].previous = top.position }
      let merged = symbols[top.position]
      if merged.previous >= 0, let pair = merges.merge(symbols[merged.previous].id, merged.id) {
        queue.push(Candidate(rank: pair.rank, position: merged.previous, merged: pair.merged))
      }
      if merged.next >= 0, let pair = merges.merge(merged.id, symbols[merged.next].id) {
        queue.push(Candidate(rank: pair.rank, position: top.position, merged: pair.merged))
      }
    }
  }
}

/// A binary min-heap.
struct MinHeap<Element: Comparable> {
  private var items: [Element] = []

  mutating func push(_ element: Element) {
    items.append(element)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard items[child] < items[parent] else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> Element? {
    guard let first = items.first else { return nil }
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var parent = 0
      while true {
        let left = 2 * parent + 1
        let right = left + 1
        var smallest = parent
        if left < items.count, items[left] < items[smallest] { smallest = left }
        if right < items.count, items[right] < items[smallest] { smallest = right }
        if smallest == parent { break }
        items.swapAt(parent, smallest)
        parent = smallest
      }
    }
    return first
  }
}

/// Piece → model tokens: words repeat, and the cache is what makes BPE cheap on real text.
/// Keyed by bytes, never by `String` (whose equality would serve "e" + U+0301 the tokens of
/// "é"). Bounded: cleared when full.
final class PieceCache: Sendable {
  static let capacity = 20_000
  private let entries = Mutex<[ByteKey: [HFTokenizer.ModelToken]]>([:])

  func lookup(_ key: ByteKey) -> [HFTokenizer.ModelToken]? { entries.withLock { $0[key] } }

  func store(_ key: ByteKey, _ value: [HFTokenizer.ModelToken]) {
    entries.withLock {
      if $0.count >= Self.capacity { $0.removeAll(keepingCapacity: true) }
      $0[key] = value
    }
  }
}
