import AttnvizFiles
import AttnvizTokens
import Foundation

extension TransformerModel {
  /// Loads a Hugging Face model folder:
  ///
  ///     config.json                     model_type and sizes
  ///     model.safetensors               the weights (F32, F16 or BF16), or shards listed by
  ///     model.safetensors.index.json    model-0000N-of-0000M.safetensors
  ///     tokenizer.json                  the tokenizer, or the older files: vocab.txt (WordPiece,
  ///                                     with tokenizer_config.json), vocab.json + merges.txt
  ///
  /// The model is named after the folder.
  public init(folder: String, truncate: Bool = false) throws {
    let url = URL(fileURLWithPath: folder).standardizedFileURL
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw ModelError.badModel(
        path: folder,
        reason: "is not a folder; give a Hugging Face model folder with config.json, "
          + "model.safetensors and its tokenizer files")
    }
    // Stat before open, bounded read (AttnvizFiles): a FIFO or a 3 GiB config.json is refused.
    guard (try? BoundedFile.kindOf(path("config.json"), what: "config")) != nil else {
      throw ModelError.badModel(
        path: folder, reason: "has no readable config.json; is it a Hugging Face model folder?")
    }
    let data: [UInt8]
    do {
      data = try BoundedFile.read(
        path("config.json"), what: "config.json", limit: FileLimits.configFile)
    } catch let error as FileReadError {
      throw ModelError.badModel(path: path("config.json"), reason: error.reason)
    }
    let config = try TransformerConfig(configJSON: Data(data), path: folder)
    let hasWeights = ["model.safetensors", "model.safetensors.index.json"].contains {
      FileManager.default.fileExists(atPath: path($0))
    }
    guard hasWeights else {
      throw ModelError.badModel(
        path: folder,
        reason: "has no model.safetensors (nor model.safetensors.index.json with its shards); "
          + "attnviz reads safetensors checkpoints as Hugging Face saves them")
    }
    let tokenizer = try folderTokenizer(url, config: config)
    try self.init(
      config: config, tensors: try SafeTensorsCheckpoint(folder: url.path), tokenizer: tokenizer,
      name: url.lastPathComponent, location: folder, truncate: truncate)
  }
}

/// The folder's tokenizer: `tokenizer.json` when there is one, else the older files of BERT
/// (vocab.txt) and GPT-2 (vocab.json + merges.txt).
func folderTokenizer(_ folder: URL, config: TransformerConfig) throws -> any Tokenizer {
  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
  func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }
  if exists("tokenizer.json") {
    let tokenizer = try HFTokenizer(contentsOf: path("tokenizer.json"))
    guard tokenizer.largestID < config.vocabularySize else {
      throw ModelError.badModel(
        path: folder.path,
        reason: "tokenizer.json has id \(tokenizer.largestID) but the model has only "
          + "\(config.vocabularySize) token embeddings (config.json vocab_size); the files "
          + "belong to different models")
    }
    return tokenizer
  }
  let wordPiece = [.bert, .distilbert].contains(config.architecture)
  switch config.architecture {
  case _ where wordPiece && exists("vocab.txt"):
    let options = try bertTokenizerOptions(contentsOf: path("tokenizer_config.json"))
    let tokenizer = try BertTokenizer(vocabularyFile: path("vocab.txt"), options: options)
    guard tokenizer.vocabulary.count <= config.vocabularySize else {
      throw ModelError.badModel(
        path: folder.path,
        reason: "vocab.txt has \(tokenizer.vocabulary.count) entries but config.json's "
          + "vocab_size is \(config.vocabularySize); the files belong to different models")
    }
    return tokenizer
  case .gpt2 where exists("vocab.json") && exists("merges.txt"):
    let tokenizer = try GPT2Tokenizer(
      vocabularyFile: path("vocab.json"), mergesFile: path("merges.txt"))
    guard tokenizer.largestID < config.vocabularySize else {
      throw ModelError.badModel(
        path: folder.path,
        reason: "vocab.json has id \(tokenizer.largestID) but the model has only "
          + "\(config.vocabularySize) token embeddings (config.json vocab_size)")
    }
    return tokenizer
  default:
    let older =
      switch config.architecture {
      case .bert, .distilbert: " (or vocab.txt)"
      case .gpt2: " (or vocab.json and merges.txt)"
      default: ""
      }
    throw ModelError.badModel(
      path: folder.path,
      reason: "has no tokenizer attnviz can read; a \(config.architecture.rawValue) folder needs "
        + "tokenizer.json\(older) as Hugging Face saves it")
  }
}
