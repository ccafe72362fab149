import AttnvizMath
import AttnvizRender
import Testing

@testable import AttnvizViews

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A deterministic stand-in for the FreeType fonts: every character 0.6 em wide (bold 0.66),
/// DejaVu-like ascent and descent.
struct FixedMeasurer: TextMeasuring {
  func width(of string: String, size: Double, weight: FontWeight) -> Double {
    Double(string.count) * size * (weight == .bold ? 0.66 : 0.6)
  }
  func ascent(size: Double) -> Double { size * 0.93 }
  func descent(size: Double) -> Double { size * 0.24 }
}

let measurer = FixedMeasurer()

extension Scene {
  func texts(_ role: String) -> [TextItem] {
    items.compactMap { if case .text(let t) = $0, t.role == role { t } else { nil } }
  }
  var allTexts: [TextItem] {
    items.compactMap { if case .text(let t) = $0 { t } else { nil } }
  }
  func rects(_ role: String) -> [RectItem] {
    items.compactMap { if case .rect(let r) = $0, r.role == role { r } else { nil } }
  }
  func lines(_ role: String) -> [LineItem] {
    items.compactMap { if case .line(let l) = $0, l.role == role { l } else { nil } }
  }
}

/// A text's ink box in its own frame: `u` along the baseline, `v` towards the glyph tops, with
/// the frame's rotation. Computed here independently of the views' own geometry.
struct OrientedBox {
  var rotation: Double
  var uRange: ClosedRange<Double>
  var vRange: ClosedRange<Double>
  var corners: [(x: Double, y: Double)]

  init(_ t: TextItem, measurer: any TextMeasuring = measurer) {
    let w = measurer.width(of: t.string, size: t.size, weight: t.weight)
    let start = t.anchor == .start ? 0 : (t.anchor == .middle ? -w / 2 : -w)
    let a = t.rotation * .pi / 180
    // Frame axes on the page (y down): baseline direction and glyph-up direction.
    let (ux, uy) = (cos(a), -sin(a))
    let (vx, vy) = (-sin(a), -cos(a))
    let u0 = t.position.x * ux + t.position.y * uy
    let v0 = t.position.x * vx + t.position.y * vy
    rotation = t.rotation
    uRange = (u0 + start)...(u0 + start + w)
    vRange = (v0 - measurer.descent(size: t.size))...(v0 + measurer.ascent(size: t.size))
    corners = [
      (uRange.lowerBound, vRange.lowerBound), (uRange.upperBound, vRange.lowerBound),
      (uRange.upperBound, vRange.upperBound), (uRange.lowerBound, vRange.upperBound),
    ].map {
      (u, v) in (u * ux + v * vx, u * uy + v * vy)
    }
  }

  var minX: Double { corners.map(\.x).min()! }
  var maxX: Double { corners.map(\.x).max()! }
  var minY: Double { corners.map(\.y).min()! }
  var maxY: Double { corners.map(\.y).max()! }

  func overlaps(_ other: OrientedBox, tolerance: Double = 0.01) -> Bool {
    if rotation == other.rotation {
      return uRange.upperBound - tolerance > other.uRange.lowerBound
        && other.uRange.upperBound - tolerance > uRange.lowerBound
        && vRange.upperBound - tolerance > other.vRange.lowerBound
        && other.vRange.upperBound - tolerance > vRange.lowerBound
    }
    return maxX - tolerance > other.minX && other.maxX - tolerance > minX
      && maxY - tolerance > other.minY && other.maxY - tolerance > minY
  }
}

/// Items outside the scene: text by its measured (rotated) ink box, lines and rects by their
/// extent. Empty when everything fits.
func clippedItems(_ scene: Scene, measurer: any TextMeasuring = measurer) -> [String] {
  var problems: [String] = []
  func check(_ what: String, _ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) {
    if minX < -0.01 || minY < -0.01 || maxX > scene.width + 0.01 || maxY > scene.height + 0.01 {
      problems.append("\(what) spans x \(minX)…\(maxX), y \(minY)…\(maxY)")
    }
  }
  for item in scene.items {
    switch item {
    case .text(let t):
      let b = OrientedBox(t, measurer: measurer)
      check("text '\(t.string)' (\(t.role ?? "-"))", b.minX, b.minY, b.maxX, b.maxY)
    case .rect(let r):
      check("rect \(r.role ?? "-")", r.x, r.y, r.x + r.width, r.y + r.height)
    case .line(let l):
      check(
        "line \(l.role ?? "-")", min(l.from.x, l.to.x), min(l.from.y, l.to.y),
        max(l.from.x, l.to.x), max(l.from.y, l.to.y))
    }
  }
  return problems
}

