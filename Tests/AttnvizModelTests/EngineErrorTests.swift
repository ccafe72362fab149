import AttnvizTokens
import Foundation
import Testing

@testable import AttnvizModel

/// Every way a model folder or configuration can be wrong, refused with a message that names
/// the file, field or tensor.
@Suite struct EngineErrorTests {
  /// A writable copy of an engine fixture, changed by `change`.
  func copy(_ name: String, _ change: (URL) throws -> Void = { _ in }) throws -> URL {
    let copy = FileManager.default.temporaryDirectory
      .appendingPathComponent("attnviz-engine-\(UUID().uuidString)").appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: try EngineReferenceTests.folder(name), to: copy)
    try change(copy)
    return copy
  }

  func editConfig(_ folder: URL, _ edit: (inout [String: Any]) -> Void) throws {
    let url = folder.appendingPathComponent("config.json")
    var object = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    edit(&object)
    try JSONSerialization.data(withJSONObject: object).write(to: url)
  }

  /// The message of loading the folder with reference ids as its tokenizer.
  func message(_ folder: URL) -> String {
    defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    return errorText {
      let config = try TransformerConfig(
        configJSON: try Data(contentsOf: folder.appendingPathComponent("config.json")),
        path: folder.path)
      return try TransformerModel(
        config: config, tensors: try SafeTensorsCheckpoint(folder: folder.path),
        tokenizer: ReferenceIDs(ids: [1]), name: folder.lastPathComponent, location: folder.path)
    }
  }

  func configMessage(_ name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
    try message(try copy(name) { try editConfig($0, edit) })
  }

  @Test func unsupportedOrMissingModelTypeListsTheSupportedOnes() throws {
    let supported =
      "bert, distilbert, gemma, gemma2, gemma3_text, gpt2, llama, mistral, olmo2, phi3, qwen2, "
      + "qwen3, roberta"
    #expect(
      try configMessage("llama") { $0["model_type"] = "gemma3" }.contains(
        "field \"model_type\" is \"gemma3\"; attnviz reads \(supported)"))
    #expect(
      try configMessage("llama") { $0["model_type"] = nil }.contains(
        "\"model_type\" is missing; supported: \(supported)"))
  }

  @Test func ropeScalingOtherThanLinearAndLlama3IsRefused() throws {
    let yarn = try configMessage("llama") {
      $0["rope_parameters"] = ["rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0]
    }
    #expect(
      yarn.contains(
        "\"rope_parameters\" has rope_type \"yarn\"; attnviz supports \"default\", "
          + "\"linear\" and \"llama3\" only"
      ))
    let old = try configMessage("llama") {
      $0["rope_parameters"] = nil
      $0["rope_scaling"] = ["type": "dynamic", "factor": 2.0]
    }
    #expect(old.contains("\"rope_scaling\" has rope_type \"dynamic\""))
    let linear = try configMessage("llama") {
      $0["rope_parameters"] = ["rope_type": "linear", "rope_theta": 10000.0]
    }
    #expect(linear.contains("rope_parameters.factor\" is missing (linear rope scaling needs it)"))
    let incomplete = try configMessage("llama") {
      $0["rope_parameters"] = ["rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0]
    }
    #expect(incomplete.contains("rope_parameters.original_max_position_embeddings\" is missing"))
  }

  @Test func slidingAttentionInQwenIsRefused() throws {
    #expect(
      try configMessage("qwen2") { $0["use_sliding_window"] = true }.contains(
        "\"use_sliding_window\" is true; attnviz runs Qwen models with full attention only"))
    #expect(
      try configMessage("qwen3") { $0["layer_types"] = ["full_attention", "sliding_attention"] }
        .contains("\"layer_types\" has sliding-attention layers"))
  }

  @Test func shapesThatCannotWorkAreRefused() throws {
    #expect(
      try configMessage("llama") { $0["num_key_value_heads"] = 3 }.hasSuffix(
        ": \"num_key_value_heads\": 3 in config.json does not divide \"num_attention_heads\": 4 "
          + "in config.json: 4 query heads cannot share 3 key/value heads evenly"))
    #expect(
      try configMessage("llama") { $0["head_dim"] = 7 }.hasSuffix(
        ": \"head_dim\": 7 in config.json is odd; rotary embeddings need an even head size"))
    // A head size derived from two fields names both.
    #expect(
      try configMessage("llama") {
        $0["hidden_size"] = 28
        $0["head_dim"] = nil
      }.hasSuffix(
        ": the head size 7 (\"hidden_size\": 28 / \"num_attention_heads\": 4 in config.json) is "
          + "odd; rotary embeddings need an even head size"))
    #expect(
      try configMessage("mistral") { $0["sliding_window"] = 0 }.contains(
        "\"sliding_window\" must be a whole number from 1"))
    #expect(
      try configMessage("llama") { $0["rms_norm_eps"] = -1 }.contains(
        "\"rms_norm_eps\" must be a positive number"))
  }

  /// Every size the engine refuses is named as the file spells it: the config.json field or the
  /// GGUF metadata key, with its value; a defaulted or derived size is named by what it is.
  @Test func refusedSizesNameTheirField() throws {
    func refusal(_ fixture: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
      let url = try EngineReferenceTests.folder(fixture).appendingPathComponent("config.json")
      var json = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
      edit(&json)
      let config = try TransformerConfig(
        configJSON: try JSONSerialization.data(withJSONObject: json), path: "m")
      return errorText {
        try config.validate(source: "m")
        return 0
      }
    }
    let gpt2: [String: Any] = [
      "model_type": "gpt2", "n_layer": 2, "n_embd": 32, "n_head": 4, "n_positions": 64,
      "vocab_size": 300,
    ]
    func gpt2Refusal(_ edit: (inout [String: Any]) -> Void) throws -> String {
      var json = gpt2
      edit(&json)
      let config = try TransformerConfig(
        configJSON: try JSONSerialization.data(withJSONObject: json), path: "m")
      return errorText {
        try config.validate(source: "m")
        return 0
      }
    }
    let prefix = "cannot load the model at m: "
    #expect(
      try gpt2Refusal { $0["n_layer"] = 1_000_000 }
        == prefix + "\"n_layer\": 1000000 in config.json is over the limit of 1024 layers")
    #expect(
      try gpt2Refusal {
        $0["n_embd"] = 5_000_000
        $0["n_head"] = 1
      }
        == prefix
        + "the feed-forward width 20000000 is out of range; it must be from 1 to 10000000")
    #expect(
      try refusal("llama") {
        $0["num_attention_heads"] = 2048
        $0["hidden_size"] = 16384
      } == prefix + "\"num_attention_heads\": 2048 in config.json is over the limit of 1024 heads")
    #expect(
      try refusal("llama") { $0["num_key_value_heads"] = 2048 }
        == prefix + "\"num_key_value_heads\": 2048 in config.json is over the limit of 1024 heads")
    #expect(
      try refusal("llama") {
        $0["hidden_size"] = 2
        $0["head_dim"] = nil
      }
        == prefix
        + "the head size 0 (\"hidden_size\": 2 / \"num_attention_heads\": 4 in config.json) is "
        + "out of range; it must be from 1 to 10000000")
    #expect(
      try refusal("llama") {
        var rope = $0["rope_parameters"] as? [String: Any] ?? [:]
        rope["high_freq_factor"] = 0.5
        $0["rope_parameters"] = rope
      }
        == prefix
        + "\"rope_parameters\": llama3 in config.json needs factor > 0, 0 < low_freq_factor < "
        + "high_freq_factor and original_max_position_embeddings > 0")
    #expect(
      try refusal("roberta") { $0["pad_token_id"] = 66 }
        == prefix
        + "\"pad_token_id\": 66 in config.json must be from 0 to 65 (there are 66 positions)")

    // The GGUF metadata: keys as llama.cpp writes them.
    func ggufRefusal(_ keys: [String: UInt32], floats: [String: Float] = [:]) throws -> String {
      var builder = GGUFBuilder()
      builder.addString("general.architecture", "llama")
      for (key, value) in floats.sorted(by: { $0.key < $1.key }) {
        builder.add("llama.\(key)", type: 6, GGUFBuilder.u32(value.bitPattern))
      }
      let base: [String: UInt32] = [
        "block_count": 2, "embedding_length": 32, "attention.head_count": 4,
        "feed_forward_length": 64, "context_length": 64, "vocab_size": 10,
      ]
      for (key, value) in base.merging(keys, uniquingKeysWith: { $1 }).sorted(by: { $0.0 < $1.0 }) {
        builder.addUInt32("llama.\(key)", value)
      }
      let config = try TransformerConfig(gguf: try GGUFFile(bytes: builder.bytes, name: "m.gguf"))
      return errorText {
        try config.validate(source: "m.gguf")
        return 0
      }
    }
    let gguf = "cannot load the model at m.gguf: "
    #expect(
      try ggufRefusal([:], floats: ["attention.layer_norm_rms_epsilon": -1])
        == gguf
        + "\"llama.attention.layer_norm_rms_epsilon\": -1.0 in the GGUF metadata must be a "
        + "positive number")
    #expect(
      try ggufRefusal([:], floats: ["rope.freq_base": .nan])
        == gguf + "\"llama.rope.freq_base\": nan in the GGUF metadata must be a positive number")
    #expect(
      try ggufRefusal(["attention.sliding_window": 0])
        == gguf
        + "\"llama.attention.sliding_window\": 0 in the GGUF metadata must be at least 1 token")
    #expect(
      try ggufRefusal(["block_count": 5000])
        == gguf
        + "\"llama.block_count\": 5000 in the GGUF metadata is over the limit of 1024 layers")
    #expect(
      try ggufRefusal([
        "attention.head_count": 6, "attention.head_count_kv": 4, "embedding_length": 48,
      ])
        == gguf
        + "\"llama.attention.head_count_kv\": 4 in the GGUF metadata does not divide "
        + "\"llama.attention.head_count\": 6 in the GGUF metadata: 6 query heads cannot share 4 "
        + "key/value heads evenly")
    #expect(
      try ggufRefusal(["rope.dimension_count": 20_000_000])
        == gguf
        + "\"llama.rope.dimension_count\": 20000000 in the GGUF metadata is out of range; it must "
        + "be from 1 to 10000000")
  }

  /// The memberwise configuration (how a GGUF reader builds one) is checked the same way.
  @Test func memberwiseConfigurationIsValidated() throws {
    let zero = TransformerConfig(
      architecture: .llama, layers: 2, hidden: 32, heads: 0, intermediate: 64, normEpsilon: 1e-5,
      maxPositions: 64, vocabularySize: 10)
    let source = try SafeTensorsCheckpoint(folder: try EngineReferenceTests.folder("llama").path)
    #expect(
      errorText {
        try TransformerModel(
          config: zero, tensors: source, tokenizer: ReferenceIDs(ids: []), name: "x.gguf")
      }
        == "cannot load the model at x.gguf: the head count 0 is out of range; it must be from 1 "
        + "to 10000000")
    let gpt2 = TransformerConfig(
      architecture: .gpt2, layers: 2, hidden: 32, heads: 4, intermediate: 32, normEpsilon: 1e-5,
      maxPositions: 64, vocabularySize: 300)
    #expect(
      errorText {
        try TransformerModel(
          config: gpt2, tensors: source, tokenizer: ReferenceIDs(ids: []), name: "x.gguf")
      }.contains(
        "the checkpoint has no \"transformer.wte.weight\" or \"wte.weight\", so it is not a gpt2 "
          + "checkpoint; its tensors are e.g. \"lm_head.weight\""))
  }

  @Test func checkpointNotMatchingTheArchitectureNamesTheTensor() throws {
    #expect(
      try configMessage("llama") { $0["num_hidden_layers"] = 3 }.contains(
        "tensor \"model.layers.2.input_layernorm.weight\" is missing, as are 8 more"))
    #expect(
      try configMessage("qwen2") { $0["model_type"] = "qwen3" }.contains(
        "tensor \"model.layers.0.self_attn.q_norm.weight\" is missing, as are 3 more"))
    #expect(
      try configMessage("qwen2") { $0["model_type"] = "llama" }.contains(
        "tensor \"model.layers.0.self_attn.k_proj.bias\" is not part of a llama with 2 layers"))
    #expect(
      try configMessage("llama") { $0["intermediate_size"] = 48 }.contains(
        "\"model.layers.0.mlp.gate_proj.weight\" has shape [32, 32] but config.json implies "
          + "[48, 32]"
      ))
  }

  @Test func shardIndexErrors() throws {
    func index(_ folder: URL) -> URL {
      folder.appendingPathComponent("model.safetensors.index.json")
    }
    let missing = try copy("llama") {
      try FileManager.default.removeItem(
        at: $0.appendingPathComponent("model-00002-of-00005.safetensors"))
    }
    #expect(
      message(missing).contains(
        "lists the shard model-00002-of-00005.safetensors, which is not in the folder"))
    let escaping = try copy("llama") {
      try Data(#"{"weight_map": {"model.norm.weight": "../model.safetensors"}}"#.utf8).write(
        to: index($0))
    }
    #expect(
      message(escaping).contains(
        "maps \"model.norm.weight\" to ../model.safetensors, not a file name beside the index"))
    let broken = try copy("llama") { try Data("[]".utf8).write(to: index($0)) }
    // The structure check of every config-like file (ConfigJSON) says what is at the top.
    #expect(message(broken).contains("holds an array [...] at the top, not a JSON object"))
    let wrongShard = try copy("llama") { folder in
      let url = index(folder)
      var object = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
      var map = try #require(object["weight_map"] as? [String: String])
      let shard = try #require(map["model.embed_tokens.weight"])
      map["model.norm.weight"] =
        shard == "model-00001-of-00005.safetensors"
        ? "model-00002-of-00005.safetensors" : "model-00001-of-00005.safetensors"
      object["weight_map"] = map
      try JSONSerialization.data(withJSONObject: object).write(to: url)
    }
    #expect(message(wrongShard).contains("says \"model.norm.weight\" is in"))
    let overlapping = try copy("llama") { folder in
      let first = folder.appendingPathComponent("model-00001-of-00005.safetensors")
      try FileManager.default.copyItem(
        at: first, to: folder.appendingPathComponent("copy.safetensors"))
      let url = index(folder)
      var object = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
      var map = try #require(object["weight_map"] as? [String: String])
      map["extra"] = "copy.safetensors"
      object["weight_map"] = map
      try JSONSerialization.data(withJSONObject: object).write(to: url)
    }
    #expect(message(overlapping).contains("shards must not overlap"))
  }

  @Test func folderProblemsAreNamed() throws {
    #expect(
      errorText { try TransformerModel(folder: "/nonexistent/llama") }.contains(
        "/nonexistent/llama: is not a folder"))
    let noWeights = try copy("qwen3") {
      try FileManager.default.removeItem(at: $0.appendingPathComponent("model.safetensors"))
    }
    defer { try? FileManager.default.removeItem(at: noWeights.deletingLastPathComponent()) }
    #expect(
      errorText { try TransformerModel(folder: noWeights.path) }.contains(
        "has no model.safetensors (nor model.safetensors.index.json with its shards)"))
    let noConfig = try copy("qwen3") {
      try Data("{".utf8).write(to: $0.appendingPathComponent("config.json"))
    }
    defer { try? FileManager.default.removeItem(at: noConfig.deletingLastPathComponent()) }
    #expect(
      errorText { try TransformerModel(folder: noConfig.path) }.contains(
        "config.json: is not valid JSON: line 1 should have a string key in double quotes"))
  }

  @Test func tokenOutsideTheEmbeddingsIsRefused() throws {
    let model = try EngineReferenceTests.model("qwen3", ids: [1, 100_000])
    #expect(
      errorText { try model.trace("x") }.contains(
        "the tokenizer gave \"t100000\" the id 100000, outside the model's"))
  }

  /// A long context is cut where the trace (every layer's and head's T × T weights) would pass
  /// 1 GiB: SmolLM2's shape takes 705 tokens, not its 8192 positions.
  @Test func tokenLimitKeepsTheTraceBounded() {
    let smol = TransformerConfig(
      architecture: .llama, layers: 30, hidden: 576, heads: 9, kvHeads: 3, intermediate: 1536,
      normEpsilon: 1e-5, maxPositions: 8192, vocabularySize: 49152)
    #expect(smol.tokenLimit == 705)
    #expect(30 * 9 * 705 * 705 <= 1 << 27 && 30 * 9 * 706 * 706 > 1 << 27)
    let miniLM = TransformerConfig(
      architecture: .bert, layers: 6, hidden: 384, heads: 12, intermediate: 1536,
      normEpsilon: 1e-12, maxPositions: 512, vocabularySize: 30522, typeVocabularySize: 2)
    #expect(miniLM.tokenLimit == 512)
  }

  @Test func tooManyTokensAndTruncation() throws {
    let ids = Array(repeating: 5, count: 130)
    let llama = try EngineReferenceTests.model("llama", ids: ids)
    #expect(throws: ModelError.tooManyTokens(count: 130, limit: 128)) { try llama.trace("x") }
    let cut = try EngineReferenceTests.model("llama", ids: ids, truncate: true).trace("x")
    #expect(cut.tokens.count == 128 && cut.truncatedFrom == 130)
    #expect(cut.layers[1].weights[0].rows == 128)
    // RoBERTa's positions start after the padding index 1: 66 rows hold 64 tokens.
    let roberta = try EngineReferenceTests.model("roberta", ids: [0] + ids + [2])
    #expect(throws: ModelError.tooManyTokens(count: 132, limit: 64)) { try roberta.trace("x") }
  }

  /// A value of the wrong type is an error naming the key, never silently the default: a GGUF
  /// `rope.freq_base` stored as a string, `rope_parameters` given as a string or an array.
  @Test func mistypedValuesNameTheirKey() throws {
    var builder = GGUFBuilder()
    builder.addString("general.architecture", "llama")
    builder.addString("llama.rope.freq_base", "500000")
    for (key, value) in [
      ("block_count", 2), ("embedding_length", 32), ("attention.head_count", 4),
      ("feed_forward_length", 64), ("context_length", 64), ("vocab_size", 10),
    ] as [(String, UInt32)] {
      builder.addUInt32("llama.\(key)", value)
    }
    let gguf = errorText {
      _ = try TransformerConfig(gguf: try GGUFFile(bytes: builder.bytes, name: "m.gguf"))
      return 0
    }
    #expect(gguf.contains("key \"llama.rope.freq_base\""), "\(gguf)")
    #expect(gguf.contains("is not a number"), "\(gguf)")
    for value: Any in ["{\"rope_theta\": 500000}", [500000.0]] {
      let message = try configMessage("llama") { $0["rope_parameters"] = value }
      #expect(message.contains("\"rope_parameters\" must be an object"), "\(message)")
    }
  }
}
