/// Each architecture as a short description: how its checkpoint names its tensors (one explicit
/// table, from Hugging Face's `modeling_*.py`), and how its block is put together. The
/// arithmetic is shared (TransformerKernels.swift, ForwardPass.swift).
///
/// Shapes in the tables: V vocabulary, P positions, C hidden, H·D query width, G·D key/value
/// width, I feed-forward width.
struct ArchitectureLayout: Sendable {
  enum NormKind: Sendable { case layerNorm, rmsNorm }
  /// Post-norm (BERT: x = norm(x + attention(x))), pre-norm (GPT-2, Llama:
  /// x = x + attention(norm(x))), or both around each sub-block (Gemma 2 and 3:
  /// x = x + norm′(attention(norm(x)))).
  enum BlockOrder: Sendable { case postNorm, preNorm, sandwich }
  enum Positions: Sendable { case learned, rotary }
  enum FeedForward: Sendable {
    /// down(act(up(x)))
    case plain
    /// down(act(gate(x)) ⊙ up(x)), SwiGLU with SiLU.
    case gated
  }

  var prefixes: [String]
  var norm: NormKind
  var order: BlockOrder
  var positions: Positions
  var feedForward: FeedForward
  /// Whether the embeddings are normalised before the first block (BERT family).
  var embeddingNorm: Bool
  /// Whether the token embeddings are multiplied by √C (Gemma).
  var scalesEmbeddings = false
  /// What Hugging Face checkpoints leave out of every RMSNorm weight: Gemma's norms multiply by
  /// (1 + w), so its folders store w and the factor is w + 1 (`Gemma3RMSNorm`). GGUF files
  /// store the factor itself (llama.cpp's converter adds the 1), so this applies to sources
  /// whose `storesNormFactors` is false.
  var normWeightOffset: Float = 0
  /// GGUF block tensor names that mean something else in this architecture than in Llama's
  /// (`GGUFCheckpoint.blockNames`): Gemma's `ffn_norm` is the pre-feed-forward norm.
  var ggufBlockNames: [String: String] = [:]
  /// Names (without the prefix) of tensors inside the body, not parameters: mask buffers,
  /// position-id buffers, cached rotary frequencies.
  var bufferSuffixes: [String]
  /// First name components of the body; other tensors (pooler, task heads) are ignored.
  var bodyRoots: [String]
  let table: @Sendable (TransformerConfig) -> [TensorEntry]

  func isBuffer(_ name: String) -> Bool {
    bufferSuffixes.contains { name.hasSuffix($0) }
  }

  /// Whether a name the table does not know lies inside the transformer body (an error: the
  /// config does not describe the checkpoint) or outside it (a task head: ignored).
  func isInBody(_ name: String, prefixed: Bool) -> Bool {
    if !prefixes.contains(""), !prefixed { return false }
    return bodyRoots.contains { name.hasPrefix($0 + ".") }
  }
}

extension ArchitectureLayout {
  init(_ architecture: TransformerConfig.Architecture) {
    switch architecture {
    case .llama, .mistral, .qwen2, .qwen3: self = .llamaFamily
    case .bert, .roberta: self = .bert(prefix: architecture == .bert ? "bert." : "roberta.")
    case .distilbert: self = .distilbert
    case .gpt2: self = .gpt2
    case .gemma: self = .gemma
    case .gemma2, .gemma3: self = .gemmaSandwich
    case .phi3: self = .phi3
    case .olmo2: self = .olmo2
    }
  }

