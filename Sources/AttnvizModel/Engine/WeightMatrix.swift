/// A weight matrix's Float32 values, row-major: either read straight from a memory-mapped F32
/// checkpoint (no copy: the pages are touched once, by the product that uses them) or held in an
/// array (converted from F16/BF16, transposed, or split). @unchecked Sendable: the values never
/// change, and `owner` keeps the mapping alive as long as the view.
public struct WeightMatrix: @unchecked Sendable {
  private let mapped: UnsafeBufferPointer<Float>?
  private let owner: AnyObject?
  private let array: [Float]

  public init(_ values: [Float]) {
    (mapped, owner, array) = (nil, nil, values)
  }

  public init(mapped values: UnsafeBufferPointer<Float>, owner: AnyObject) {
    (mapped, self.owner, array) = (values, owner, [])
  }

  public var count: Int { mapped?.count ?? array.count }

  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    if let mapped { return try body(mapped) }
    return try array.withUnsafeBufferPointer(body)
  }

  /// A copy as an array (for the explain steps of one layer).
  public var values: [Float] { mapped.map(Array.init) ?? array }
}
