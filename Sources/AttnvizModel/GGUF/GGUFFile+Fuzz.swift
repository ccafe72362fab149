import AttnvizTokens

extension GGUFFile {
  /// Texts the fuzzed tokenizers encode: plain words, spaces and tabs, characters outside any
  /// small vocabulary (byte fallback), and spellings of special and added tokens.
  static let fuzzTexts = [
    "The cat sat on the mat.",
    "<s>two  spaces\tand 東京 🍣 <tool></s><|endoftext|><|im_start|>",
  ]

  /// What the `FuzzGGUF` target (Fuzz/) runs on any bytes, and the test suite on its seeds and
  /// findings: the steps `attnviz --model FILE.gguf` takes before the forward pass.
  ///
  /// 1. The header, metadata and tensor table are parsed and validated (`GGUFHeader`).
  /// 2. Every tensor of a readable type is converted whole, and its first and last rows alone.
  /// 3. When the metadata describes a tokenizer, it is built and encodes `fuzzTexts`.
  /// 4. When it also describes a model, the configuration is read and the model built (its
  ///    sizes validated, every tensor it needs checked by name and shape), and then every tensor
  ///    is read through the checkpoint, which undoes llama.cpp's Q/K permutation.
  ///
  /// Any error is fine; what must never happen is a trap, a read outside `bytes`, an unbounded
  /// allocation or a hang. Traps (precondition) when a converted tensor does not have exactly
  /// its element count or a token lies outside the text or the vocabulary. Returns a count, so
  /// the work cannot be optimised away.
  public static func fuzz(_ bytes: [UInt8]) -> Int {
    guard let file = try? GGUFFile(bytes: bytes, name: "fuzz.gguf") else { return 0 }
    var count = 0
    for tensor in file.tensors where tensor.type.isReadable {
      guard let values = try? file.floats(tensor.name) else { continue }
      precondition(values.count == tensor.elementCount, "\(tensor.name): wrong element count")
      count += values.count
      if tensor.rowCount > 0, let rows = try? file.rows(tensor.name, [0, tensor.rowCount - 1]) {
        precondition(rows.count == 2 * tensor.rowLength, "\(tensor.name): wrong row length")
      }
    }
    guard let tokenizer = try? file.header.tokenizer(file: file.path) else {
      return count
    }
    let vocabulary = file.header.value("tokenizer.ggml.tokens")?.arrayValue?.count ?? 0
    for text in fuzzTexts {
      for token in (try? tokenizer.tokenize(text)) ?? [] {
        precondition((token.id ?? 0) >= 0 && (token.id ?? 0) < vocabulary, "id out of range")
        precondition((token.sourceRange?.upperBound ?? 0) <= text.utf8.count, "range outside")
        count += 1
      }
    }
    guard let config = try? TransformerConfig(gguf: file) else { return count }
    let checkpoint = GGUFCheckpoint(
      file: file, permuteQK: file.header.value("general.architecture")?.stringValue == "llama",
      heads: config.heads, kvHeads: config.kvHeads,
      blockNames: ArchitectureLayout(config.architecture).ggufBlockNames)
    guard
      (try? TransformerModel(
        config: config, tensors: checkpoint, tokenizer: tokenizer, name: "fuzz")) != nil
    else { return count }
    for name in checkpoint.names {
      count += (try? checkpoint.float32(name))?.count ?? 0
    }
    return count
  }
}
