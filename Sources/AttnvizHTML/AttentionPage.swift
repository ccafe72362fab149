import AttnvizMath
import AttnvizStyle
import Foundation

/// Everything the interactive page (`attention.html`) shows, already chosen by the pipeline:
/// token labels as figures print them, the embedded layers' head matrices (restricted to the
/// shown tokens), the colours. The page never sees the model.
public struct AttentionPage: Sendable {
  /// "all-MiniLM-L6-v2" or "built-in layer (d_model 8)".
  public var modelName: String
  /// "6 layers × 12 heads · bidirectional · “The animal …”".
  public var subtitle: String
  /// Labels of the shown tokens, in order.
  public var tokens: [String]
  public var layerCount: Int
  public var heads: Int
  /// Key/value heads (fewer than `heads` with grouped-query attention).
  public var keyValueHeads: Int
  public var causal: Bool
  /// The embedded layers: 0-based number and per head a tokens × tokens matrix.
  public var layers: [(number: Int, heads: [Matrix])]
  public var precision: PageBudget.Precision
  /// 0-based layer and head shown first.
  public var initialLayer: Int
  public var initialHead: Int
  /// True when `--head` chose one head: the head view then starts with that head alone.
  public var showsOnlyInitialHead = false
  /// Sentences the page states under its title (hidden tokens, reduced precision, …).
  public var notes: [String]
  public var colorMap: ColorMap
  public var headColors: [RGBA]

  public init(
    modelName: String, subtitle: String, tokens: [String], layerCount: Int, heads: Int,
    keyValueHeads: Int, causal: Bool, layers: [(number: Int, heads: [Matrix])],
    precision: PageBudget.Precision, initialLayer: Int, initialHead: Int, notes: [String],
    colorMap: ColorMap, headColors: [RGBA]
  ) {
    self.modelName = modelName
    self.subtitle = subtitle
    self.tokens = tokens
    self.layerCount = layerCount
    self.heads = heads
    self.keyValueHeads = keyValueHeads
    self.causal = causal
    self.layers = layers
    self.precision = precision
    self.initialLayer = initialLayer
    self.initialHead = initialHead
    self.notes = notes
    self.colorMap = colorMap
    self.headColors = headColors
  }
}

extension AttentionPage {
  /// The page: one file, no network (its Content-Security-Policy forbids every fetch), data,
  /// script and styles inline. Same page in, same bytes out.
  public func html() -> String {
    let title = "Attention · \(modelName) · \(subtitle)"
    var page = htmlDocumentStart(
      title: title, css: pageCSS, needs: PageNeeds(script: true, dataImages: true))
    page += """
      <header>
      <h1>Self-attention · \(escapeHTML(modelName))</h1>
      <p class="subtitle">\(escapeHTML(subtitle))</p>

      """
    for note in notes { page += "<p class=\"note\">\(escapeHTML(note))</p>\n" }
    page += pageBody
    page += "<script type=\"application/json\" id=\"attnviz-data\">\(metadataJSON())</script>\n"
    page += "<script type=\"text/plain\" id=\"attnviz-weights\">\(weightsBase64())</script>\n"
    page += "<script>\n\(pageScript)</script>\n" + htmlDocumentEnd
    return page
  }

  /// The page's description of the data, read by its script with `JSON.parse`.
  func metadataJSON() -> String {
    let labels = tokens.map(scriptJSONString).joined(separator: ",")
    let layerNumbers = layers.map { String($0.number) }.joined(separator: ",")
    let map = colorMap.table.map(hex).joined()
    let colors = headColors.map { scriptJSONString("#" + hex($0)) }.joined(separator: ",")
    return "{\"tokens\":[\(labels)],\"layerCount\":\(layerCount),\"heads\":\(heads),"
      + "\"keyValueHeads\":\(keyValueHeads),\"causal\":\(causal),"
      + "\"layers\":[\(layerNumbers)],\"precision\":\"\(precision.rawValue)\","
      + "\"initialLayer\":\(initialLayer),\"initialHead\":\(initialHead),"
      + "\"onlyInitialHead\":\(showsOnlyInitialHead),"
      + "\"colorMap\":\"\(map)\",\"headColors\":[\(colors)]}"
  }

  /// `layers × heads × query × key` weights, as little-endian doubles (the exact values of
  /// attention.json) or as bytes of hundredths (rounded as the tables round), in base64.
  func weightsBase64() -> String {
    var bytes: [UInt8] = []
    let n = tokens.count
    let perHead = n * n
    bytes.reserveCapacity(layers.count * heads * perHead * (precision == .full ? 8 : 1))
    for layer in layers {
      for matrix in layer.heads {
        for r in 0..<n {
          for c in 0..<n {
            let value = matrix[r, c]
            switch precision {
            case .full:
              var bits = value.bitPattern.littleEndian
              withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
            case .hundredths:
              let hundredths = printfRoundedMagnitude(value, decimals: 2) ?? 0
              bytes.append(UInt8(clamping: hundredths))
            }
          }
        }
      }
    }
    return Data(bytes).base64EncodedString()
  }
}

private func hex(_ color: RGBA) -> String {
  [color.r, color.g, color.b].map { byte in
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
  }.joined()
}
