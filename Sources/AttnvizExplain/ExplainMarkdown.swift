import AttnvizKit
import AttnvizStyle
import AttnvizTables
import AttnvizViews

/// `explain.md`: lecture notes in one file. Per step a heading, the caption as a paragraph, each
/// matrix as a GFM table, and an image link to the step's figure, which the run writes next to
/// the document (`figureExtension` "png" or "svg"; nil leaves the links out), one link per
/// file of `figureStems` (a step split into parts has several; nil: the step's `fileStem`).
func explainMarkdown(
  _ steps: [ExplainStep], title: String, subtitle: String, figureExtension: String?,
  figureStems: [[String]]? = nil
) -> String {
  var document = "# \(escapeMarkdown(title))\n\n\(escapeMarkdown(subtitle))\n"
  for (index, step) in steps.enumerated() {
    document += "\n## \(escapeMarkdown(step.heading))\n\n"
    document += step.caption.map(escapeMarkdown).joined(separator: "\n") + "\n"
    if step.kind == .tokens {
      // --chat: each token's role, "(template)" for the template's own markers.
      let roles = step.segments.isEmpty ? "" : " role |"
      document +=
        "\n| position | token |\(roles)\n| ---: | :--- |\(roles.isEmpty ? "" : " :--- |")\n"
      for (position, token) in step.tokens.enumerated() {
        var row = "| \(position) | \(escapeMarkdown(tokenLabel(token))) |"
        if !roles.isEmpty {
          let role = step.segments.first { $0.columns.contains(position) }
          row += " \(role.map { $0.kind.rawValue + ($0.isMarker ? " (template)" : "") } ?? "") |"
        }
        document += row + "\n"
      }
    }
    for table in step.tables.map({ $0.shown() }) {
      document += "\n**\(escapeMarkdown(table.title))**\n\n" + renderMarkdownTable(table.matrix)
    }
    if let figureExtension {
      let stems = figureStems.map { $0[index] } ?? [step.fileStem]
      document += "\n"
      for stem in stems {
        document += "![\(escapeMarkdown(step.heading))](\(stem).\(figureExtension))\n"
      }
    }
  }
  return document
}
