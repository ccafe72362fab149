/// `--chat`: the text is a user's message, put into the model's chat template with the
/// assistant's turn opened, as transformers' `apply_chat_template(…, add_generation_prompt=True)`.
public struct ChatOptions: Equatable, Sendable {
  /// `--system TEXT`: a system message before the user's.
  public var system: String?
  /// `--chat-template FAMILY`: the family to render, instead of the one recognised in the
  /// model's template.
  public var family: ChatFamily?

  public init(system: String? = nil, family: ChatFamily? = nil) {
    self.system = system
    self.family = family
  }
}
