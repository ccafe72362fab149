/// A tokenizer described by Hugging Face's `tokenizer.json` (or built from the same parts, as a
/// GGUF file's metadata describes them), giving the ids the `tokenizers` library gives:
///
/// 1. added tokens that are not normalised (`<|im_start|>`, `<s>`) are cut out of the raw text;
/// 2. the rest is normalised (`normalizer`), then added tokens that are normalised are cut out;
/// 3. each remaining part is split into pieces (`pre_tokenizer`), and each piece encoded by the
///    model (BPE or WordPiece);
/// 4. the post-processor's template adds `[CLS]`/`[SEP]` or `<s>` around the text.
///
///     "<|im_start|>user\nHi" → <|im_start|> | user | \n | Hi    (SmolLM2)
///
/// Tokens point back at the input bytes they came from and display through one rule
/// (`TokenDisplay`): byte-level `Ġ` and SentencePiece `▁` both show as `·`, `Ċ` as `\n`.
/// Padding and truncation in the file are ignored: attnviz encodes one text whole.
public struct HFTokenizer: Tokenizer {
  /// An entry of `added_tokens`: text that is matched before the model runs and becomes one
  /// token.
  public struct AddedToken: Sendable, Equatable {
    public var content: String
    public var id: Int
    /// A control token (`<s>`, `<|im_end|>`): shown as special.
    public var special: Bool
    /// Matched only when no word character touches it on either side.
    public var singleWord: Bool
    /// Takes the whitespace on its left / right into the token.
    public var lstrip: Bool
    public var rstrip: Bool
    /// Matched in the normalised text rather than the raw text.
    public var normalized: Bool

    public init(
      content: String, id: Int, special: Bool = true, singleWord: Bool = false,
      lstrip: Bool = false, rstrip: Bool = false, normalized: Bool? = nil
    ) {
      self.content = content
      self.id = id
      self.special = special
      self.singleWord = singleWord
      self.lstrip = lstrip
      self.rstrip = rstrip
      self.normalized = normalized ?? !special
    }
  }

  /// A token the post-processor puts around the text.
  public struct TemplateToken: Sendable, Equatable {
    public var content: String
    public var id: Int

    public init(_ content: String, id: Int) {
      self.content = content
      self.id = id
    }
  }

  /// What the post-processor adds to a single text: `[CLS]` … `[SEP]`, `<s>` …, or nothing.
  public struct PostProcessor: Sendable, Equatable {
    public var prefix: [TemplateToken]
    public var suffix: [TemplateToken]
    /// ByteLevel's and RoBERTa's `trim_offsets`: a token's source range leaves out the spaces
    /// it starts or ends with (`Ġcat` points at "cat").
    public var trimsOffsets: Bool

    public init(
      prefix: [TemplateToken] = [], suffix: [TemplateToken] = [], trimsOffsets: Bool = false
    ) {
      self.prefix = prefix
      self.suffix = suffix
      self.trimsOffsets = trimsOffsets
    }
  }

  public let normalizer: Normalizer?
  public let preTokenizer: PreTokenizer?
  public let model: Model
  public let postProcessor: PostProcessor
  public let addedTokens: [AddedToken]
  public let display: TokenDisplay
  /// The file (or other source) it was read from, for messages.
  public let source: String
  let rawMatcher: AddedTokenMatcher
  let normalizedMatcher: AddedTokenMatcher

  /// Builds a tokenizer from its parts. `display` nil: chosen from the pre-tokenizer
  /// (byte-level, Metaspace `▁`, or plain text).
  public init(
    normalizer: Normalizer? = nil, preTokenizer: PreTokenizer? = nil, model: Model,
    postProcessor: PostProcessor = PostProcessor(), addedTokens: [AddedToken] = [],
    display: TokenDisplay? = nil, source: String = "tokenizer"
  ) {
    self.normalizer = normalizer
    self.preTokenizer = preTokenizer
    self.model = model
    self.postProcessor = postProcessor
    // An added token the model already lists takes the model's id, as in the library.
    let addedTokens = addedTokens.map { token in
      var token = token
      if let id = model.id(of: token.content) { token.id = id }
      return token
    }
    self.addedTokens = addedTokens
    self.display = display ?? TokenDisplay(inferredFrom: preTokenizer, normalizer: normalizer)
    self.source = source
    rawMatcher = AddedTokenMatcher(addedTokens.filter { !$0.normalized })
    normalizedMatcher = AddedTokenMatcher(addedTokens.filter(\.normalized))
  }

  /// The number of vocabulary entries (model and added tokens) and the largest id: a model
  /// needs at least `largestID + 1` token embeddings.
  public var vocabularySize: Int {
    // Added tokens the model lists ([CLS] in a WordPiece vocabulary) are counted once.
    let extra = Set(addedTokens.map(\.id).filter { model.token(for: $0) == nil })
    return model.size.count + extra.count
  }
  public var largestID: Int { max(model.size.largestID, addedTokens.map(\.id).max() ?? 0) }

