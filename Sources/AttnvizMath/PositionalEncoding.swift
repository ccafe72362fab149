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

/// The sinusoid of Tensor2Tensor and Marian (`inits::sinusoidalPositionEmbeddings`): the sines in
/// the first half of the columns and the cosines in the second, with the frequencies spread so
/// that the last one is exactly 1/10000:
///
///     PE(pos, i)       = sin(pos · 10000^(−i / (d/2 − 1)))    i < d/2
///     PE(pos, d/2 + i) = cos(pos · 10000^(−i / (d/2 − 1)))
///
/// Rows are positions `start`, `start + 1`, …; `dimensions` must be even and at least 4.
public func halvesSinusoidalEncoding(start: Int, positions: Int, dimensions: Int) -> Matrix {
  var pe = Matrix(rows: positions, columns: dimensions)
  let half = dimensions / 2
  for row in 0..<positions {
    for i in 0..<half {
      let angle = Double(start + row) * pow(1e-4, Double(i) / Double(half - 1))
      pe[row, i] = sin(angle)
      pe[row, half + i] = cos(angle)
    }
  }
  return pe
}
