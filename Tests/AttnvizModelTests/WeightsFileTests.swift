import Foundation
import Testing

@testable import AttnvizModel

@Suite struct WeightsFileTests {
  func load(_ json: String) throws -> WeightsFileModel {
    try WeightsFileModel(data: Data(json.utf8), name: "w.json")
  }

  func errorText(_ json: String) -> String {
    do {
      _ = try load(json)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  let base = """
    "d_model": 2, "heads": 1, "embeddings": {"cat": [0, 1]},
    "wq": [[1, 0], [0, 1]], "wk": [[1, 0], [0, 1]], "wv": [[1, 0], [0, 1]]
    """

  @Test func defaultsAreSinusoidalAndIdentityWo() throws {
    let model = try load("{\(base)}")
    #expect(model.usesPositionalEncoding)
    #expect(model.layer.wo == .identity(2))
  }

  @Test(arguments: [
    ("{\"heads\": 1}", "d_model"),
    ("{\"d_model\": 2, \"heads\": 3, \"embeddings\": {}}", "heads"),
    ("{\"d_model\": 0, \"heads\": 1}", "d_model"),
    ("{\"d_model\": 2.5, \"heads\": 1}", "d_model"),
    ("[1, 2]", "JSON object"),
    ("{\"d_model\": 2,", "not valid JSON"),
  ])
  func reportsTheField(json: String, field: String) {
    #expect(errorText(json).contains(field))
  }

  @Test func shapeMismatchNamesTheMatrix() {
    let json = """
      {"d_model": 2, "heads": 1, "embeddings": {"cat": [0, 1]},
       "wq": [[1, 0], [0, 1]], "wk": [[1, 0, 0], [0, 1, 0]], "wv": [[1, 0], [0, 1]]}
      """
    #expect(errorText(json).contains("\"wk[0]\""))
  }

  @Test func embeddingOfWrongLengthNamesTheWord() {
    #expect(
      errorText("{\(base.replacingOccurrences(of: "[0, 1]}", with: "[0, 1, 2]}"))}").contains(
        "embeddings.cat"))
  }

  @Test func nonFiniteNumberIsRejected() {
    // JSON has no inf/NaN literal; an overflowing number is the only way to write one.
    let message = errorText(
      "{\(base.replacingOccurrences(of: "\"wv\": [[1, 0]", with: "\"wv\": [[1e999, 0]"))}")
    #expect(message.contains("1e999"))
    #expect(message.hasPrefix("weights file w.json is not valid JSON"))
  }

  @Test func unknownFieldIsATypoNotSilence() {
    #expect(errorText("{\(base), \"wqq\": 1}").contains("\"wqq\""))
  }

  @Test func badPositionalEncodingValue() {
    #expect(
      errorText("{\(base), \"positional_encoding\": \"learned\"}").contains("positional_encoding"))
  }

  @Test func unknownTokenWithoutFallbackNamesIt() throws {
    let model = try load("{\(base), \"positional_encoding\": \"none\"}")
    #expect(throws: ModelError.unknownToken(file: "w.json", token: "Dog")) {
      try model.trace("cat Dog")
    }
  }

  @Test func caseInsensitiveLookup() throws {
    let model = try load("{\(base), \"positional_encoding\": \"none\"}")
    #expect(try model.trace("CAT").tokens.map(\.text) == ["CAT"])
  }
}
