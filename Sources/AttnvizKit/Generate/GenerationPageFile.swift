import AttnvizHTML
import AttnvizModel
import AttnvizStyle
import AttnvizTokens

/// `generation.html` (`generate --format html`): the page that plays the answer token by token,
/// from the same steps as generation.json. Each kept layer is embedded (the heads' average and
/// each kept head) unless that passes `GenerationPage.weightLimit`; then only the layer the
/// figures draw, and the page and stderr say so.
func generationPageFile(
  _ document: GenerationDocument, weightLimit: Int = GenerationPage.weightLimit
) -> (file: OutputFile, notes: [String]) {
  let generation = document.generation
  let heads = generation.heads
  let headChoices = heads.count > 1 ? heads.count + 1 : 1
  let weights = document.steps.reduce(0) { $0 + $1.position + 1 } * headChoices
  var layerIndices = Array(generation.layers.indices)
  var notes: [String] = []
  if weights * layerIndices.count > weightLimit {
    layerIndices = [document.keptLayerIndex]
    notes.append(
      "Only layer \(document.figureLayer + 1) is embedded: every layer would be "
        + "\(weights * generation.layers.count) weights, more than the page's "
        + "\(weightLimit) (--layer chooses another).")
  }
  let headNames =
    heads.count > 1
    ? ["average of \(heads.count) heads"] + heads.map { "head \($0 + 1)" }
    : ["head \((heads.first ?? 0) + 1)"]
  let steps = document.steps.map { step -> GenerationPage.Step in
    let rows = layerIndices.map { l -> [[Double]] in
      let kept = step.attention[l]
      guard kept.count > 1 else { return kept }
      var average = [Double](repeating: 0, count: kept[0].count)
      for row in kept {
        for (k, w) in row.enumerated() { average[k] += w / Double(kept.count) }
      }
      return [average] + kept
    }
    let alternatives = step.alternatives.prefix(8).map {
      GenerationPage.Alternative(
        label: tokenLabel(document.decoded($0.id).label), probability: $0.probability,
        isChosen: $0.id == step.id)
    }
    return GenerationPage.Step(
      probability: step.probability, alternatives: Array(alternatives), rows: rows)
  }
  let roles = document.promptRoles
  var tokens = document.promptTokens.enumerated().map { i, token in
    GenerationPage.PageToken(
      label: tokenLabel(token.text), role: roles[i].role?.rawValue,
      isMarker: roles[i].isMarker, isSpecial: token.isSpecial)
  }
  tokens += document.steps.map { step in
    GenerationPage.PageToken(
      label: tokenLabel(step.token.text), role: document.chat == nil ? nil : "assistant",
      isSpecial: step.token.isSpecial || document.stopIDs.contains(step.id))
  }
  let initial = layerIndices.firstIndex(of: document.keptLayerIndex) ?? 0
  let count = document.steps.count
  let page = GenerationPage(
    modelName: document.model.name,
    subtitle: "\(count) token\(count == 1 ? "" : "s") · "
      + "\(document.sampling == .greedy ? "greedy" : "sampled") · "
      + "“\(shortened(oneLineAnswer(document), to: 70))”",
    tokens: tokens, promptCount: document.promptTokens.count, steps: steps,
    layers: layerIndices.map { generation.layers[$0] + 1 }, headNames: headNames,
    initialLayer: initial, notes: notes, colorMap: document.options.figure.colorMap.map)
  return (
    OutputFile(name: "generation.html", text: page.html()),
    notes.map { "note: generation.html: " + lowercasedFirst($0) }
  )
}

extension GenerationDocument {
  /// Each prompt token's chat role and whether the template wrote it (no role without --chat).
  var promptRoles: [(role: ChatRole?, isMarker: Bool)] {
    guard let chat else { return promptTokens.map { _ in (nil, false) } }
    let indices = chat.pieceIndices(of: promptTokens)
    return indices.map { index in
      guard let index else { return (nil, true) }
      return (chat.pieces[index].role, chat.pieces[index].isMarker)
    }
  }
}
