import Foundation
import Testing

/// `attnviz translate` through the built binary on the Firefox English→Portuguese model
/// (`make model`), and its refusals. The model tests run only when models/firefox-en-pt is
/// there, or fail when ATTNVIZ_REQUIRE_MODELS=1; the refusals of bad files need no model.
@Suite struct TranslateTests {
  static let models = Binary.packageRoot.appendingPathComponent("models")
  static var present: Bool {
    FileManager.default.fileExists(
      atPath: models.appendingPathComponent("firefox-en-pt/vocab.enpt.spm").path)
      || ProcessInfo.processInfo.environment["ATTNVIZ_REQUIRE_MODELS"] == "1"
  }
  static let lecture = "The black cat sat on the old mat because it was tired."

  func run(_ arguments: [String], in folder: URL) throws -> Run {
    try Binary.run(
      ["translate"] + arguments + ["--out", folder.appendingPathComponent("out").path],
      in: folder, environment: ["ATTNVIZ_MODELS": Self.models.path])
  }

  @Test(.enabled(if: TranslateTests.present, "run `make model` for models/firefox-en-pt"))
  func translatesTheLectureSentenceAndWritesEveryFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try run([Self.lecture], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "O gato preto sentou-se no tapete velho porque estava cansado.")
    #expect(lines.contains("  ·gato    ← ·cat 0.64"))
    #expect(lines.contains("  ·preto   ← ·black 0.85"))
    let out = folder.appendingPathComponent("out")
    let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
    #expect(
      written == [
        "alignment-layer2.png", "attention.json", "cross-attention-heads-layer2.png",
        "cross-attention-layer2.png", "encoder-heads-layer6.png",
        "encoder-lines-layer6-head6.png", "encoder-model.png",
      ])
    let data = try Data(contentsOf: out.appendingPathComponent("attention.json"))
    let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(document["translation"] as? String == lines.first)
    let target = try #require(document["target_tokens"] as? [String])
    let source = try #require(document["source_tokens"] as? [String])
    #expect(target.count == 15 && source.count == 14 && target.last == "</s>")
    let cross = try #require(document["cross_attention"] as? [[[[Double]]]])
    let encoder = try #require(document["encoder_self_attention"] as? [[[[Double]]]])
    #expect(cross.count == 2 && cross[1].count == 8 && cross[1][0].count == 15)
    #expect(cross[1][0][0].count == 14)
    #expect(encoder.count == 6 && encoder[5][0].count == 14 && encoder[5][0][0].count == 14)
    // preto (target 2) reads black (source 1): the heads' average, as printed.
    let average = cross[1].map { $0[2][1] }.reduce(0, +) / 8
    #expect(abs(average - 0.853) < 0.001)
  }

  /// A Hugging Face MarianMT folder (the tiny committed fixture): same files, and the JSON has
  /// the decoder's self-attention, lower-triangular, beside the cross-attention.
  @Test func translatesWithAHuggingFaceFolder() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = Binary.packageRoot.appendingPathComponent(
      "Tests/AttnvizModelTests/Fixtures/encoder-decoder/marian")
    let run = try run(["--model", model.path, "The black cat sat."], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let data = try Data(
      contentsOf: folder.appendingPathComponent("out").appendingPathComponent("attention.json"))
    let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let about = try #require(document["model"] as? [String: Any])
    #expect(about["architecture"] as? String == "marian")
    #expect(about["decoder_self_attention"] as? String == "attention")
    let ids = try #require(document["target_ids"] as? [Int])
    #expect(Array(ids.prefix(4)) == [126, 126, 126, 126])
    let decoder = try #require(document["decoder_self_attention"] as? [[[[Double]]]])
    #expect(decoder.count == 2 && decoder[0].count == 4 && decoder[0][0].count == ids.count)
    let rows = decoder[1][2]
    #expect(rows[1][2] == 0 && abs(rows[1][0] + rows[1][1] - 1) < 1e-6)
  }

  @Test(.enabled(if: TranslateTests.present, "run `make model` for models/firefox-en-pt"))
  func refusesBadSentencesAndModels() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let empty = try run(["   "], in: folder)
    #expect(empty.status == 2 && empty.stderr.hasPrefix("attnviz: error: "), "\(empty.stderr)")
    let long = Array(repeating: "cat", count: 300).joined(separator: " ")
    let refused = try run([long], in: folder)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("301 tokens but the model takes at most 256"))
    #expect(refused.stderr.contains("--truncate"))
    #expect(refused.stderr.split(separator: "\n").count == 1)
    // Nothing was written by the refusals.
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    let cut = try run([long, "--truncate", "--format", "json"], in: folder)
    #expect(cut.status == 0, "\(cut.stderr)")
    #expect(cut.stderr.contains("cut to 256 of 301 tokens"))
    let notTranslator = try run(["--model", "all-MiniLM-L6-v2", "Hello."], in: folder)
    #expect(notTranslator.status == 2)
    #expect(notTranslator.stderr.contains("is not an encoder–decoder translation model"))
    let layer = try run(["--layer", "3", "Hello."], in: folder)
    #expect(layer.status == 2 && layer.stderr.contains("has 2 decoder layers"), "\(layer.stderr)")
    let show = try Binary.run(
      ["--model", "firefox-en-pt", "Hello.", "--out", folder.path + "/show"], in: folder,
      environment: ["ATTNVIZ_MODELS": Self.models.path])
    #expect(show.status == 2 && show.stderr.contains("attnviz translate --model firefox-en-pt"))
  }

  @Test func refusesACorruptMarianFileAndASpmThatIsNotAModel() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = folder.appendingPathComponent("broken")
    try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
    // Version 1 and then a header that claims far more items than the file holds.
    var bytes = [UInt8](repeating: 0, count: 64)
    bytes[0] = 1
    bytes[8] = 0xFF
    bytes[9] = 0xFF
    try Data(bytes).write(to: model.appendingPathComponent("model.xx.bin"))
    try Data("not a model\n".utf8).write(to: model.appendingPathComponent("vocab.xx.spm"))
    let corrupt = try run(["--model", model.path, "Hello."], in: folder)
    #expect(corrupt.status == 1)
    #expect(corrupt.stderr.contains("is not a readable Marian model"), "\(corrupt.stderr)")
    #expect(corrupt.stderr.split(separator: "\n").count == 1)
    guard Self.present else { return }
    // A real model beside a .spm that is not a SentencePiece model.
    let spm = folder.appendingPathComponent("badspm")
    try FileManager.default.createDirectory(at: spm, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      at: spm.appendingPathComponent("model.enpt.intgemm.alphas.bin"),
      withDestinationURL: Self.models.appendingPathComponent(
        "firefox-en-pt/model.enpt.intgemm.alphas.bin"))
    try Data("not a model\n".utf8).write(to: spm.appendingPathComponent("vocab.enpt.spm"))
    let badSpm = try run(["--model", spm.path, "Hello."], in: folder)
    #expect(badSpm.status == 1)
    #expect(badSpm.stderr.contains("is not a SentencePiece model"), "\(badSpm.stderr)")
    // A truncated copy of the real model.
    let cut = folder.appendingPathComponent("cut")
    try FileManager.default.createDirectory(at: cut, withIntermediateDirectories: true)
    let whole = try Data(
      contentsOf: Self.models.appendingPathComponent("firefox-en-pt/model.enpt.intgemm.alphas.bin"))
    try whole.prefix(whole.count / 2).write(to: cut.appendingPathComponent("model.enpt.bin"))
    try FileManager.default.copyItem(
      at: Self.models.appendingPathComponent("firefox-en-pt/vocab.enpt.spm"),
      to: cut.appendingPathComponent("vocab.enpt.spm"))
    let truncated = try run(["--model", cut.path, "Hello."], in: folder)
    #expect(truncated.status == 1)
    #expect(truncated.stderr.contains("truncated"), "\(truncated.stderr)")
  }
}
