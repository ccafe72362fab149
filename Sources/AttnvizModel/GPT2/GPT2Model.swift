import AttnvizMath
import AttnvizTokens
import Foundation

/// A pretrained GPT-2 read from a Hugging Face folder: `config.json`, `vocab.json`,
/// `merges.txt` and `model.safetensors`. It is run up to the last layer's attention, which is
/// all a figure needs; the LM head is never computed.
///
/// Shapes: T tokens, C = n_embd, H heads, D = C / H, I = MLP width. Per layer (pre-LayerNorm):
///
///     x₀ = wte[ids] + wpe[0..<T]                                        (T, C)
///     a  = ln_1(x)          attention (causal, QKᵀ/√D) on a               → weights_l
///     x  = x + c_proj(attention output)
///     x  = x + mlp_c_proj(gelu_new(ln_2(x)·W_fc + b_fc))                (T, I) → (T, C)
///
/// `c_attn` (C, 3C) is split by columns into Wq | Wk | Wv. The first layer keeps its
/// `LayerSteps`, where `embeddings` are the token embeddings (wte rows), `positionalEncoding`
/// the learned position embeddings (wpe rows 0..<T), and `input` is ln_1(wte + wpe), the
/// matrix Q, K and V are computed from: unlike the textbook layer, GPT-2 normalises first.
///
/// Weights stay in the memory-mapped file and are converted layer by layer in `trace`, so a
/// 124M-parameter GPT-2 does not hold a gigabyte of doubles.
public struct GPT2Model: AttentionModel {
  public let info: ModelInfo
  public let config: GPT2Config
  public let tokenizer: GPT2Tokenizer
  /// Cut texts longer than `config.positions` tokens instead of throwing `tooManyTokens`.
  public let truncate: Bool
  /// Tensors in the file that are not used: mask buffers and heads (`lm_head.weight`, …).
  public var ignoredTensors: [String] { tensors.ignored }
  let tensors: GPT2Tensors
  let folder: String

  public init(folder: String, truncate: Bool = false) throws {
    let url = URL(fileURLWithPath: folder)
    let files = ["config.json", "vocab.json", "merges.txt", "model.safetensors"]
    let missing = files.filter {
      !FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path)
    }
    guard missing.isEmpty else {
      throw ModelError.badModel(
        path: folder,
        reason: "has no \(missing.joined(separator: ", ")); a GPT-2 folder holds "
          + files.joined(separator: ", "))
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    config = try GPT2Config(object: try readConfigObject(path("config.json")), path: folder)
    tokenizer = try GPT2Tokenizer(
      vocabularyFile: path("vocab.json"), mergesFile: path("merges.txt"))
    guard tokenizer.largestID < config.vocabularySize else {
      throw ModelError.badModel(
        path: folder,
        reason: "vocab.json has id \(tokenizer.largestID) but the model has only "
          + "\(config.vocabularySize) token embeddings (config.json vocab_size)")
    }
    tensors = try GPT2Tensors(
      file: try SafeTensorsFile(path: path("model.safetensors")), config: config, folder: folder)
    self.truncate = truncate
    self.folder = folder
    info = ModelInfo(
      name: url.lastPathComponent, architecture: "gpt2", layers: config.layers,
      heads: config.heads, dModel: config.embeddingSize, causal: true)
  }

  public func tokenCount(_ text: String) throws -> Int? {
    let count = try tokenizer.tokenize(text).count
    guard count <= config.positions || truncate else {
      throw ModelError.tooManyTokens(count: count, limit: config.positions)
    }
    return min(count, config.positions)
  }

  public func trace(_ text: String) throws -> AttentionTrace {
    var tokens = try tokenizer.tokenize(text)
    var truncatedFrom: Int?
    if tokens.count > config.positions {
      guard truncate else {
        throw ModelError.tooManyTokens(count: tokens.count, limit: config.positions)
      }
      truncatedFrom = tokens.count
      tokens = Array(tokens.prefix(config.positions))
    }
    let layers = try forward(ids: tokens.map { $0.id ?? 0 })
    return AttentionTrace(
      text: text, tokens: tokens, model: info, layers: layers, truncatedFrom: truncatedFrom)
  }

