import Testing

@testable import AttnvizMath
@testable import AttnvizModel

@Suite struct EmbeddedModelTests {
  static let sentence = "The animal didn't cross the street because it was too tired."

  @Test func sameInputSameNumbers() throws {
    let a = try EmbeddedModel().trace(Self.sentence)
    let b = try EmbeddedModel().trace(Self.sentence)
    #expect(a == b)
  }

  @Test func seedChangesWeightsNotEmbeddings() throws {
    let a = try #require(try EmbeddedModel(seed: 1).trace(Self.sentence).layers[0].steps)
    let b = try #require(try EmbeddedModel(seed: 2).trace(Self.sentence).layers[0].steps)
    #expect(a.embeddings == b.embeddings)
    #expect(a.wq != b.wq)
  }

  @Test func sameWordSameVectorWhateverTheCase() {
    #expect(
      EmbeddedModel.embedding(of: "The", dimension: 8)
        == EmbeddedModel.embedding(of: "the", dimension: 8))
    #expect(
      EmbeddedModel.embedding(of: "the", dimension: 8)
        != EmbeddedModel.embedding(of: "cat", dimension: 8))
  }

  @Test func similarSpellingsHaveSimilarVectors() {
    func cosine(_ a: [Double], _ b: [Double]) -> Double {
      let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
      let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return dot / (na * nb)
    }
    let d = 64
    let related = cosine(
      EmbeddedModel.embedding(of: "attention", dimension: d),
      EmbeddedModel.embedding(of: "attentions", dimension: d))
    let unrelated = cosine(
      EmbeddedModel.embedding(of: "attention", dimension: d),
      EmbeddedModel.embedding(of: "zebra", dimension: d))
    #expect(related > 0.6)
    #expect(abs(unrelated) < 0.4)
  }

  @Test func defaultFigureHasStructureToTalkAbout() throws {
    let trace = try EmbeddedModel().trace(Self.sentence)
    #expect(trace.tokens.count == 12)
    #expect(trace.model.dModel <= 16)
    for w in trace.layers[0].weights {
      let n = w.rows
      var diagonalMaxima = 0
      var peakedRows = 0
      for i in 0..<n {
        let row = Array(w.row(i))
        let top = row.max()!
        if row[i] == top { diagonalMaxima += 1 }
        if top > 2.0 / Double(n) { peakedRows += 1 }
        #expect(abs(row.reduce(0, +) - 1) < 1e-12)
      }
      #expect(diagonalMaxima < n / 2, "not all weight on the diagonal")
      #expect(peakedRows >= n / 2, "rows are not uniform")
    }
  }

  @Test(arguments: [(0, 1), (8, 3), (1, 1), (600, 2), (8, 0)])
  func rejectsBadShapes(dimension: Int, heads: Int) {
    #expect(throws: ModelError.self) { try EmbeddedModel(dimension: dimension, heads: heads) }
  }

  @Test func headsMustDivideDimensionAndSaySo() {
    do {
      _ = try EmbeddedModel(dimension: 8, heads: 3)
      Issue.record("expected an error")
    } catch {
      #expect("\(error)".contains("does not divide"))
    }
  }
}
