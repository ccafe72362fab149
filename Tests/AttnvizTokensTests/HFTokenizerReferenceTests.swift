import Foundation
import Testing

@testable import AttnvizTokens

/// Token ids against the `tokenizers` library (scripts/reference/make_tokenizer_references.py):
/// small tokenizer.json files in the layouts of Llama 2/3, Mistral, Qwen2, RoBERTa, GPT-2 and
/// WordPiece, each on the same reference texts (chat turns, code, digits, emoji, CJK, accents,
/// runs of whitespace, control characters). The real files of all-MiniLM-L6-v2 and SmolLM2 are
/// checked when present (`make model`; SmolLM2's saved by transformers from its GGUF).
/// The fixtures' keys are Python's snake_case.
let snakeCaseDecoder: JSONDecoder = {
  let decoder = JSONDecoder()
  decoder.keyDecodingStrategy = .convertFromSnakeCase
  return decoder
}()

struct ReferenceCase: Decodable {
  var ids: [Int]
  var offsets: [[Int]]?
}

struct ReferenceTokenizer: Decodable {
  var name: String
  var file: String?
  var cases: [ReferenceCase]
  /// Ids of `hostile_texts`, for some tokenizers.
  var hostile: [[Int]]?
}

struct TokenizerReferences: Decodable {
  var texts: [String]
  var hostileTexts: [String]
  var tokenizers: [ReferenceTokenizer]

  static let fixtures: URL = {
    Bundle.module.resourceURL?.appendingPathComponent("Fixtures")
      ?? URL(fileURLWithPath: "Tests/AttnvizTokensTests/Fixtures")
  }()

  static let shared: TokenizerReferences? = {
    let url = fixtures.appendingPathComponent("tokenizer-references.json")
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? snakeCaseDecoder.decode(TokenizerReferences.self, from: data)
  }()

  /// Where a real tokenizer.json is looked for, first existing wins.
  static func realPath(_ name: String) -> String? {
    let environment = ProcessInfo.processInfo.environment
    let candidates: [String?] =
      switch name {
      case "all-MiniLM-L6-v2":
        [
          environment["ATTNVIZ_MINILM_TOKENIZER"], "models/all-MiniLM-L6-v2/tokenizer.json",
          "/work/shared-models/all-MiniLM-L6-v2/tokenizer.json",
        ]
      case "SmolLM2-135M-Instruct":
        [
          environment["ATTNVIZ_SMOLLM2_TOKENIZER"],
          "models/SmolLM2-135M-Instruct-safetensors/tokenizer.json",
        ]
      case "GPT-2":
        [environment["ATTNVIZ_GPT2_TOKENIZER_JSON"], "models/gpt2-tokenizer/tokenizer.json"]
      default: []
      }
    return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
  }

  static var names: [String] { shared?.tokenizers.map(\.name) ?? [] }
}

@Suite("tokenizer.json against the tokenizers library")
struct HFTokenizerReferenceTests {
  @Test func referencesAreThere() throws {
    let references = try #require(TokenizerReferences.shared)
    #expect(references.tokenizers.count >= 26)
    #expect(references.tokenizers.filter { $0.hostile != nil }.count >= 7)
  }

  @Test(arguments: TokenizerReferences.names)
  func idsMatch(_ name: String) throws {
    let references = try #require(TokenizerReferences.shared)
    let entry = try #require(references.tokenizers.first { $0.name == name })
    let path: String
    if let file = entry.file {
      path = TokenizerReferences.fixtures.appendingPathComponent("tokenizers/\(file)").path
    } else if let real = TokenizerReferences.realPath(name) {
      path = real
    } else {
      // A real file that is not on this machine; one `make model` fetches must be there in CI.
      if modelsRequired && ["all-MiniLM-L6-v2", "SmolLM2-135M-Instruct"].contains(name) {
        Issue.record("\(name)'s tokenizer.json is missing; run `make model`")
      }
      return
    }
    let tokenizer = try HFTokenizer(contentsOf: path)
    for (text, expected) in zip(references.texts, entry.cases) {
      let tokens = try tokenizer.encode(text)
      let ids = tokens.compactMap(\.id)
      #expect(ids == expected.ids, "\(name): \(text.debugDescription)")
      guard ids == expected.ids, let offsets = expected.offsets else { continue }
      // Tokens the template adds have no source; the library gives them (0, 0).
      let ranges = tokens.map { $0.sourceRange.map { [$0.lowerBound, $0.upperBound] } ?? [0, 0] }
      #expect(ranges == offsets, "\(name): offsets of \(text.debugDescription)")
    }
    for (text, ids) in zip(references.hostileTexts, entry.hostile ?? []) {
      #expect(try tokenizer.ids(text) == ids, "\(name): hostile \(text.debugDescription)")
    }
  }
}