  /// Phi-3 (`modeling_phi3.py`): Llama's block, Q, K and V as rows of one `qkv_proj`, the
  /// gate and up projections as the halves of `gate_up_proj` (gate first).
  static let phi3: ArchitectureLayout = {
    let llama = llamaFamily.table
    var layout = ArchitectureLayout(
      prefixes: ["model.", ""], norm: .rmsNorm, order: .preNorm, positions: .rotary,
      feedForward: .gated, embeddingNorm: false, bufferSuffixes: ["rotary_emb.inv_freq"],
      bodyRoots: ["embed_tokens", "layers", "norm"]
    ) { c in
      let (hidden, q, kv, inner) = (
        c.hidden, c.heads * c.headDim, c.kvHeads * c.headDim, c.intermediate
      )
      let fused: [LayerParameter] = [
        .queryWeight, .keyWeight, .valueWeight, .gateWeight, .upWeight,
      ]
      var table = llama(c).filter {
        guard case .layer(_, let p) = $0.parameter else { return true }
        return !fused.contains(p)
      }
      for l in 0..<c.layers {
        func slice(_ name: String, _ p: LayerParameter, _ rows: Range<Int>, of total: Int)
          -> TensorEntry
        {
          TensorEntry(
            name: "layers.\(l).\(name)", parameter: .layer(l, p), shape: [rows.count, hidden],
            rows: rows, storedShape: [total, hidden])
        }
        table += [
          slice("self_attn.qkv_proj.weight", .queryWeight, 0..<q, of: q + 2 * kv),
          slice("self_attn.qkv_proj.weight", .keyWeight, q..<(q + kv), of: q + 2 * kv),
          slice("self_attn.qkv_proj.weight", .valueWeight, (q + kv)..<(q + 2 * kv), of: q + 2 * kv),
          slice("mlp.gate_up_proj.weight", .gateWeight, 0..<inner, of: 2 * inner),
          slice("mlp.gate_up_proj.weight", .upWeight, inner..<(2 * inner), of: 2 * inner),
        ]
      }
      return table
    }
    layout.ggufBlockNames = ["attn_qkv": "self_attn.qkv_proj", "ffn_up": "mlp.gate_up_proj"]
    return layout
  }()

  /// OLMo 2 (`modeling_olmo2.py`): Llama's tensors without the norms before the sub-blocks,
  /// with a norm after each (`post_attention_layernorm`, `post_feedforward_layernorm`) and
  /// q/k RMSNorm over the whole projection (H·D and G·D weights).
  static let olmo2: ArchitectureLayout = {
    let llama = llamaFamily.table
    var layout = ArchitectureLayout(
      prefixes: ["model.", ""], norm: .rmsNorm, order: .sandwich, positions: .rotary,
      feedForward: .gated, embeddingNorm: false, bufferSuffixes: ["rotary_emb.inv_freq"],
      bodyRoots: ["embed_tokens", "layers", "norm"]
    ) { c in
      var table = llama(c).filter {
        guard case .layer(_, let p) = $0.parameter else { return true }
        return ![.attentionNormWeight, .mlpNormWeight, .queryNorm, .keyNorm].contains(p)
      }
      for l in 0..<c.layers {
        func entry(_ name: String, _ p: LayerParameter, _ size: Int) -> TensorEntry {
          TensorEntry(name: "layers.\(l).\(name)", parameter: .layer(l, p), shape: [size])
        }
        table += [
          entry("post_attention_layernorm.weight", .postAttentionNormWeight, c.hidden),
          entry("post_feedforward_layernorm.weight", .postMLPNormWeight, c.hidden),
          entry("self_attn.q_norm.weight", .queryNorm, c.heads * c.headDim),
          entry("self_attn.k_norm.weight", .keyNorm, c.kvHeads * c.headDim),
        ]
      }
      return table
    }
    layout.ggufBlockNames = [
      "post_attention_norm": "post_attention_layernorm",
      "post_ffw_norm": "post_feedforward_layernorm",
    ]
    return layout
  }()

  /// Gemma (`modeling_gemma.py`): Llama's tensors and block, the embeddings scaled by √C, the
  /// norms multiplying by (1 + w).
  static let gemma: ArchitectureLayout = {
    var layout = llamaFamily
    layout.scalesEmbeddings = true
    layout.normWeightOffset = 1
    return layout
  }()

