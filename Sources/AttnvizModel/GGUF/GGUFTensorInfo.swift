/// One tensor as a GGUF header describes it.
public struct GGUFTensorInfo: Sendable, Equatable {
  public var name: String
  /// ggml's dimensions, innermost (contiguous) first: a PyTorch (out, in) weight is [in, out].
  public var dimensions: [Int]
  public var type: GGMLType
  /// Relative to the start of the data section; a multiple of the file's alignment.
  public var offset: Int
  /// dimensions.product / block × typeSize.
  public var byteCount: Int
  public var elementCount: Int

  /// The shape in row-major order, outermost first, as numpy and PyTorch write it: [out, in].
  public var shape: [Int] { dimensions.reversed() }

  /// Elements in one row (ggml's ne[0]); rows are what the dequantisers convert.
  public var rowLength: Int { dimensions.first ?? 1 }

  public var rowCount: Int { rowLength == 0 ? 0 : elementCount / rowLength }
}
