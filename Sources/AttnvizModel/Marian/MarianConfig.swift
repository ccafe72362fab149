/// The configuration a Marian model carries in its `special:model.yml` item, for the one shape
/// attnviz runs: `type: transformer` with post-norm blocks (`transformer-postprocess: dan`, no
/// pre-processing), ReLU or Swish feed-forward, tied embeddings, sinusoidal positions, and a
/// decoder whose self-attention is either an SSRU (`transformer-decoder-autoreg: rnn`,
/// `dec-cell: ssru`, the Firefox "tiny" students) or refused. Any other value of a key that
/// changes the arithmetic is refused by name, so a model attnviz would compute wrongly is never
/// run.
public struct MarianConfig: Sendable, Equatable {
  /// C: embedding and hidden width.
  public var dim: Int
  public var encoderLayers: Int
  public var decoderLayers: Int
  /// H.
  public var heads: Int
  /// I: feed-forward width.
  public var feedForward: Int
  public var vocabulary: Int

  public var headDim: Int { dim / heads }

  /// The sizes of a model read from elsewhere (a Hugging Face config.json).
  public init(
    dim: Int, encoderLayers: Int, decoderLayers: Int, heads: Int, feedForward: Int,
    vocabulary: Int
  ) {
    (self.dim, self.encoderLayers, self.decoderLayers) = (dim, encoderLayers, decoderLayers)
    (self.heads, self.feedForward, self.vocabulary) = (heads, feedForward, vocabulary)
  }

  /// Reads the YAML subset Marian writes (`key: value` lines, `- item` lists).
  public init(yaml: String, file: String) throws(ModelError) {
    var values: [String: String] = [:]
    var lists: [String: [String]] = [:]
    var lastKey: String?
    for rawLine in yaml.split(separator: "\n", omittingEmptySubsequences: true) {
      let line = rawLine.trimmingSpaces
      if line.hasPrefix("- "), let key = lastKey {
        lists[key, default: []].append(String(line.dropFirst(2)).trimmingSpaces)
        continue
      }
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = String(line[..<colon]).trimmingSpaces
      var value = String(line[line.index(after: colon)...]).trimmingSpaces
      if value == "\"\"" { value = "" }
      values[key] = value
      lastKey = key
    }
    func fail(_ reason: String) -> ModelError {
      .badModel(path: file, reason: "its configuration (special:model.yml) \(reason)")
    }
    func integer(_ key: String, _ range: ClosedRange<Int>) throws(ModelError) -> Int {
      guard let text = values[key], let value = Int(text), range.contains(value) else {
        throw fail("has \(key): \(values[key] ?? "nothing"), not a number in \(range)")
      }
      return value
    }
    func require(_ key: String, _ allowed: Set<String>, default fallback: String? = nil)
      throws(ModelError)
    {
      let value = values[key] ?? fallback ?? ""
      guard allowed.contains(value) else {
        throw fail(
          "has \(key): \(value.isEmpty ? "\"\"" : value); attnviz runs "
            + allowed.sorted().map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: " or "))
      }
    }
    try require("type", ["transformer"])
    try require("transformer-decoder-autoreg", ["rnn"], default: "self-attention")
    try require("dec-cell", ["ssru"])
    try require("transformer-postprocess", ["dan", "an"])
    try require("transformer-preprocess", [""])
    try require("transformer-postprocess-emb", ["d", ""])
    try require("transformer-postprocess-top", [""])
    try require("transformer-ffn-activation", ["relu"])
    try require("transformer-ffn-depth", ["2"], default: "2")
    try require("tied-embeddings-all", ["true"])
    try require("transformer-train-position-embeddings", ["false"], default: "false")
    try require("transformer-rnn-projection", ["false"], default: "false")
    try require("layer-normalization", ["false"], default: "false")
    try require("output-omit-bias", ["false"], default: "false")
    try require("transformer-no-projection", ["false"], default: "false")
    dim = try integer("dim-emb", 8...16384)
    heads = try integer("transformer-heads", 1...ModelLimits.heads)
    encoderLayers = try integer("enc-depth", 1...ModelLimits.layers)
    decoderLayers = try integer("dec-depth", 1...ModelLimits.layers)
    feedForward = try integer("transformer-dim-ffn", 1...1 << 17)
    guard dim % heads == 0, dim % 2 == 0 else {
      throw fail("has dim-emb \(dim), which \(heads) heads do not divide (or odd)")
    }
    let vocabularies = lists["dim-vocabs"] ?? []
    guard vocabularies.count == 2, let source = Int(vocabularies[0]),
      source == Int(vocabularies[1]),
      (1...1 << 20).contains(source)
    else {
      throw fail(
        "has dim-vocabs \(vocabularies); attnviz runs models with one shared vocabulary")
    }
    vocabulary = source
  }
}

extension StringProtocol {
  fileprivate var trimmingSpaces: String {
    String(
      drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop {
        $0 == " " || $0 == "\t" || $0 == "\r"
      }.reversed())
  }
}
