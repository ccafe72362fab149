import AttnvizHTML
import AttnvizMath
import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTokens
import AttnvizViews
import Foundation

/// The figures `attnviz translate` draws (`--figures`).
public enum TranslationFigure: String, CaseIterable, Sendable {
  /// The heads' average of the chosen decoder layer, target × source, weights printed.
  case cross
  /// Every head of that layer side by side.
  case heads
  /// The source above, the translation below, lines weighted by cross-attention.
  case alignment
  /// The encoder's self-attention as `show` draws a bidirectional encoder.
  case encoder
}

/// What `attnviz translate` needs; the command line fills it in.
public struct TranslateOptions: Equatable, Sendable {
  /// The run this job belongs to: its environment, its command words, its loaded models.
  public var context = RunContext()
  public var text: TextSource
  /// A translator's name under the model folders, or its folder.
  public var model = TranslateOptions.defaultModel
  public var outputFolder = "attnviz-out"
  public var formats: [OutputFormat] = [.png, .json]
  /// The decoder layer whose cross-attention is drawn (1-based); nil: the last.
  public var layer: Int?
  /// The encoder layer whose self-attention views are drawn (1-based); nil: the last.
  public var encoderLayer: Int?
  /// Words instead of pieces in the figures (to a word: sum over its pieces; from a word: mean).
  public var mergeSubwords = false
  /// Cut a source over the length limit instead of refusing it.
  public var truncate = false
  public var quiet = false
  public var figure = FigureOptions()
  public var figures = TranslationFigure.allCases

  /// The English→Portuguese Firefox model `make model` installs.
  public static let defaultModel = "firefox-en-pt"

  public init(text: TextSource) { self.text = text }
}

/// `attnviz translate`: the text through an encoder–decoder translator, greedily, then the
/// translation on standard output and, in `--out`, the cross-attention (target × source, the
/// heads' average and each head), the alignment lines, the encoder's self-attention as `show`
/// draws it, and `attention.json` with every map. All files are written at the end, all or
/// nothing.
public func translateJob(_ options: TranslateOptions, progress: any RunProgress = SilentProgress())
  throws -> RunReport
{
  defer { progress.finish() }
  let text = try readText(options.text)
  progress.stage("loading the translator")
  let translator = try loadTranslator(options.model, lookup: options.context.modelLookup)
  let config = translator.config
  if let layer = options.layer, !(1...config.decoderLayers).contains(layer) {
    throw AttnvizError.usage(
      "--layer \(layer) is out of range: \(translator.name) has \(config.decoderLayers) decoder "
        + "layers (give 1 to \(config.decoderLayers))")
  }
  if let layer = options.encoderLayer, !(1...config.encoderLayers).contains(layer) {
    throw AttnvizError.usage(
      "--encoder-layer \(layer) is out of range: \(translator.name) has \(config.encoderLayers) "
        + "encoder layers (give 1 to \(config.encoderLayers))")
  }
  progress.stage("translating")
  let translation: Translation
  do {
    translation = try translator.translate(text, truncate: options.truncate)
  } catch {
    throw AttnvizError.from(error)
  }
  var figure = options.figure
  figure.record(
    text: text, source: options.text,
    model: .pretrained(nameOrPath: options.model, truncate: options.truncate),
    info: encoderInfo(translator))
  let layer = (options.layer ?? config.decoderLayers) - 1
  let view = TranslationView(
    translation: translation, text: text, merge: options.mergeSubwords, layer: layer)

  var report = RunReport()
  if !options.quiet {
    report.standardOutput = oneLine(translation.text) + "\n"
    report.standardOutput += view.alignmentLines(translator: translator)
  }
  if let original = translation.truncatedFrom {
    report.notes.append(
      "note: the source was cut to \(translation.source.count) of \(original) tokens (--truncate)")
  }
  if !translation.finished {
    report.notes.append(
      "note: the translation stopped at the length limit (\(translation.target.count) tokens) "
        + "before </s>")
  }
  if options.mergeSubwords && !view.merged {
    report.notes.append("note: --merge-subwords changed nothing: every token is already a word")
  }
  var files: [OutputFile] = []
  if options.formats.contains(.json) {
    let document = translationJSON(translation, text: text, translator: translator)
    files.append(OutputFile(name: "attention.json", text: document))
  }
  if options.formats.contains(.html) {
    let page = TranslationPage(
      modelName: translator.name,
      subtitle: "\(translator.direction) · “\(shortened(text, to: 60))” → "
        + "“\(shortened(translation.text, to: 60))”",
      source: view.source, target: view.target,
      layers: (0..<view.layers).map { l in
        TranslationView(
          translation: translation, text: text, merge: options.mergeSubwords, layer: l
        )
        .heads
      }, initialLayer: layer, colorMap: figure.colorMap.map)
    files.append(OutputFile(name: "translation.html", text: page.html()))
  }
  let wantsPNG = options.formats.contains(.png)
  let wantsSVG = options.formats.contains(.svg)
  if wantsPNG || wantsSVG {
    progress.stage("laying out figures")
    let fonts = try loadFonts(figure)
    let style = figureStyle(figure)
    var scenes = translationScenes(view, translator: translator, style: style, measurer: fonts)
      .filter { options.figures.contains($0.figure) }.map { (stem: $0.stem, scene: $0.scene) }
    let headed = figure.finish(scenes.map(\.scene), margin: style.margin, measurer: fonts)
    scenes = zip(scenes, headed).map { ($0.stem, $1) }
    files += try figureFiles(scenes, png: wantsPNG, svg: wantsSVG, options: figure, fonts: fonts)
  }
  if (wantsPNG || wantsSVG) && options.figures.contains(.encoder) {
    // The encoder's self-attention, as `show` draws a bidirectional encoder.
    var encoderOptions = VisualizeOptions(text: options.text)
    encoderOptions.formats = options.formats.filter { $0 == .png || $0 == .svg }
    encoderOptions.figure = figure
    let trace = encoderTrace(translation, text: text, translator: translator)
    let shown = options.mergeSubwords ? mergingSubwords(trace) : trace
    let selection = try AttentionSelection(
      trace: shown, layer: options.encoderLayer, head: nil, hideSpecial: false)
    var titles = Titles(trace: shown, selection: selection)
    titles.wordsMerged = options.mergeSubwords && shown.tokens.count < trace.tokens.count
    var encoderFiles = try figureFiles(
      selection, titles: titles, options: encoderOptions, notes: &report.notes, progress: progress)
    for index in encoderFiles.indices {
      encoderFiles[index].name = "encoder-" + encoderFiles[index].name
    }
    files += encoderFiles
  }
  progress.stage(files.count == 1 ? "writing 1 file" : "writing \(files.count) files")
  let written = try OutputFolder(path: options.outputFolder).writeWithSizes(files)
  report.writtenFiles = written.map(\.path)
  return report
}