  /// Gemma 2 and 3 (`modeling_gemma2.py`, `modeling_gemma3.py`): Llama's tensors (Gemma 3's
  /// q/k norms through the flag) plus a norm after each sub-block; the embeddings scaled by √C;
  /// the norms multiplying by (1 + w); the LM head tied to the embeddings.
  static let gemmaSandwich: ArchitectureLayout = {
    var layout = ArchitectureLayout(
      prefixes: ["model.", ""], norm: .rmsNorm, order: .sandwich, positions: .rotary,
      feedForward: .gated, embeddingNorm: false, bufferSuffixes: ["rotary_emb.inv_freq"],
      bodyRoots: ["embed_tokens", "layers", "norm"]
    ) { c in
      var table = llamaFamily.table(c)
      for l in 0..<c.layers {
        func entry(_ name: String, _ p: LayerParameter) -> TensorEntry {
          TensorEntry(name: "layers.\(l).\(name)", parameter: .layer(l, p), shape: [c.hidden])
        }
        table.removeAll { $0.parameter == .layer(l, .mlpNormWeight) }
        table += [
          entry("post_attention_layernorm.weight", .postAttentionNormWeight),
          entry("pre_feedforward_layernorm.weight", .mlpNormWeight),
          entry("post_feedforward_layernorm.weight", .postMLPNormWeight),
        ]
      }
      return table
    }
    layout.scalesEmbeddings = true
    layout.normWeightOffset = 1
    layout.ggufBlockNames = [
      "ffn_norm": "pre_feedforward_layernorm", "post_attention_norm": "post_attention_layernorm",
      "post_ffw_norm": "post_feedforward_layernorm",
    ]
    return layout
  }()

  /// Llama, Mistral, Qwen2, Qwen3 (`modeling_llama.py`): the flags decide biases and q/k norms.
  static let llamaFamily = ArchitectureLayout(
    prefixes: ["model.", ""], norm: .rmsNorm, order: .preNorm, positions: .rotary,
    feedForward: .gated, embeddingNorm: false, bufferSuffixes: ["rotary_emb.inv_freq"],
    bodyRoots: ["embed_tokens", "layers", "norm"]
  ) { c in
    let (hidden, q, kv, inner) = (
      c.hidden, c.heads * c.headDim, c.kvHeads * c.headDim, c.intermediate
    )
    var table = [
      TensorEntry(
        name: "embed_tokens.weight", parameter: .tokenEmbedding, shape: [c.vocabularySize, hidden]),
      TensorEntry(name: "norm.weight", parameter: .finalNormWeight, shape: [hidden]),
      TensorEntry(
        name: "lm_head.weight", parameter: .lmHead, shape: [c.vocabularySize, hidden],
        optional: true, unprefixed: true),
    ]
    for l in 0..<c.layers {
      func entry(_ name: String, _ p: LayerParameter, _ shape: [Int]) -> TensorEntry {
        TensorEntry(name: "layers.\(l).\(name)", parameter: .layer(l, p), shape: shape)
      }
      table += [
        entry("input_layernorm.weight", .attentionNormWeight, [hidden]),
        entry("self_attn.q_proj.weight", .queryWeight, [q, hidden]),
        entry("self_attn.k_proj.weight", .keyWeight, [kv, hidden]),
        entry("self_attn.v_proj.weight", .valueWeight, [kv, hidden]),
        entry("self_attn.o_proj.weight", .outputWeight, [hidden, q]),
        entry("post_attention_layernorm.weight", .mlpNormWeight, [hidden]),
        entry("mlp.gate_proj.weight", .gateWeight, [inner, hidden]),
        entry("mlp.up_proj.weight", .upWeight, [inner, hidden]),
        entry("mlp.down_proj.weight", .downWeight, [hidden, inner]),
      ]
      if c.qkvBias {
        table += [
          entry("self_attn.q_proj.bias", .queryBias, [q]),
          entry("self_attn.k_proj.bias", .keyBias, [kv]),
          entry("self_attn.v_proj.bias", .valueBias, [kv]),
        ]
      }
      if c.outputBias { table.append(entry("self_attn.o_proj.bias", .outputBias, [hidden])) }
      if c.mlpBias {
        table += [
          entry("mlp.gate_proj.bias", .gateBias, [inner]),
          entry("mlp.up_proj.bias", .upBias, [inner]),
          entry("mlp.down_proj.bias", .downBias, [hidden]),
        ]
      }
      if c.qkNorm {
        table += [
          entry("self_attn.q_norm.weight", .queryNorm, [c.headDim]),
          entry("self_attn.k_norm.weight", .keyNorm, [c.headDim]),
        ]
      }
    }
    return table
  }