  /// The id of a vocabulary entry or added token.
  public func id(of token: String) -> Int? {
    addedTokens.last { $0.content.utf8.elementsEqual(token.utf8) }?.id ?? model.id(of: token)
  }

  /// The tokens of `text` with the post-processor's tokens around them. Throws
  /// `TokenizerError.emptyText` when there are none.
  public func tokenize(_ text: String) throws -> [Token] {
    let tokens = try encode(text)
    guard !tokens.isEmpty else { throw TokenizerError.emptyText }
    return tokens
  }

  /// The ids only, as `tokenizer(text)["input_ids"]` gives them.
  public func ids(_ text: String, addSpecialTokens: Bool = true) throws -> [Int] {
    try encode(text, addSpecialTokens: addSpecialTokens).compactMap(\.id)
  }

  /// The tokens of `text` (empty for an empty text), with the template's tokens when
  /// `addSpecialTokens`.
  public func encode(_ text: String, addSpecialTokens: Bool = true) throws -> [Token] {
    var tokens: [Token] = []
    var offset = 0
    var input: [SourcedScalar] = []
    input.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
      let width = UTF8.width(scalar)
      input.append(SourcedScalar(scalar: scalar, source: offset..<(offset + width)))
      offset += width
    }
    for segment in rawMatcher.split(input) {
      if let added = segment.added {
        tokens.append(addedToken(added, segment.text))
        continue
      }
      let normalized: [SourcedScalar]
      do {
        normalized = try normalizer?.apply(segment.text) ?? segment.text
      } catch .corrupt(let reason) {
        throw TokenizerError.malformedVocabulary(file: source, reason: reason)
      } catch {
        throw TokenizerError.malformedVocabulary(
          file: source,
          reason: "its normalizer makes this text longer than the limit of "
            + "\(Normalizer.maximumOutput) characters (4 times the longest text attnviz reads); "
            + "a Replace, a Prepend or a precompiled character map in it multiplies the text")
      }
      for part in normalizedMatcher.split(normalized) {
        if let added = part.added {
          tokens.append(addedToken(added, part.text))
        } else {
          tokens += try modelTokens(part.text)
        }
      }
    }
    // A text that normalising empties (private-use characters only, for BERT) still gets the
    // template's tokens, as in the tokenizers library: `[CLS] [SEP]`. A blank text is refused
    // before it gets here.
    guard addSpecialTokens,
      !tokens.isEmpty || !text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    else { return tokens }
    func templateToken(_ t: TemplateToken) -> Token {
      Token(display.text(ofAdded: t.content), id: t.id, isSpecial: true)
    }
    return postProcessor.prefix.map(templateToken) + tokens
      + postProcessor.suffix.map(templateToken)
  }

  func addedToken(_ added: AddedToken, _ text: [SourcedScalar]) -> Token {
    var range = sourceRange(text[...])
    if postProcessor.trimsOffsets, let full = range {
      var view = String.UnicodeScalarView()
      view.append(contentsOf: text.map(\.scalar))
      range = trimmedSpaces(full, String(view))
    }
    return Token(
      display.text(ofAdded: added.content), id: added.id, isSpecial: added.special,
      sourceRange: range)
  }

  func modelTokens(_ text: [SourcedScalar]) throws -> [Token] {
    let pieces: [[SourcedScalar]]
    do {
      pieces = try preTokenizer?.apply([text]) ?? [text]
    } catch {
      throw TokenizerError.malformedVocabulary(
        file: source,
        reason: "its split pattern takes too long on this text (more than "
          + "\(SplitRegex.stepBudget) steps per character); the pattern backtracks too much")
    }
    var tokens: [Token] = []
    for piece in pieces where !piece.isEmpty {
      for token in model.encode(piece.map(\.scalar)) {
        let raw = model.token(for: token.id) ?? ""
        var range = sourceRange(piece[token.scalars])
        if postProcessor.trimsOffsets, let full = range {
          range = trimmedSpaces(full, raw)
        }
        tokens.append(Token(display.text(ofModelToken: raw), id: token.id, sourceRange: range))
      }
    }
    return tokens
  }

  /// The range without the `Ġ` spaces a byte-level token starts and ends with.
  func trimmedSpaces(_ range: Range<Int>, _ raw: String) -> Range<Int> {
    let scalars = Array(raw.unicodeScalars)
    func isSpace(_ s: Unicode.Scalar) -> Bool { s == "Ġ" || s.properties.isWhitespace }
    let leading = scalars.prefix(while: isSpace).count
    let trailing = leading == scalars.count ? 0 : scalars.reversed().prefix(while: isSpace).count
    let lower = min(range.lowerBound + leading, range.upperBound)
    let upper = max(range.upperBound - trailing, lower)
    return lower..<upper
  }

  func sourceRange(_ items: ArraySlice<SourcedScalar>) -> Range<Int>? {
    guard let lower = items.map(\.source.lowerBound).min(),
      let upper = items.map(\.source.upperBound).max()
    else { return nil }
    return lower..<upper
  }
}
