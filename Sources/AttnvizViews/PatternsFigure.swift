import AttnvizAnalysis
import AttnvizMath
import AttnvizRender

/// `--view patterns`: the model grid with each head's pattern label under its thumbnail and the
/// labelling rule in the legend.
public func patternsFigure(
  _ layers: [[Matrix]], patterns: [[HeadPatternResult]], rule: HeadPatternRule,
  tokens: [String], causal: Bool, queryHeadsPerKeyValueHead: Int? = nil, legend: [String] = [],
  title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring
) -> Scene {
  let labels = patterns.map { heads in
    heads.map {
      ThumbnailLabel(
        full: $0.pattern.rawValue, short: $0.pattern.code, letter: $0.pattern.letter)
    }
  }
  let marks = ModelGridMarks(
    labels: labels, queryHeadsPerKeyValueHead: queryHeadsPerKeyValueHead,
    legend: legend + rule.legend)
  return modelFigure(
    layers, tokens: tokens, causal: causal, title: title, marks: marks, style: style,
    measurer: measurer)
}