  /// Runs the layers on token ids (all < vocab_size, at most `config.positions` of them, as
  /// `trace` guarantees).
  func forward(ids: [Int]) throws -> [LayerTrace] {
    precondition(ids.count <= config.positions, "more tokens than positions")
    precondition(ids.allSatisfy { (0..<config.vocabularySize).contains($0) }, "id out of range")
    let tokenEmbeddings = try embeddingRows("wte.weight", rows: ids)  // (T, C)
    let positionEmbeddings = try embeddingRows("wpe.weight", rows: Array(ids.indices))  // (T, C)
    var x = tokenEmbeddings + positionEmbeddings
    var traces: [LayerTrace] = []
    for l in 0..<config.layers {
      let a = try layerNorm(x, "h.\(l).ln_1")
      let attention = try attentionLayer(l)
      let steps =
        l == 0
        ? attention.forward(
          input: a, embeddings: tokenEmbeddings, positionalEncoding: positionEmbeddings)
        : attention.forward(input: a, embeddings: a, positionalEncoding: nil)
      guard steps.weights.allSatisfy(\.isFinite) else {
        throw ModelError.badModel(
          path: folder,
          reason: "layer \(l) produced non-finite attention; the weights hold NaN or infinity")
      }
      traces.append(LayerTrace(weights: steps.weights, steps: l == 0 ? steps : nil))
      if l == config.layers - 1 { break }  // nothing after the last attention is shown
      x = x + steps.output
      x = x + (try mlp(try layerNorm(x, "h.\(l).ln_2"), layer: l))
    }
    return traces
  }

  /// Rows `rows` of a (N, C) embedding table.
  func embeddingRows(_ name: String, rows: [Int]) throws -> Matrix {
    let c = config.embeddingSize
    let table = try tensors.file.floats(tensors.prefix + name)
    var values: [Double] = []
    values.reserveCapacity(rows.count * c)
    for r in rows { values += table[(r * c)..<((r + 1) * c)].map(Double.init) }
    return Matrix(rows: rows.count, columns: c, values: values)
  }

  /// The layer's attention, with c_attn (C, 3C) split by columns into Wq | Wk | Wv.
  func attentionLayer(_ l: Int) throws -> SelfAttentionLayer {
    let c = config.embeddingSize
    let qkv = try tensors.values("h.\(l).attn.c_attn.weight")  // (C, 3C), row-major
    let qkvBias = try tensors.values("h.\(l).attn.c_attn.bias")
    func third(_ part: Int) -> Matrix {
      var values: [Double] = []
      values.reserveCapacity(c * c)
      for row in 0..<c {
        let start = row * 3 * c + part * c
        values += qkv[start..<(start + c)]
      }
      return Matrix(rows: c, columns: c, values: values)
    }
    return SelfAttentionLayer(
      wq: third(0), wk: third(1), wv: third(2),
      wo: try tensors.matrix("h.\(l).attn.c_proj.weight", rows: c, columns: c),
      bq: Array(qkvBias[0..<c]), bk: Array(qkvBias[c..<(2 * c)]),
      bv: Array(qkvBias[(2 * c)..<(3 * c)]),
      bo: try tensors.values("h.\(l).attn.c_proj.bias"), heads: config.heads, causal: true)
  }

  /// mlp.c_proj(act(a · c_fc + b)): (T, C) → (T, I) → (T, C).
  func mlp(_ a: Matrix, layer l: Int) throws -> Matrix {
    let c = config.embeddingSize
    let i = config.innerSize
    let fc = try tensors.matrix("h.\(l).mlp.c_fc.weight", rows: c, columns: i)
    let activation = config.activation
    let hidden = addBias(a * fc, try tensors.values("h.\(l).mlp.c_fc.bias")).map { activation($0) }
    let proj = try tensors.matrix("h.\(l).mlp.c_proj.weight", rows: i, columns: c)
    return addBias(hidden * proj, try tensors.values("h.\(l).mlp.c_proj.bias"))
  }

  /// LayerNorm over each row: (x − mean) / √(biased variance + ε) · weight + bias.
  func layerNorm(_ x: Matrix, _ name: String) throws -> Matrix {
    let weight = try tensors.values(name + ".weight")
    let bias = try tensors.values(name + ".bias")
    var out = x
    let n = Double(x.columns)
    for r in 0..<x.rows {
      let row = x.row(r)
      let mean = row.reduce(0, +) / n
      let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
      let scale = 1 / (variance + config.layerNormEpsilon).squareRoot()
      for (j, value) in row.enumerated() {
        out[r, j] = (value - mean) * scale * weight[j] + bias[j]
      }
    }
    return out
  }
}
