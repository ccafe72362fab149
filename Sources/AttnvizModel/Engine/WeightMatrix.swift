/// A weight matrix's Float32 values, row-major: either read straight from a memory-mapped F32
/// checkpoint (no copy: the pages are touched once, by the product that uses them), left in a
/// GGUF file's block format and converted a row at a time by the product (`QuantizedRows`), or
/// held in an array (converted from F16/BF16, transposed, or split). @unchecked Sendable: the
/// values never change, and `owner` keeps the mapping alive as long as the view.
public struct WeightMatrix: @unchecked Sendable {
  private let mapped: UnsafeBufferPointer<Float>?
  private let owner: AnyObject?
  private let array: [Float]
  /// The rows in their stored format, when the matrix is kept that way.
  let quantized: QuantizedRows?

  public init(_ values: [Float]) {
    (mapped, owner, array, quantized) = (nil, nil, values, nil)
  }

  public init(mapped values: UnsafeBufferPointer<Float>, owner: AnyObject) {
    (mapped, self.owner, array, quantized) = (values, owner, [], nil)
  }

  init(quantized rows: QuantizedRows, owner: AnyObject) {
    (mapped, self.owner, array, quantized) = (nil, owner, [], rows)
  }

  public var count: Int { quantized.map { $0.rows * $0.columns } ?? mapped?.count ?? array.count }

  /// The values as one Float32 buffer; a matrix kept in its stored format is converted whole
  /// for the call (explain's steps, the contribution norms), which `linear` never needs.
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    if let mapped { return try body(mapped) }
    if let quantized { return try quantized.floats().withUnsafeBufferPointer(body) }
    return try array.withUnsafeBufferPointer(body)
  }

  /// A copy as an array (for the explain steps of one layer).
  public var values: [Float] { mapped.map(Array.init) ?? quantized?.floats() ?? array }

  /// The same values held as a Float32 array (many passes over one model: the conversion is
  /// paid once); a view of Float32 values stays a view.
  var materialized: WeightMatrix { quantized == nil ? self : WeightMatrix(values) }
}
