/// Text a model writes, made safe for a terminal line by line: the line breaks and tabs stay
/// (an answer has paragraphs and code), every other character `sanitizeForTerminal` refuses
/// (escape sequences, carriage returns, bidi overrides) becomes U+FFFD.
public func safeStreamedText(_ text: String) -> String {
  text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
    line.split(separator: "\t", omittingEmptySubsequences: false).map {
      sanitizeForTerminal(String($0), asciiOnly: false)
    }.joined(separator: "\t")
  }.joined(separator: "\n")
}