/// The name a `--model` choice gives when it leads to a translator (an encoder–decoder folder),
/// or nil for any other model, or one that cannot be found (loading it says why).
package func translatorName(_ choice: ModelChoice, lookup: ModelLookup) -> String? {
  guard case .pretrained(let name, _) = choice,
    !name.trimmingCharacters(in: .whitespaces).isEmpty,
    case .translator = try? lookup.resolve(name)
  else { return nil }
  return name
}

/// The translator `--model` names: a folder found by the model lookup that holds a Marian
/// model; anything else is refused with what it is.
package func loadTranslator(_ name: String, lookup: ModelLookup) throws -> MarianTranslator {
  guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
    throw AttnvizError.usage("--model is empty; give a translator such as firefox-en-pt")
  }
  let location = try lookup.resolve(name)
  guard case .translator(let folder) = location else {
    throw AttnvizError.usage(
      "\(name) is not an encoder–decoder translation model (\(location.path)); attnviz translate "
        + "runs Marian translators such as firefox-en-pt or firefox-pt-en (`make model` installs "
        + "them) and Hugging Face marian, bart or t5 folders; draw this model with attnviz --model \(name) \"…\""
    )
  }
  do {
    return try MarianTranslator(folder: folder)
  } catch {
    throw AttnvizError.from(error)
  }
}

/// The encoder as `show` describes a model (its self-attention is what the encoder views draw).
package func encoderInfo(_ translator: MarianTranslator) -> ModelInfo {
  let c = translator.config
  return ModelInfo(
    name: "\(translator.name) encoder", family: .marian, layers: c.encoderLayers,
    heads: c.heads, dModel: c.dim, causal: false)
}

package func encoderTrace(_ translation: Translation, text: String, translator: MarianTranslator)
  -> AttentionTrace
{
  AttentionTrace(
    text: text, tokens: translation.source, model: encoderInfo(translator),
    layers: translation.encoderSelfAttention.map { LayerTrace(weights: $0) },
    truncatedFrom: translation.truncatedFrom)
}