/// Every item lies inside the scene.
func expectNothingClipped(
  _ scene: Scene, measurer: any TextMeasuring = measurer,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let problems = clippedItems(scene, measurer: measurer)
  let size = "\(scene.width)×\(scene.height)"
  #expect(
    problems.isEmpty, "\(problems.count) items outside the \(size) scene: \(problems.prefix(5))",
    sourceLocation: sourceLocation)
}

private func describe(_ t: TextItem) -> String { "'\(t.string)' (\(t.role ?? "-"))" }

/// Pairs of texts whose (rotated) boxes overlap; annotations sit in their cells and are checked
/// separately.
func overlappingTexts(_ scene: Scene, measurer: any TextMeasuring = measurer) -> [String] {
  let texts = scene.allTexts.filter { $0.role != "annotation" }
  let boxes = texts.map { OrientedBox($0, measurer: measurer) }
  var clashes: [String] = []
  for i in boxes.indices {
    for j in boxes.indices where j > i && boxes[i].overlaps(boxes[j]) {
      clashes.append(describe(texts[i]) + " × " + describe(texts[j]))
    }
  }
  return clashes
}

/// No two texts overlap.
func expectNoTextOverlap(
  _ scene: Scene, measurer: any TextMeasuring = measurer,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let clashes = overlappingTexts(scene, measurer: measurer)
  #expect(
    clashes.isEmpty, "\(clashes.count) overlapping texts: \(clashes.prefix(5))",
    sourceLocation: sourceLocation)
}

/// Text at least 12 logical px, the slide minimum.
func expectReadableText(_ scene: Scene, sourceLocation: SourceLocation = #_sourceLocation) {
  let small = scene.allTexts.filter { $0.size < 12 }
  #expect(
    small.isEmpty, "tiny text: \(small.prefix(3).map(\.string))", sourceLocation: sourceLocation)
}

func expectSaneFigure(
  _ scene: Scene, measurer: any TextMeasuring = measurer,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  expectNothingClipped(scene, measurer: measurer, sourceLocation: sourceLocation)
  expectNoTextOverlap(scene, measurer: measurer, sourceLocation: sourceLocation)
  expectReadableText(scene, sourceLocation: sourceLocation)
  #expect(
    scene.width >= 200 && scene.width <= 2600, "width \(scene.width)",
    sourceLocation: sourceLocation)
  #expect(
    scene.height >= 100 && scene.height <= 2600, "height \(scene.height)",
    sourceLocation: sourceLocation)
}

// MARK: Fixtures

/// Rows of seeded random weights normalised to sum 1 (causal: only keys ≤ query).
func attention(_ n: Int, seed: UInt64 = 7, causal: Bool = false) -> Matrix {
  var rng = SplitMix64(seed: seed)
  var values = [Double](repeating: 0, count: n * n)
  for r in 0..<n {
    let keys = causal ? r + 1 : n
    var sum = 0.0
    for c in 0..<keys {
      let u = rng.nextUnit()
      // u⁴ makes a few keys stand out, as real heads do.
      values[r * n + c] = u * u * u * u + 1e-3
      sum += values[r * n + c]
    }
    for c in 0..<keys { values[r * n + c] /= sum }
  }
  return Matrix(rows: n, columns: n, values: values)
}

let sentence = "The animal didn't cross the street because it was too tired .".split(separator: " ")
  .map(String.init)

enum TokenSet: String, CaseIterable, CustomTestStringConvertible {
  case short, long, many
  var testDescription: String { rawValue }
  var tokens: [String] {
    switch self {
    case .short: sentence
    case .long:
      sentence.enumerated().map { i, t in
        i % 3 == 0 ? String(repeating: t, count: 40).prefix(40).description : t
      }
    case .many: (0..<200).map { "tok\($0)" }
    }
  }
}

func attentionMatrix(_ tokens: [String], causal: Bool = false) -> LabeledMatrix {
  LabeledMatrix(
    attention(tokens.count, causal: causal), rowLabels: tokens, columnLabels: tokens,
    kind: .probabilities, isCausal: causal)
}

let title = FigureTitle(
  "builtin · layer 1 · head 2 · bidirectional", subtitle: sentence.joined(separator: " "))
