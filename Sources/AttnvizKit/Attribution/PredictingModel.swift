import AttnvizModel
import AttnvizStyle
import AttnvizTokens

/// The model as the prediction views need it: a decoder with its next-token head, or a usage
/// error saying why this one cannot be credited or ablated. `additive`: the view splits the
/// residual stream into what each part wrote (`--view credit`), which only a pre-norm decoder's
/// stream is; ablation runs the model itself and works on every decoder.
func predictingModel(_ model: any AttentionModel, for what: String, additive: Bool = false)
  throws -> TransformerModel
{
  guard let transformer = model as? TransformerModel else {
    throw AttnvizError.usage(
      "\(what) needs a model that predicts the next token; \(displayName(of: model.info)) "
        + "is one attention layer with no language-model head; try --model SmolLM2-135M-Instruct")
  }
  guard transformer.predictsTokens else {
    throw AttnvizError.usage(
      "\(what) needs a model that predicts the next token; \(model.info.name) is an encoder "
        + "(\(model.info.family.name)): it reads the whole text at once and has no next-token "
        + "head, so there is no prediction to credit or to change; --view contribution works "
        + "on encoders, and a decoder such as SmolLM2-135M-Instruct predicts")
  }
  guard !additive || transformer.hasAdditiveResidualStream else {
    throw AttnvizError.usage(
      "\(what) needs a residual stream that is the plain sum of what each head writes; "
        + "\(model.info.name) (\(model.info.family.name)) normalises each attention block's "
        + "output (a post-attention norm with a learned scale per dimension) before adding it, "
        + "so a head's direct effect on the logit is not defined there; --ablate and "
        + "--view ablation measure a head's effect on it exactly, by running it")
  }
  return transformer
}

/// The token ids of the trace, as the model ran them.
func traceIDs(_ trace: AttentionTrace) throws -> [Int] {
  let ids = trace.tokens.compactMap(\.id)
  guard ids.count == trace.tokens.count, !ids.isEmpty else {
    throw AttnvizError.failure("the trace has tokens without ids; the model cannot rerun them")
  }
  return ids
}

/// `--target TEXT` as one token id: the text must be exactly one token of the vocabulary (a
/// special token the tokenizer adds on its own, such as BOS, is not counted).
func targetTokenID(_ text: String, model: TransformerModel) throws -> Int {
  let tokens: [Token]
  do {
    tokens = try model.tokenizer.tokenize(text)
  } catch {
    throw AttnvizError.usage("--target \"\(tokenLabel(text))\" cannot be tokenized: \(error)")
  }
  let pieces = tokens.filter { !$0.isSpecial || text.contains($0.text) }
  guard pieces.count == 1, let id = pieces[0].id, (0..<model.config.vocabularySize).contains(id)
  else {
    let shown = pieces.map { "“\(tokenLabel($0.text))”" }.joined(separator: " ")
    var message =
      "--target \"\(tokenLabel(text))\" is not one token of \(model.info.name)'s vocabulary"
      + (pieces.isEmpty ? "" : "; it is \(pieces.count) tokens: \(shown)")
      + "; give one token (a word after a space keeps its space: --target \" animal\")"
    if !text.hasPrefix(" "), let spaced = try? model.tokenizer.tokenize(" " + text),
      spaced.filter({ !$0.isSpecial }).count == 1
    {
      message += "; \" \(tokenLabel(text))\" is one token"
    }
    throw AttnvizError.usage(message)
  }
  return id
}

/// How tables and captions show a token id: the vocabulary's token through the one label rule.
func tokenName(_ id: Int, model: TransformerModel) -> String {
  guard let decoding = model.tokenizer as? any TokenDecoding, let token = decoding.token(id: id)
  else { return "#\(id)" }
  return tokenLabel(token.text)
}
