#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The sinusoidal positional encoding of "Attention Is All You Need" (Vaswani et al. 2017, §3.5):
///
///     PE(pos, 2i)   = sin(pos / 10000^(2i / d_model))
///     PE(pos, 2i+1) = cos(pos / 10000^(2i / d_model))
///
/// with positions counted from 0. Returns a positions×dimensions matrix. For an odd
/// `dimensions` the last column is the sine of its pair.
public func sinusoidalPositionalEncoding(positions: Int, dimensions: Int) -> Matrix {
  var pe = Matrix(rows: positions, columns: dimensions)
  for pos in 0..<positions {
    for column in 0..<dimensions {
      let twoI = Double(column - column % 2)
      let angle = Double(pos) / pow(10000, twoI / Double(dimensions))
      pe[pos, column] = column % 2 == 0 ? sin(angle) : cos(angle)
    }
  }
  return pe
}
