import Foundation
import Testing

@testable import AttnvizFiles
@testable import AttnvizKit
@testable import AttnvizModel
@testable import AttnvizTokens

/// The fuzz targets' inputs in the ordinary test suite: every committed seed (Fuzz/Corpus) and
/// every committed finding (Fuzz/Regressions) goes through the same calls as its target in
/// Fuzz/Sources, so a fixed crash stays fixed without a fuzzing build.
@Suite("Fuzz seeds and regressions")
struct FuzzInputsTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let fixtures = root.appendingPathComponent("Tests/AttnvizModelTests/Fixtures")

  static func inputs(_ target: String) -> [[UInt8]] {
    var result: [[UInt8]] = []
    for folder in ["Fuzz/Corpus", "Fuzz/Regressions"] {
      let url = root.appendingPathComponent(folder).appendingPathComponent(target)
      let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
      for name in names.sorted() {
        if let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path) {
          result.append([UInt8](data))
        }
      }
    }
    return result
  }

  @Test("every target has seeds")
  func seedsExist() {
    for target in [
      "FuzzWordTokenizer", "FuzzWordPiece", "FuzzByteLevelBPE", "FuzzWeightsJSON",
      "FuzzSafeTensors", "FuzzConfig", "FuzzTokenizerJSON", "FuzzSplitRegex", "FuzzGGUF",
      "FuzzMarian", "FuzzSentencePiece", "FuzzFigureInfo", "FuzzDeck", "FuzzChatTemplate",
    ] {
      #expect(!Self.inputs(target).isEmpty, "\(target) has no seeds")
    }
  }

  @Test func wordTokenizer() {
    for bytes in Self.inputs("FuzzWordTokenizer") {
      let text = String(decoding: bytes, as: UTF8.self)
      _ = try? WordTokenizer().tokenize(text)
    }
  }

  @Test func wordPiece() throws {
    let tokenizer = try BertTokenizer(
      vocabularyFile: Self.fixtures.appendingPathComponent("tiny-bert/vocab.txt").path)
    for input in Self.inputs("FuzzWordPiece") where !input.isEmpty {
      let bytes = Array(input.dropFirst())
      if input[0] % 2 == 0 {
        _ = try? tokenizer.tokenize(String(decoding: bytes, as: UTF8.self))
      } else {
        let lines = String(decoding: bytes, as: UTF8.self).split(
          separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        _ = try? BertTokenizer(
          vocabulary: WordPieceVocabulary(tokens: lines), options: .init(), file: "f"
        )
        .tokenize("The unaffable cat sat [SEP] on the mat, naïvely.")
      }
    }
  }

  @Test func byteLevelBPE() throws {
    let folder = Self.fixtures.appendingPathComponent("tiny-gpt2")
    let tokenizer = try GPT2Tokenizer(
      vocabularyFile: folder.appendingPathComponent("vocab.json").path,
      mergesFile: folder.appendingPathComponent("merges.txt").path)
    let merges = BPEFiles.lines(
      [UInt8](try Data(contentsOf: folder.appendingPathComponent("merges.txt"))))
    let vocabulary = try VocabularyJSON(
      [UInt8](try Data(contentsOf: folder.appendingPathComponent("vocab.json"))))
    for input in Self.inputs("FuzzByteLevelBPE") where !input.isEmpty {
      let bytes = Array(input.dropFirst())
      switch input[0] % 3 {
      case 0:
        let text = String(decoding: bytes, as: UTF8.self)
        for piece in tokenizer.encode(text) {
          #expect(piece.id >= 0 && piece.id <= tokenizer.largestID)
          #expect(piece.utf8Range.upperBound <= text.utf8.count)
        }
      case 1:
        guard let parsed = try? VocabularyJSON(bytes) else { continue }
        _ = try? GPT2Tokenizer(
          vocabulary: parsed, mergeLines: merges, mergesName: "m", vocabularyName: "v"
        ).encode("Hello world, naïve café 😀 <|endoftext|>")
      default:
        _ = try? GPT2Tokenizer(
          vocabulary: vocabulary, mergeLines: BPEFiles.lines(bytes), mergesName: "m",
          vocabularyName: "v"
        ).encode("Hello world, naïve café 😀 <|endoftext|>")
      }
    }
  }

  @Test func weightsJSON() {
    for bytes in Self.inputs("FuzzWeightsJSON") {
      _ = try? JSONValue(parsing: bytes)
      guard let model = try? WeightsFileModel(data: Data(bytes), name: "fuzz.json") else {
        continue
      }
      _ = try? model.trace("the cat sat on the mat")
    }
  }

  @Test func safeTensors() {
    for bytes in Self.inputs("FuzzSafeTensors") {
      bytes.withUnsafeBytes { buffer in
        guard let header = try? SafeTensorsHeader(file: "fuzz", bytes: buffer) else { return }
        for entry in header.entries {
          #expect(header.dataStart + entry.end <= buffer.count)
        }
      }
    }
  }

  @Test func config() {
    for bytes in Self.inputs("FuzzConfig") {
      guard (try? parseConfigObject(bytes, path: "fuzz/config.json")) != nil else { continue }
      _ = try? TransformerConfig(configJSON: Data(bytes), path: "fuzz")
    }
  }

  @Test func tokenizerJSON() {
    for bytes in Self.inputs("FuzzTokenizerJSON") { _ = HFTokenizer.fuzz(bytes) }
  }

  @Test func splitRegex() {
    for bytes in Self.inputs("FuzzSplitRegex") { _ = SplitRegex.fuzz(bytes) }
  }

  /// The seeds are valid files: each must get through to converted tensors, and the model seeds
  /// through the tokenizer and the model's tensor table (so the target starts deep).
  @Test func gguf() throws {
    for bytes in Self.inputs("FuzzGGUF") { _ = GGUFFile.fuzz(bytes) }
    let seeds = Self.root.appendingPathComponent("Fuzz/Corpus/FuzzGGUF")
    for name in [
      "types", "llama-model", "qwen2-model", "gpt2-tokenizer", "gemma3-model", "bert-tokenizer",
      "gemma4-tokenizer", "t5-tokenizer",
    ] {
      let bytes = [UInt8](try Data(contentsOf: seeds.appendingPathComponent("\(name).gguf")))
      let file = try GGUFFile(bytes: bytes)
      if name.hasSuffix("-model") {
        let tokenizer = try file.header.tokenizer(file: name)
        let config = try TransformerConfig(gguf: file)
        _ = try TransformerModel(
          config: config,
          tensors: GGUFCheckpoint(
            file: file, permuteQK: name == "llama-model", heads: config.heads,
            kvHeads: config.kvHeads,
            blockNames: ArchitectureLayout(config.architecture).ggufBlockNames),
          tokenizer: tokenizer, name: name)
      } else if name == "gpt2-tokenizer" {
        #expect(file.header.version == 2)
        _ = try file.header.tokenizer(file: name).tokenize("the cat")
      } else if name.hasSuffix("-tokenizer") {
        // The bert, gemma4 and t5 seeds (make_gguf_tokenizer_fuzz_seeds.py) reach their
        // builders.
        #expect(try file.header.tokenizer(file: name).tokenize("the cat").count > 2)
      } else {
        try GGUFFile.check(bytes: bytes)
      }
      #expect(GGUFFile.fuzz(bytes) > 0, "\(name)")
    }
  }

  @Test func marian() {
    let inputs = Self.inputs("FuzzMarian")
    // The seed is a whole tiny translator: it must get through to the decoder step.
    #expect(inputs.contains { MarianFile.fuzz($0) > 0 })
    for bytes in inputs { _ = MarianFile.fuzz(bytes) }
  }

  @Test func sentencePiece() {
    // The seeds (two whole models) tokenize; every input, the findings too, runs without a trap.
    let inputs = Self.inputs("FuzzSentencePiece")
    #expect(inputs.filter { SentencePieceModelFile.fuzz($0) > 0 }.count >= 2)
  }

  /// The figures `attnviz info` reads (a PNG and an SVG made by attnviz, crafted ones) and the
  /// decks `attnviz deck` reads: every seed parses, every figure seed carries its command.
  @Test func figureInfoAndDeck() {
    for bytes in Self.inputs("FuzzFigureInfo") { _ = fuzzFigureInfo(bytes) }
    for bytes in Self.inputs("FuzzDeck") { _ = fuzzDeck(bytes) }
    #expect(Self.inputs("FuzzDeck").contains { fuzzDeck($0) > 0 })
    #expect(Self.inputs("FuzzFigureInfo").filter { fuzzFigureInfo($0) > 0 }.count >= 2)
  }

  /// The chat templates the seeds hold (the ten of the chat references: ChatML, Llama 3 and
  /// 3.2, Mistral v1/v3/tekken, Gemma 2 and 3) each name their family and render.
  @Test func chatTemplates() {
    let inputs = Self.inputs("FuzzChatTemplate")
    #expect(inputs.count >= 10)
    for bytes in inputs {
      #expect(ChatFamily.detect(String(decoding: bytes, as: UTF8.self)) != nil)
      #expect(fuzzChatTemplate(bytes) > 0)
    }
  }

  /// A template's literals are read in one pass: 200,000 markers after one quote that is never
  /// closed (a 1.6 MB GGUF `tokenizer.chat_template`), and 100,000 ChatML system openings before
  /// one `<|im_end|>`, made the readers scan the text before or after each marker again.
  @Test func manyMarkersWithoutQuotesAreLinear() {
    let markers = "'" + String(repeating: "[INST] x", count: 200_000)
    let template = ChatTemplate(family: .mistral, template: markers, beginText: nil)
    #expect(template.instOpen == "[INST] ")
    let openings = String(repeating: "<|im_start|>system\\n{", count: 100_000) + "<|im_end|>"
    #expect(ChatTemplate.chatMLDefaultSystem(openings) == nil)
    #expect(ChatTemplate.chatMLDefaultSystem("'<|im_start|>system\\nHi.<|im_end|>'") == "Hi.")
    #expect(ChatTemplate.literal(containing: "[/INST]", in: "x ' [/INST]' y") == " [/INST]")
  }

  /// A recorded command of more than 8 MiB (`maximumTextChunk`) is not parsed; one of exactly
  /// that size is.
  @Test func recordedCommandsAreBounded() {
    let fits = "[\"" + String(repeating: "x", count: (8 << 20) - 4) + "\"]"
    #expect(parseJSONArrayOfStrings(fits)?.first?.utf8.count == (8 << 20) - 4)
    #expect(parseJSONArrayOfStrings("[\"x" + fits.dropFirst(2)) == nil)
  }
}
