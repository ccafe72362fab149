import AttnvizMath
import AttnvizRender

/// `--view rollout`: the raw attention of the last layer (heads averaged) beside the attention
/// rollout through the layers (Abnar & Zuidema 2020), on one 0…1 scale, with the formula in the
/// caption so the slide says what was multiplied.
public func rolloutFigure(
  raw: LabeledMatrix, rollout: LabeledMatrix, rawTitle: String, rolloutTitle: String,
  title: FigureTitle, caption: [String], style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  headsFigure(
    [raw, rollout], panelTitles: [rawTitle, rolloutTitle], title: title, caption: caption,
    style: style, measurer: measurer)
}
