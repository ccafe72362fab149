/// A checkpoint format attnviz reads, as its errors name it.
public protocol CheckpointFormat: Sendable {
  /// "safetensors file", "GGUF file": what the message calls the file.
  static var fileName: String { get }
}

public enum SafeTensorsFormat: CheckpointFormat {
  public static let fileName = "safetensors file"
}

public enum GGUFFormat: CheckpointFormat {
  public static let fileName = "GGUF file"
}

/// A checkpoint file that cannot be read, or a tensor or metadata key in it that is not what the
/// caller needs: one error for every format (`SafeTensorsError`, `GGUFError`). The message names
/// the file, the tensor or key at fault (when there is one) and what is wrong:
/// `safetensors file m.safetensors: tensor "a.weight" has shape [2] …`.
public struct CheckpointFormatError<Format: CheckpointFormat>: Error, Equatable, Sendable,
  CustomStringConvertible
{
  /// The path the file was opened from (or the name given to an in-memory buffer).
  public var file: String
  /// The tensor at fault, when one is.
  public var tensor: String?
  /// The part at fault as a phrase (`key "llama.block_count"`), when it is not a tensor.
  public var subject: String?
  /// What is wrong, as a phrase that reads after the file and the part at fault.
  public var reason: String

  public init(file: String, subject: String? = nil, reason: String) {
    self.file = file
    self.subject = subject
    self.reason = reason
  }

  public init(file: String, tensor: String?, reason: String) {
    self.file = file
    self.tensor = tensor
    self.reason = reason
  }

  public var description: String {
    let part = subject ?? tensor.map { "tensor \"\($0)\"" }
    return "\(Format.fileName) \(file): " + (part.map { "\($0) " } ?? "") + reason
  }
}

public typealias SafeTensorsError = CheckpointFormatError<SafeTensorsFormat>
public typealias GGUFError = CheckpointFormatError<GGUFFormat>
