import AttnvizFiles
import Foundation

extension HFTokenizer {
  /// Reads a `tokenizer.json`. Errors name the file and the part that is wrong or not
  /// supported.
  public init(contentsOf path: String) throws {
    let data: [UInt8]
    do {
      data = try BoundedFile.read(
        path, what: BoundedFile.name(path), limit: FileLimits.vocabularyFile)
    } catch let error as FileReadError {
      throw TokenizerError.malformedVocabulary(file: path, reason: error.reason)
    }
    try self.init(jsonData: data, source: path)
  }

  /// Reads the bytes of a `tokenizer.json`; `source` names it in errors.
  public init(jsonData: [UInt8], source: String) throws {
    func fail(_ reason: String) -> TokenizerError {
      .malformedVocabulary(file: source, reason: reason)
    }
    let root: JSONValue
    do {
      root = try JSONValue(parsing: jsonData)
    } catch {
      throw fail(error.description)
    }
    guard root.object != nil else { throw fail("must be a JSON object with a \"model\"") }
    do {
      var reader = TokenizerJSONReader()
      let model = try reader.model(root["model"])
      let normalizer = try reader.normalizer(root["normalizer"])
      let preTokenizer = try reader.preTokenizer(root["pre_tokenizer"])
      let post = try reader.postProcessor(root["post_processor"])
      let added = try reader.addedTokens(root["added_tokens"])
      let display = try reader.display(root["decoder"])
      if let tooLarge = AddedTokenMatcher.checkSize(of: added) {
        throw fail("its added tokens \(tooLarge)")
      }
      self.init(
        normalizer: normalizer, preTokenizer: preTokenizer, model: model, postProcessor: post,
        addedTokens: added, display: display, source: source)
    } catch let error as TokenizerJSONReader.Failure {
      throw fail(error.reason)
    } catch TokenizerError.malformedVocabulary(_, let reason) {
      throw fail(reason)
    }
  }

  /// For fuzzing: reads `bytes` as a tokenizer.json and, when that succeeds, encodes a few
  /// texts with it; otherwise encodes `bytes` (as lossy UTF-8) with a small built-in byte-level
  /// tokenizer. Never traps; returns how many tokens came out, so the work is not optimised
  /// away.
  public static func fuzz(_ bytes: [UInt8]) -> Int {
    let text = String(decoding: bytes, as: UTF8.self)
    if let tokenizer = try? HFTokenizer(jsonData: bytes, source: "fuzz.json") {
      let texts = ["The animal didn't cross the street.", "<|im_start|>user\nHi<|im_end|>", text]
      return texts.reduce(0) { $0 + ((try? tokenizer.encode($1))?.count ?? 0) }
    }
    guard let tokenizer = fuzzTokenizer else { return 0 }
    return (try? tokenizer.encode(text))?.count ?? 0
  }

  /// A byte-level BPE with a Llama 3 style split and a few merges, for `fuzz`.
  static let fuzzTokenizer: HFTokenizer? = {
    var vocabulary = ByteLevelAlphabet.characters.enumerated().map {
      (String($0.element), $0.offset)
    }
    vocabulary += [("Ġt", 256), ("he", 257), ("Ġthe", 258), ("in", 259)]
    let merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n")]
    guard let bpe = try? BPE(vocabulary: vocabulary, merges: merges),
      let regex = try? SplitRegex(GGUFPreTokenizerSplits.llama3)
    else { return nil }
    return HFTokenizer(
      normalizer: .nfc,
      preTokenizer: .sequence([
        .split(regex, .isolated, invert: false),
        .byteLevel(addPrefixSpace: false, useRegex: false),
      ]),
      model: .bpe(bpe), addedTokens: [AddedToken(content: "<|end|>", id: 260)], source: "fuzz")
  }()
}