/// The cross-attention of one decoder layer as the figures show it: pieces, or words with
/// `--merge-subwords` (rows: mean over a target word's pieces; columns: sum over a source word's
/// pieces, so rows still sum to 1).
struct TranslationView {
  var source: [String]
  var target: [String]
  /// [head] (T, S).
  var heads: [Matrix]
  /// The heads' average (T, S).
  var average: Matrix
  var layer: Int
  var layers: Int
  var merged: Bool
  var text: String
  var translation: String

  init(translation: Translation, text: String, merge: Bool, layer: Int) {
    var sourceGroups = translation.source.indices.map { [$0] }
    var targetGroups = translation.target.indices.map { [$0] }
    var sourceTokens = translation.source
    var targetTokens = translation.target
    if merge {
      sourceGroups = wordGroups(translation.source, text: text)
      let located = locatedTargets(translation.target, text: translation.text)
      targetGroups = wordGroups(located, text: translation.text)
      sourceTokens = mergedTokens(translation.source, sourceGroups, text: text)
      targetTokens = mergedTokens(located, targetGroups, text: translation.text)
    }
    merged =
      sourceGroups.count < translation.source.count
      || targetGroups.count < translation.target.count
    source = sourceTokens.map(\.text)
    target = targetTokens.map(\.text)
    heads = translation.crossAttention[layer].map {
      mergedMatrix($0, rows: targetGroups, columns: sourceGroups)
    }
    var sum = Matrix(rows: target.count, columns: source.count)
    for head in heads {
      for i in sum.values.indices { sum.values[i] += head.values[i] }
    }
    for i in sum.values.indices { sum.values[i] /= Double(max(heads.count, 1)) }
    average = sum
    self.layer = layer
    layers = translation.crossAttention.count
    self.text = text
    self.translation = translation.text
  }

  /// For each target token, the source token it reads most: "gato ← cat 0.64", one a line.
  func alignmentLines(translator: MarianTranslator) -> String {
    let width = target.map { tokenLabel($0).count }.max() ?? 0
    var out = ""
    for t in 0..<average.rows {
      let row = Array(average.row(t))
      let best = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0
      let label = tokenLabel(target[t])
      out +=
        "  \(label)\(String(repeating: " ", count: max(0, width - label.count))) ← "
        + "\(tokenLabel(source[best])) \(formatFixed(row[best], decimals: 2))\n"
    }
    return out
  }
}

/// Target pieces located in the translation's text (their UTF-8 ranges), so words can be told
/// apart as they are for the source: "▁sent", "ou", "-", "se" are one chunk "sentou-se".
func locatedTargets(_ tokens: [Token], text: String) -> [Token] {
  var offset = 0
  var first = true
  return tokens.map { token in
    var located = token
    guard !token.isSpecial else { return located }
    var surface = Array(token.text.utf8)
    // The label shows a leading space as "·"; the text has a space, except at the very start.
    if surface.starts(with: Array("·".utf8)) {
      surface = Array(surface.dropFirst(2))
      if !first { offset += 1 }
    }
    first = false
    located.sourceRange = offset..<(offset + surface.count)
    offset += surface.count
    return located
  }
}

/// One token per group, named by its text in `text`.
func mergedTokens(_ tokens: [Token], _ groups: [[Int]], text: String) -> [Token] {
  let bytes = Array(text.utf8)
  return groups.map { group in
    let pieces = group.map { tokens[$0] }
    let ranges = pieces.compactMap(\.sourceRange)
    guard let first = ranges.first, let last = ranges.last, last.upperBound <= bytes.count
    else { return Token(pieces.map(\.text).joined(), isSpecial: pieces.allSatisfy(\.isSpecial)) }
    return Token(
      String(decoding: bytes[first.lowerBound..<last.upperBound], as: UTF8.self),
      sourceRange: first.lowerBound..<last.upperBound)
  }
}

