extension MarianFile {
  /// What the `FuzzMarian` target (Fuzz/) runs on any bytes, and the test suite on its seeds and
  /// findings: the steps `attnviz translate` takes before the forward pass.
  ///
  /// 1. The header, names, shapes and data lengths are parsed and checked (`init(bytes:file:)`).
  /// 2. Every float32 and intgemm8 item is converted with its own shape.
  /// 3. When `special:model.yml` is there and its configuration is one attnviz runs, every weight
  ///    the translator needs is read and checked against that configuration (`MarianTranslator
  ///    .pass`), and a two-token source is encoded and one decoder step run.
  ///
  /// Any error is fine; a trap, a read outside `bytes`, an unbounded allocation or a hang is not.
  /// Returns a count, so the work cannot be optimised away.
  public static func fuzz(_ bytes: [UInt8]) -> Int {
    guard let file = try? MarianFile(bytes: bytes, file: "fuzz.bin") else { return 0 }
    var count = 0
    for item in file.items where item.type != .int8 {
      guard let values = try? file.values(item.name, shape: item.shape) else { continue }
      precondition(values.count == item.elements, "\(item.name): wrong element count")
      count += values.count
    }
    guard let yaml = try? file.text("special:model.yml"),
      let config = try? MarianConfig(yaml: yaml, file: "fuzz.bin"),
      let pass = try? MarianTranslator.pass(file, config)
    else { return count }
    let (context, attention) = pass.encode([0, min(1, config.vocabulary - 1)])
    var state = pass.startDecoding(context: context)
    let (logits, cross, _) = pass.step(previous: nil, position: 0, state: &state)
    precondition(logits.count == config.vocabulary, "logits of the wrong length")
    precondition(attention.count == config.encoderLayers && cross.count == config.decoderLayers)
    return count + logits.count
  }
}
