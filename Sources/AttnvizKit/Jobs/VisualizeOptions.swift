import AttnvizModel
import AttnvizRender
import AttnvizStyle
import AttnvizTables
import AttnvizViews

/// Views of attention that can be drawn (`--view`).
public enum ViewKind: String, CaseIterable, Sendable {
  /// One heatmap per head: queries down, keys across.
  case heatmap
  /// All heads of a layer side by side, one shared scale.
  case heads
  /// BertViz's head view: lines from query tokens to key tokens.
  case lines
  /// Every layer × head as thumbnails (models with several layers).
  case model
  /// The model grid with each head's pattern label (previous token, [SEP], broad, …).
  case patterns
  /// Layers × heads: the share of attention on the first token (or special tokens).
  case sinks
  /// Attention rollout through the layers beside the raw last-layer average.
  case rollout
  /// Layers × heads: mean attention distance and mean row entropy.
  case stats
  /// Decoders: the most probable next tokens after the last (or `--focus`) token, as bars.
  case next
  /// Decoders: the logit lens, the top-1 token each layer's residual stream predicts.
  case lens
  /// The weights beside what the heads actually move, ‖α·f(x)‖ (Kobayashi et al. 2020).
  case contribution
  /// The RNN half of the lecture, a diagram: the chain an RNN walks from the --focus token's
  /// strongest key to it, beside attention's single hop with the model's real weight.
  case rnn
  /// The text → pieces → ids: how the model's tokenizer cut this text, and why.
  case tokens
  /// Layers × heads: each head's direct effect on the predicted token's logit (decoders).
  case credit
  /// Layers × heads: the change in the predicted token's log-probability with each head
  /// ablated alone (decoders).
  case ablation
}

/// File formats (`--format`).
public enum OutputFormat: String, CaseIterable, Sendable {
  case png, svg, json, txt, csv, md
  /// `attention.html`: the interactive page (head view, model view, heatmap), one file.
  case html
  public static let defaults: [OutputFormat] = [.png, .json]
}

/// How figures look.
public struct FigureOptions: Equatable, Sendable {
  public var colorMap = ColorMapName.viridis
  public var annotate = false
  /// Device pixels per logical pixel; nil: 2, which stays crisp on a 1080p projector and a
  /// retina screen, or what fits the preset's pixel size (1920 wide for `--preset slide`).
  public var scale: Double?
  /// `--preset`: defaults for slides, paper or dark themes (slide or paper, each with dark).
  public var preset: FigurePresets?
  /// Cell size in logical pixels, or nil to adapt to the token count.
  public var cellSize: Double?
  public var fontPath: String?
  /// The user's home folder (the run's `HOME`), whose font folders are searched after the
  /// system's for scripts DejaVu lacks; nil: the system's folders only.
  public var fontHome: String?
  /// `--focus WORD|INDEX` for the lines view (index 1-based, as displayed).
  public var focus: String?
  /// `--callout K`: how many of the focused token's strongest keys the caption line under the
  /// figures names; nil: no caption line (the figures still mark the strongest key).
  public var calloutCount: Int?
  /// `--title` / `--subtitle`: replace the generated heading of every figure (nil: generated;
  /// an empty subtitle removes the line).
  public var title: String?
  public var subtitle: String?
  /// The command's words after `attnviz`, as typed; recorded in every figure (nil: nothing is
  /// recorded, as when the library is called from another program).
  public var command: [String]?
  /// What the figures carry, filled in by the pipeline once the text and model are known.
  var provenance: Provenance?

  public init() {}

  /// The laid-out scenes as they are drawn: with the heading the user chose, in the preset's
  /// theme, fitted to its slide proportions.
  package func finish(_ scenes: [Scene], margin: Double, measurer: any TextMeasuring) -> [Scene] {
    scenes.map { scene in
      var scene = scene
      if title != nil || subtitle != nil {
        scene = retitled(
          scene, title: title, subtitle: subtitle, margin: margin, measurer: measurer)
      }
      scene = themed(scene, preset?.theme ?? .light)
      if let size = preset?.pixelSize {
        scene = fittedToAspect(scene, width: size.width, height: size.height)
      }
      return scene
    }
  }