/// The figures of the cross-attention: the heads' average annotated, every head, the alignment.
func translationScenes(
  _ view: TranslationView, translator: MarianTranslator, style: FigureStyle,
  measurer: any TextMeasuring
) -> [(figure: TranslationFigure, stem: String, scene: Scene)] {
  let layerName = "decoder layer \(view.layer + 1) of \(view.layers)"
  let subtitle =
    "\(translator.name) · \(translator.direction) · greedy, \(view.source.count) source → "
    + "\(view.target.count) generated " + (view.merged ? "words" : "tokens")
  var crossStyle = style
  crossStyle.rowAxisTitle = "Generated token (query)"
  crossStyle.columnAxisTitle = "Source token (key)"
  var annotated = crossStyle
  annotated.annotate = true
  let layerStem = "layer\(view.layer + 1)"
  func labelled(_ m: Matrix) -> LabeledMatrix {
    LabeledMatrix(m, rowLabels: view.target, columnLabels: view.source, kind: .probabilities)
  }
  let heatmap = heatmapFigure(
    labelled(view.average),
    title: FigureTitle(
      "Cross-attention · average of \(view.heads.count) heads · \(layerName)", subtitle: subtitle),
    style: annotated, measurer: measurer)
  let heads = headsFigure(
    view.heads.map(labelled), panelTitles: view.heads.indices.map { "Head \($0 + 1)" },
    title: FigureTitle("Cross-attention · every head · \(layerName)", subtitle: subtitle),
    style: crossStyle, measurer: measurer)
  let alignment = alignmentFigure(
    source: view.source, target: view.target, weights: view.average,
    sourceTitle: translator.sourceLanguage ?? "Source",
    targetTitle: translator.targetLanguage ?? "Translation",
    title: FigureTitle(
      "Alignment · cross-attention averaged over heads · \(layerName)",
      subtitle: subtitle + " · blue: the source token each one reads most"),
    style: style, measurer: measurer)
  return [
    (.cross, "cross-attention-\(layerStem)", heatmap),
    (.heads, "cross-attention-heads-\(layerStem)", heads),
    (.alignment, "alignment-\(layerStem)", alignment),
  ]
}

/// The translation's `attention.json`:
///
///     {"text": "...", "translation": "...",
///      "model": {"name": "firefox-en-pt", "architecture": "marian", "direction": "...",
///                "encoder_layers": 6, "decoder_layers": 2, "heads": 8, "d_model": 256,
///                "decoder_self_attention": "ssru"},
///      "source_tokens": [...], "source_ids": [...], "target_tokens": [...], "target_ids": [...],
///      "finished": true,
///      "encoder_self_attention": [[[[...]]]],   [layer][head][source query][source key]
///      "cross_attention": [[[[...]]]]}          [layer][head][target step][source key]
///
/// Numbers in the shortest round-trip form; keys in this order, so the bytes are fixed.
func translationJSON(_ translation: Translation, text: String, translator: MarianTranslator)
  -> String
{
  let c = translator.config
  func strings(_ values: [String]) -> String {
    "[" + values.map { jsonStringLiteral($0) }.joined(separator: ", ") + "]"
  }
  func ids(_ tokens: [Token]) -> String {
    "[" + tokens.map { $0.id.map(String.init) ?? "null" }.joined(separator: ", ") + "]"
  }
  func maps(_ layers: [[Matrix]]) -> String {
    let layerTexts = layers.map { heads in
      let headTexts = heads.map { m in
        let rows = (0..<m.rows).map { r in
          "[" + m.row(r).map(formatRoundTrip).joined(separator: ", ") + "]"
        }
        return "      [\n        " + rows.joined(separator: ",\n        ") + "\n      ]"
      }
      return "    [\n" + headTexts.joined(separator: ",\n") + "\n    ]"
    }
    return "[\n" + layerTexts.joined(separator: ",\n") + "\n  ]"
  }
  var out = "{\n"
  out += "  \"text\": \(jsonStringLiteral(text)),\n"
  out += "  \"translation\": \(jsonStringLiteral(translation.text)),\n"
  out += "  \"model\": {\"name\": \(jsonStringLiteral(translator.name)), "
  out += "\"architecture\": \(jsonStringLiteral(translator.modelType ?? "marian")), "
  out += "\"direction\": \(jsonStringLiteral(translator.direction)), "
  out += "\"encoder_layers\": \(c.encoderLayers), \"decoder_layers\": \(c.decoderLayers), "
  out += "\"heads\": \(c.heads), \"d_model\": \(c.dim), \"decoder_self_attention\": "
  out += translation.decoderSelfAttention == nil ? "\"ssru\"},\n" : "\"attention\"},\n"
  out += "  \"source_tokens\": \(strings(translation.source.map(\.text))),\n"
  out += "  \"source_ids\": \(ids(translation.source)),\n"
  out += "  \"target_tokens\": \(strings(translation.target.map(\.text))),\n"
  out += "  \"target_ids\": \(ids(translation.target)),\n"
  out += "  \"finished\": \(translation.finished),\n"
  if let original = translation.truncatedFrom {
    out += "  \"truncated_from\": \(original),\n"
  }
  out += "  \"encoder_self_attention\": \(maps(translation.encoderSelfAttention)),\n"
  if let decoder = translation.decoderSelfAttention {
    out += "  \"decoder_self_attention\": \(maps(decoder)),\n"
  }
  out += "  \"cross_attention\": \(maps(translation.crossAttention))\n"
  out += "}\n"
  return out
}