  /// BERT and RoBERTa (`modeling_bert.py`, `modeling_roberta.py`): the same names.
  static func bert(prefix: String) -> ArchitectureLayout {
    ArchitectureLayout(
      prefixes: [prefix, ""], norm: .layerNorm, order: .postNorm, positions: .learned,
      feedForward: .plain, embeddingNorm: true, bufferSuffixes: ["position_ids"],
      bodyRoots: ["embeddings", "encoder"]
    ) { c in
      let (hidden, inner) = (c.hidden, c.intermediate)
      var table = [
        TensorEntry(
          name: "embeddings.word_embeddings.weight", parameter: .tokenEmbedding,
          shape: [c.vocabularySize, hidden]),
        TensorEntry(
          name: "embeddings.position_embeddings.weight", parameter: .positionEmbedding,
          shape: [c.maxPositions, hidden]),
        TensorEntry(
          name: "embeddings.token_type_embeddings.weight", parameter: .typeEmbedding,
          shape: [c.typeVocabularySize, hidden]),
        TensorEntry(
          name: "embeddings.LayerNorm.weight", parameter: .embeddingNormWeight, shape: [hidden]),
        TensorEntry(
          name: "embeddings.LayerNorm.bias", parameter: .embeddingNormBias, shape: [hidden]),
      ]
      for l in 0..<c.layers {
        func entry(_ name: String, _ p: LayerParameter, _ shape: [Int]) -> TensorEntry {
          TensorEntry(name: "encoder.layer.\(l).\(name)", parameter: .layer(l, p), shape: shape)
        }
        table += [
          entry("attention.self.query.weight", .queryWeight, [hidden, hidden]),
          entry("attention.self.query.bias", .queryBias, [hidden]),
          entry("attention.self.key.weight", .keyWeight, [hidden, hidden]),
          entry("attention.self.key.bias", .keyBias, [hidden]),
          entry("attention.self.value.weight", .valueWeight, [hidden, hidden]),
          entry("attention.self.value.bias", .valueBias, [hidden]),
          entry("attention.output.dense.weight", .outputWeight, [hidden, hidden]),
          entry("attention.output.dense.bias", .outputBias, [hidden]),
          entry("attention.output.LayerNorm.weight", .attentionNormWeight, [hidden]),
          entry("attention.output.LayerNorm.bias", .attentionNormBias, [hidden]),
          entry("intermediate.dense.weight", .upWeight, [inner, hidden]),
          entry("intermediate.dense.bias", .upBias, [inner]),
          entry("output.dense.weight", .downWeight, [hidden, inner]),
          entry("output.dense.bias", .downBias, [hidden]),
          entry("output.LayerNorm.weight", .mlpNormWeight, [hidden]),
          entry("output.LayerNorm.bias", .mlpNormBias, [hidden]),
        ]
      }
      return table
    }
  }