  /// Fills in `provenance` from the command, the text's source and the model.
  package mutating func record(
    text: String, source: TextSource, model: ModelChoice, info: ModelInfo?
  ) {
    guard let command else { return }
    let fromFile: String? = if case .arguments = source { nil } else { text }
    let modelLine = info.map { provenanceModel(model, info: $0) } ?? "none"
    provenance = Provenance(
      arguments: recordedArguments(command, textFromFile: fromFile), model: modelLine)
  }

  /// The text chunks a PNG carries: the provenance, or none.
  package var pngText: [PNGTextEntry] { provenance?.pngText ?? [] }

  /// The SVG of `scene`, carrying the provenance.
  package func svg(_ scene: Scene) -> String {
    renderSVG(scene, metadata: pngText)
  }

  /// The SVG of `scene` as a file written as a stream (a megabyte at a time, never whole in
  /// memory), carrying the provenance in its first piece, which holds the root element.
  func svgFile(_ name: String, _ scene: Scene) -> OutputFile {
    let metadata = pngText
    return OutputFile(name: name) { sink in
      try writeSVG(scene, metadata: metadata) { try sink.write(bytes: $0) }
    }
  }

  /// Device pixels per logical pixel for `scene`'s PNG.
  package func pngScale(_ scene: Scene) -> Double {
    if let scale { return scale }
    if let size = preset?.pixelSize { return Double(size.width) / scene.width }
    return 2
  }
}

/// What the terminal gets.
public struct DisplayOptions: Equatable, Sendable {
  public var colorMode: ColorMode = .plain
  public var width = 80
  /// `--json`: the JSON document is the only thing on standard output.
  public var jsonToStandardOutput = false
  /// `--quiet`: nothing but errors.
  public var quiet = false
  /// Print one table per head even for a multi-layer model (default there: the heads' average).
  public var perHead = false

  public init() {}
}

/// Everything the main job needs; the command line fills it in.
public struct VisualizeOptions: Equatable, Sendable {
  /// The run this job belongs to: its environment, its command words, its loaded models.
  public var context = RunContext()
  public var text: TextSource
  public var model: ModelChoice = .defaultBuiltin
  public var outputFolder = "attnviz-out"
  public var formats: [OutputFormat] = OutputFormat.defaults
  /// nil: the defaults for the model (heatmap and heads; plus model for several layers).
  public var views: [ViewKind]?
  /// 1-based, as displayed; nil: the last layer.
  public var layer: Int?
  /// 1-based; nil: every head.
  public var head: Int?
  public var hideSpecialTokens = false
  /// `--renormalize` (with `--hide-special`): each shown row divided by its sum over the shown
  /// tokens, so rows sum to 1 again; the subtitle says so.
  public var renormalizeShown = false
  /// `--rollout-from L`: the first layer (1-based) the rollout multiplies; nil: layer 1.
  public var rolloutFrom: Int?
  /// `--top K`: print each query's K strongest keys instead of the grid; nil: the grid, or
  /// the top 3 when the text is too long for a grid.
  public var top: Int?
  /// `--json-precision N`: decimals in the JSON files; nil: shortest round-trip form.
  public var jsonPrecision: Int?
  /// `--merge-subwords`: word-level attention (to a word: sum over its pieces; from a word:
  /// mean over its pieces).
  public var mergeSubwords = false
  /// `--candidates K`: next tokens `--view next` lists; nil: 10.
  public var candidates: Int?
  /// `--chat`: the text is a user's message in the model's chat template.
  public var chat: ChatOptions?
  public var figure = FigureOptions()
  public var display = DisplayOptions()
  /// `--target`, `--ablate`, `--ablate-mode`.
  public var attribution = AttributionOptions()

  public init(text: TextSource) {
    self.text = text
  }
}

/// What a run produced, for the shell to print: `standardOutput` to stdout, `writtenFiles` and
/// `notes` to stderr, one a line.
public struct RunReport: Equatable, Sendable {
  public var standardOutput = ""
  public var writtenFiles: [String] = []
  public var notes: [String] = []

  public init() {}
}

/// The presets figures are laid out with; the shell names them without importing the views.
public typealias FigurePreset = AttnvizViews.FigurePreset
public typealias FigurePresets = AttnvizViews.FigurePresets
public typealias PresetConflict = AttnvizViews.PresetConflict
