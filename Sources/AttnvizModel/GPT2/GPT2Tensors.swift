import AttnvizMath

/// The checkpoint's tensors, checked against the one table of what a GPT-2 has.
///
/// Names are those of HF's `GPT2Model` (`h.0.attn.c_attn.weight`); `GPT2LMHeadModel`
/// checkpoints put `transformer.` in front, both are read. Weights of `Conv1D` layers are stored
/// (in, out), which is already attnviz's row-vector convention (X·W), so nothing is transposed.
/// Skipped: the `h.N.attn.bias` / `h.N.attn.masked_bias` causal-mask buffers (not parameters),
/// and heads outside the transformer body (`lm_head.weight`, `score.weight`, …), listed in
/// `ignored`. Any other tensor inside the body is an error: it means the config does not
/// describe this checkpoint.
struct GPT2Tensors {
  let file: SafeTensorsFile
  let prefix: String
  let ignored: [String]

  /// Every tensor the model has, with its shape. Letters as in the forward pass: V vocabulary,
  /// P positions, C channels, I the MLP's inner width.
  static func expected(_ config: GPT2Config) -> [(name: String, shape: [Int])] {
    let c = config.embeddingSize
    let i = config.innerSize
    var table: [(String, [Int])] = [
      ("wte.weight", [config.vocabularySize, c]),
      ("wpe.weight", [config.positions, c]),
    ]
    for l in 0..<config.layers {
      table += [
        ("h.\(l).ln_1.weight", [c]), ("h.\(l).ln_1.bias", [c]),
        ("h.\(l).attn.c_attn.weight", [c, 3 * c]), ("h.\(l).attn.c_attn.bias", [3 * c]),
        ("h.\(l).attn.c_proj.weight", [c, c]), ("h.\(l).attn.c_proj.bias", [c]),
        ("h.\(l).ln_2.weight", [c]), ("h.\(l).ln_2.bias", [c]),
        ("h.\(l).mlp.c_fc.weight", [c, i]), ("h.\(l).mlp.c_fc.bias", [i]),
        ("h.\(l).mlp.c_proj.weight", [i, c]), ("h.\(l).mlp.c_proj.bias", [c]),
      ]
    }
    table += [("ln_f.weight", [c]), ("ln_f.bias", [c])]
    return table
  }

  /// Checks names, shapes and dtypes of every expected tensor; reads no values.
  init(file: SafeTensorsFile, config: GPT2Config, folder: String) throws {
    func fail(_ reason: String) -> ModelError {
      .badModel(path: folder, reason: "model.safetensors: \(reason)")
    }
    self.file = file
    let names = Set(file.tensorNames)
    let prefix: String
    if names.contains("transformer.wte.weight") {
      prefix = "transformer."
    } else if names.contains("wte.weight") {
      prefix = ""
    } else {
      throw fail(
        "has neither \"transformer.wte.weight\" nor \"wte.weight\"; is it a GPT-2 checkpoint?")
    }
    let table = Self.expected(config)
    for (name, shape) in table {
      let stored = prefix + name
      guard let actual = file.shape(of: stored) else {
        throw fail("tensor \"\(stored)\" is missing (a GPT-2 with n_layer \(config.layers) has it)")
      }
      guard actual == shape else {
        throw fail(
          "tensor \"\(stored)\" has shape \(actual) but config.json (n_embd \(config.embeddingSize),"
            + " n_layer \(config.layers), vocab_size \(config.vocabularySize), n_positions "
            + "\(config.positions)) needs \(shape)")
      }
      let dtype = file.dtypeName(of: stored) ?? "?"
      guard SafeTensorsDType(rawValue: dtype) != nil else {
        throw fail("tensor \"\(stored)\" has dtype \(dtype); attnviz reads F32, F16 and BF16")
      }
    }
    let known = Set(table.map { prefix + $0.name })
    var ignored: [String] = []
    for name in file.tensorNames where !known.contains(name) {
      if Self.isMaskBuffer(name) || !Self.isInBody(name, prefix: prefix) {
        ignored.append(name)
      } else {
        throw fail(
          "tensor \"\(name)\" is not part of a GPT-2 with n_layer \(config.layers); "
            + "config.json does not describe this checkpoint")
      }
    }
    self.prefix = prefix
    self.ignored = ignored
  }

  static func isMaskBuffer(_ name: String) -> Bool {
    name.hasSuffix(".attn.bias") || name.hasSuffix(".attn.masked_bias")
  }

  static func isInBody(_ name: String, prefix: String) -> Bool {
    if !prefix.isEmpty { return name.hasPrefix(prefix) }
    return ["h.", "wte.", "wpe.", "ln_f."].contains { name.hasPrefix($0) }
  }

  /// A checked tensor's values as doubles, row-major.
  func values(_ name: String) throws -> [Double] {
    try file.doubles(prefix + name)
  }

  func matrix(_ name: String, rows: Int, columns: Int) throws -> Matrix {
    Matrix(rows: rows, columns: columns, values: try values(name))
  }
}
