/// A safetensors file that cannot be read, or a tensor in it that is not what the caller needs.
/// The message names the file, the tensor (when one is to blame) and what is wrong.
public struct SafeTensorsError: Error, Equatable, CustomStringConvertible {
  /// The path the file was opened from.
  public var file: String
  /// The tensor at fault, or nil for a problem with the file as a whole.
  public var tensor: String?
  /// What is wrong, as a phrase that reads after the file and tensor names.
  public var reason: String

  public init(file: String, tensor: String? = nil, reason: String) {
    self.file = file
    self.tensor = tensor
    self.reason = reason
  }

  public var description: String {
    if let tensor {
      return "safetensors file \(file): tensor \"\(tensor)\" \(reason)"
    }
    return "safetensors file \(file): \(reason)"
  }
}
