/// A GGUF file that cannot be read, or a tensor or metadata key in it that is not what the caller
/// needs. The message names the file, the tensor or key at fault (when there is one) and what is
/// wrong, like `SafeTensorsError`.
public struct GGUFError: Error, Equatable, CustomStringConvertible {
  /// The path the file was opened from (or the name given to an in-memory buffer).
  public var file: String
  /// The tensor or metadata key at fault, or nil for a problem with the file as a whole.
  public var subject: String?
  /// What is wrong, as a phrase that reads after the file and subject.
  public var reason: String

  public init(file: String, subject: String? = nil, reason: String) {
    self.file = file
    self.subject = subject
    self.reason = reason
  }

  public var description: String {
    if let subject {
      return "GGUF file \(file): \(subject) \(reason)"
    }
    return "GGUF file \(file): \(reason)"
  }
}
