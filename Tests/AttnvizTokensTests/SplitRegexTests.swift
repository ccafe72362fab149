import AttnvizFiles
import Foundation
import Testing

@testable import AttnvizTokens

/// Pre-tokenizer splits (regex patterns of GPT-2, Llama 3, Qwen2 and odd constructs, and every
/// built-in pre-tokenizer) against the `tokenizers` library on random hostile texts
/// (scripts/reference/make_split_references.py).
struct SplitReferences: Decodable {
  struct Entry: Decodable {
    var splits: [[[Int]]]
  }

  var texts: [String]
  var pretokenizers: [Entry]
  /// The configurations as JSON values (read separately: `Decodable` cannot keep them raw).
  var configs: [JSONValue]

  enum CodingKeys: String, CodingKey { case texts, pretokenizers }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    texts = try container.decode([String].self, forKey: .texts)
    pretokenizers = try container.decode([Entry].self, forKey: .pretokenizers)
    configs = []
  }

  static let shared: SplitReferences? = {
    let url = TokenizerReferences.fixtures.appendingPathComponent("split-references.json")
    guard let data = try? Data(contentsOf: url),
      var references = try? JSONDecoder().decode(SplitReferences.self, from: data),
      let root = try? JSONValue(parsing: [UInt8](data)),
      let list = root["pretokenizers"]?.array
    else { return nil }
    references.configs = list.compactMap { $0["config"] }
    return references
  }()
}

@Suite("Regex and pre-tokenizer splits against the tokenizers library")
struct SplitRegexReferenceTests {
  @Test(arguments: 0..<20)
  func splitsMatch(_ index: Int) throws {
    let references = try #require(SplitReferences.shared)
    let entry = references.pretokenizers[index]
    let config = references.configs[index]
    let preTokenizer = try #require(try TokenizerJSONReader().preTokenizer(config))
    for (text, expected) in zip(references.texts, entry.splits) {
      let scalars = text.unicodeScalars.enumerated().map {
        SourcedScalar(scalar: $0.element, source: $0.offset..<($0.offset + 1))
      }
      let pieces = try preTokenizer.apply([scalars])
      let ranges = pieces.map { piece in
        [piece.map(\.source.lowerBound).min() ?? 0, piece.map(\.source.upperBound).max() ?? 0]
      }
      #expect(ranges == expected, "pre-tokenizer \(index) on \(text.debugDescription)")
    }
  }
}

@Suite("SplitRegex")
struct SplitRegexTests {
  func matches(_ pattern: String, _ text: String) throws -> [String] {
    let scalars = Array(text.unicodeScalars)
    return try SplitRegex(pattern).matches(in: scalars).map { range in
      var view = String.UnicodeScalarView()
      view.append(contentsOf: scalars[range])
      return String(view)
    }
  }

  @Test func llama3SplitsNumbersInThreesAndKeepsNewlinesApart() throws {
    let llama3 =
      #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    #expect(
      try matches(llama3, "I'LL pay 1234567 now!\n\n  ok")
        == ["I", "'LL", " pay", " ", "123", "456", "7", " now", "!\n\n", " ", " ok"])
  }

  /// The engine agrees with GPT-2's hand-made scanner on texts built from every class it knows.
  @Test func gpt2PatternAgreesWithTheHandMadeScanner() throws {
    let gpt2 = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    let regex = try SplitRegex(gpt2)
    let pieces: [String] = ["a", "Bé", "1", "²", " ", "  ", "\n", "'s", "'", "!", "😀", "\u{301}"]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<300 {
      var text = ""
      for _ in 0..<Int.random(in: 1...12, using: &generator) {
        text += pieces.randomElement(using: &generator) ?? ""
      }
      let scalars = Array(text.unicodeScalars)
      let found = try regex.matches(in: scalars)
      #expect(found == GPT2PreTokenizer.split(scalars), "\(text.debugDescription)")
    }
  }

  @Test(arguments: [
    ("(?<=a)b", "lookbehind"), ("^a", "anchors"), ("a++", "possessive"), ("\\1", "escape \\1"),
    ("[a", "without its ']'"), ("(a", "without its ')'"), ("a)", "unbalanced"),
    ("\\p{Greek}", "property"), ("*a", "nothing to repeat"), ("a{3,1}", "max < min"),
  ])
  func unsupportedPatternsAreNamed(_ pattern: String, _ words: String) {
    #expect {
      _ = try SplitRegex(pattern)
    } throws: { error in
      (error as? SplitRegex.PatternError)?.reason.contains(words) ?? false
    }
  }

  /// Exponential backtracking stops at the step budget instead of hanging.
  @Test func catastrophicBacktrackingIsStopped() throws {
    let regex = try SplitRegex("(a*)*b")
    let text = Array(String(repeating: "a", count: 40).unicodeScalars)
    #expect(throws: SplitRegex.BudgetExceeded.self) { try regex.matches(in: text) }
  }

  /// A repeated group nests once per repetition: a long text is refused, not a stack overflow.
  @Test func deepRepetitionIsStoppedNotCrashed() throws {
    let regex = try SplitRegex("(?:ab)+")
    let text = Array(String(repeating: "ab", count: 100_000).unicodeScalars)
    #expect(throws: SplitRegex.BudgetExceeded.self) { try regex.matches(in: text) }
    #expect(try regex.matches(in: Array("xxababx".unicodeScalars)) == [2..<6])
  }

  @Test func fuzzEntryNeverTraps() {
    var generator = SystemRandomNumberGenerator()
    let pieces = Array(#"()[]{}|?*+^$\.-:!=<iswdpLNS{1,3}'ab "#.utf8) + [0x0A, 0xC3, 0xA9]
    for _ in 0..<2_000 {
      let bytes = (0..<Int.random(in: 0...30, using: &generator)).map { _ in
        pieces.randomElement(using: &generator) ?? 0
      }
      _ = SplitRegex.fuzz(bytes)
    }
    #expect(SplitRegex.fuzz(Array("a+\ncaab a".utf8)) == 2)
  }

  @Test func longHostileRunsStayLinear() throws {
    let qwen =
      #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    let text = Array((String(repeating: " ", count: 20_000) + "x").unicodeScalars)
    let found = try SplitRegex(qwen).matches(in: text)
    #expect(found == [0..<19_999, 19_999..<20_001])
  }
}