/// Merges recovered from a vocabulary and scores, against transformers' `generate_merges`: by
/// scores (Llama 2, Mistral) and by position (Gemma).
@Suite("Merges from scores")
struct MergesFromScoresTests {
  struct Case: Decodable {
    var tokens: [String]
    var scores: [Float]
    var withScores: [[String]]
    var byPosition: [[String]]
  }

  struct File: Decodable {
    var generatedMerges: Case
  }

  static func strings(_ tokens: [String], _ order: SentencePieceMerges.Order) -> [[String]] {
    SentencePieceMerges(tokens: tokens, order: order).all().map {
      [tokens[$0.left], tokens[$0.right]]
    }
  }

  /// Every pair of tokens ranked as a word ranks it gives transformers' list, in its order.
  @Test func matchTransformers() throws {
    let url = TokenizerReferences.fixtures.appendingPathComponent("tokenizer-references.json")
    let data = try Data(contentsOf: url)
    let reference = try snakeCaseDecoder.decode(File.self, from: data).generatedMerges
    let tokens = reference.tokens
    #expect(Self.strings(tokens, .scores(reference.scores)) == reference.withScores)
    #expect(Self.strings(tokens, .position) == reference.byPosition)
    #expect(reference.withScores.count > 100)
    #expect(reference.withScores != reference.byPosition)
  }

  @Test func scoresThenLengthsOrderTheMerges() {
    let tokens = ["▁", "t", "h", "▁t", "th", "▁th", "e"]
    #expect(
      Self.strings(tokens, .scores([0, 0, 0, -1, -2, -0.5, 0]))
        == [["▁t", "h"], ["▁", "th"], ["▁", "t"], ["t", "h"]])
  }

  /// A repeated token keeps its first position, last id and last score (Python dicts).
  @Test func repeatedTokensKeepTheirLastIdAndScore() {
    let tokens = ["a", "b", "ab", "ba", "ab"]
    let merges = SentencePieceMerges(tokens: tokens, order: .scores([0, 0, -5, -2, -1])).all()
    #expect(merges.map { [$0.left, $0.right, $0.merged] } == [[0, 1, 4], [1, 0, 3]])
  }

  /// A score of −0 ties with 0, as the floats compare: the lengths decide.
  @Test func negativeZeroTiesWithZero() {
    let tokens = ["a", "b", "c", "ab", "bc", "abc"]
    let merges = SentencePieceMerges(tokens: tokens, order: .scores([0, 0, 0, -0.0, 0, -1])).all()
    #expect(merges.map { [$0.left, $0.right] } == [[0, 1], [1, 2], [3, 2], [0, 4]])
  }
}

/// all-MiniLM-L6-v2 read from tokenizer.json gives the tokens of its vocab.txt read by
/// `BertTokenizer` — text, id, source range — so a folder can switch readers without changing a
/// figure. Only a typed special token differs: tokenizer.json marks `[MASK]` special.
@Suite("MiniLM: tokenizer.json and vocab.txt agree")
struct MiniLMReadersAgreeTests {
  static let path = TokenizerReferences.realPath("all-MiniLM-L6-v2")

  @Test(.enabled(if: path != nil || modelsRequired, "needs all-MiniLM-L6-v2 (make model)"))
  func sameTokens() throws {
    let path = try #require(Self.path)
    let folder = (path as NSString).deletingLastPathComponent
    let json = try HFTokenizer(contentsOf: path)
    let vocab = try BertTokenizer(vocabularyFile: folder + "/vocab.txt")
    #expect(json.vocabularySize == 30522)
    #expect(json.largestID == 30521)
    let references = try #require(TokenizerReferences.shared)
    for text in references.texts + references.hostileTexts {
      let a = try? json.tokenize(text)
      let b = try? vocab.tokenize(text)
      func strip(_ tokens: [Token]?) -> [Token]? {
        tokens?.map { Token($0.text, id: $0.id, sourceRange: $0.sourceRange) }
      }
      #expect(strip(a) == strip(b), "\(text.debugDescription)")
    }
  }
}

/// ATTNVIZ_REQUIRE_MODELS=1 (CI): the tests of the models `make model` fetches run even when the
/// model is missing, so a moved model fails them instead of skipping them.
let modelsRequired = ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"
