// TEMPORARY, not committed: stand-ins until the views branch lands.
import AttnvizMath
import AttnvizRender
import AttnvizViews
func headsFigure(_ heads: [LabeledMatrix], panelTitles: [String], title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring) -> Scene { heatmapFigure(heads[0], title: title, style: style, measurer: measurer) }
func linesFigure(tokens: [String], heads: [Matrix], headNames: [String], focus: Int?, title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring) -> Scene { heatmapFigure(LabeledMatrix(heads[0], rowLabels: tokens, columnLabels: tokens, kind: .probabilities), title: title, style: style, measurer: measurer) }
func modelFigure(_ layers: [[Matrix]], tokens: [String], title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring) -> Scene { linesFigure(tokens: tokens, heads: layers[0], headNames: [], focus: nil, title: title, style: style, measurer: measurer) }
func positionalEncodingFigure(_ pe: Matrix, title: FigureTitle, style: FigureStyle, measurer: any TextMeasuring) -> Scene { heatmapFigure(LabeledMatrix(pe, rowLabels: (0..<pe.rows).map { "\($0)" }, columnLabels: nil, kind: .signed), title: title, style: style, measurer: measurer) }