  /// DistilBERT (`modeling_distilbert.py`): BERT's block under its own names, no token types.
  static let distilbert = ArchitectureLayout(
    prefixes: ["distilbert.", ""], norm: .layerNorm, order: .postNorm, positions: .learned,
    feedForward: .plain, embeddingNorm: true, bufferSuffixes: ["position_ids"],
    bodyRoots: ["embeddings", "transformer"]
  ) { c in
    let (hidden, inner) = (c.hidden, c.intermediate)
    var table = [
      TensorEntry(
        name: "embeddings.word_embeddings.weight", parameter: .tokenEmbedding,
        shape: [c.vocabularySize, hidden]),
      TensorEntry(
        name: "embeddings.position_embeddings.weight", parameter: .positionEmbedding,
        shape: [c.maxPositions, hidden]),
      TensorEntry(
        name: "embeddings.LayerNorm.weight", parameter: .embeddingNormWeight, shape: [hidden]),
      TensorEntry(
        name: "embeddings.LayerNorm.bias", parameter: .embeddingNormBias, shape: [hidden]),
    ]
    for l in 0..<c.layers {
      func entry(_ name: String, _ p: LayerParameter, _ shape: [Int]) -> TensorEntry {
        TensorEntry(name: "transformer.layer.\(l).\(name)", parameter: .layer(l, p), shape: shape)
      }
      table += [
        entry("attention.q_lin.weight", .queryWeight, [hidden, hidden]),
        entry("attention.q_lin.bias", .queryBias, [hidden]),
        entry("attention.k_lin.weight", .keyWeight, [hidden, hidden]),
        entry("attention.k_lin.bias", .keyBias, [hidden]),
        entry("attention.v_lin.weight", .valueWeight, [hidden, hidden]),
        entry("attention.v_lin.bias", .valueBias, [hidden]),
        entry("attention.out_lin.weight", .outputWeight, [hidden, hidden]),
        entry("attention.out_lin.bias", .outputBias, [hidden]),
        entry("sa_layer_norm.weight", .attentionNormWeight, [hidden]),
        entry("sa_layer_norm.bias", .attentionNormBias, [hidden]),
        entry("ffn.lin1.weight", .upWeight, [inner, hidden]),
        entry("ffn.lin1.bias", .upBias, [inner]),
        entry("ffn.lin2.weight", .downWeight, [hidden, inner]),
        entry("ffn.lin2.bias", .downBias, [hidden]),
        entry("output_layer_norm.weight", .mlpNormWeight, [hidden]),
        entry("output_layer_norm.bias", .mlpNormBias, [hidden]),
      ]
    }
    return table
  }

  /// GPT-2 (`modeling_gpt2.py`): Conv1D weights stored (in, out), Q, K and V fused in c_attn.
  static let gpt2 = ArchitectureLayout(
    prefixes: ["transformer.", ""], norm: .layerNorm, order: .preNorm, positions: .learned,
    feedForward: .plain, embeddingNorm: false, bufferSuffixes: [".attn.bias", ".attn.masked_bias"],
    bodyRoots: ["wte", "wpe", "h", "ln_f"]
  ) { c in
    let (hidden, inner) = (c.hidden, c.intermediate)
    var table = [
      TensorEntry(
        name: "wte.weight", parameter: .tokenEmbedding, shape: [c.vocabularySize, hidden]),
      TensorEntry(
        name: "wpe.weight", parameter: .positionEmbedding, shape: [c.maxPositions, hidden]),
      TensorEntry(name: "ln_f.weight", parameter: .finalNormWeight, shape: [hidden]),
      TensorEntry(name: "ln_f.bias", parameter: .finalNormBias, shape: [hidden]),
    ]
    for l in 0..<c.layers {
      func entry(_ name: String, _ p: LayerParameter, _ shape: [Int], conv: Bool = false)
        -> TensorEntry
      {
        TensorEntry(name: "h.\(l).\(name)", parameter: .layer(l, p), shape: shape, transposed: conv)
      }
      table += [
        entry("ln_1.weight", .attentionNormWeight, [hidden]),
        entry("ln_1.bias", .attentionNormBias, [hidden]),
        entry("attn.c_attn.weight", .fusedQKVWeight, [hidden, 3 * hidden], conv: true),
        entry("attn.c_attn.bias", .fusedQKVBias, [3 * hidden]),
        entry("attn.c_proj.weight", .outputWeight, [hidden, hidden], conv: true),
        entry("attn.c_proj.bias", .outputBias, [hidden]),
        entry("ln_2.weight", .mlpNormWeight, [hidden]),
        entry("ln_2.bias", .mlpNormBias, [hidden]),
        entry("mlp.c_fc.weight", .upWeight, [hidden, inner], conv: true),
        entry("mlp.c_fc.bias", .upBias, [inner]),
        entry("mlp.c_proj.weight", .downWeight, [inner, hidden], conv: true),
        entry("mlp.c_proj.bias", .downBias, [hidden]),
      ]
    }
    return table
  }
}
