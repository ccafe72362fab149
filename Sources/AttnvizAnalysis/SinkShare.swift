import AttnvizMath

/// The share of attention that goes to "sink" keys (Xiao et al. 2023): for a decoder the first
/// token, for an encoder its special tokens ([CLS], [SEP]). Averaged over the queries that are
/// not sinks themselves (a decoder's first query can only see itself), or over all queries when
/// every token is a sink.
public func sinkShare(_ w: Matrix, sinkKeys: [Int]) -> Double {
  let keys = sinkKeys.filter { $0 >= 0 && $0 < w.columns }
  guard w.rows > 0, !keys.isEmpty else { return 0 }
  let sinkSet = Set(keys)
  let queries = (0..<w.rows).filter { !sinkSet.contains($0) }
  let rows = queries.isEmpty ? Array(0..<w.rows) : queries
  return mean(rows.map { i in keys.reduce(0) { $0 + w[i, $1] } })
}

/// Layers × heads sink shares and the mean of each layer.
public struct SinkTable: Sendable, Equatable {
  /// `shares[layer][head]`.
  public var shares: [[Double]]
  public var layerMeans: [Double]

  public init(layers: [[Matrix]], sinkKeys: [Int]) {
    shares = layers.map { heads in heads.map { sinkShare($0, sinkKeys: sinkKeys) } }
    layerMeans = shares.map(mean)
  }
}

/// Which keys are sinks: the first token for a causal model (or when there are no special
/// tokens), the special tokens for an encoder.
public func sinkKeys(roles: [TokenRole], causal: Bool) -> [Int] {
  guard !roles.isEmpty else { return [] }
  let special = roles.indices.filter { roles[$0] == .special }
  return causal || special.isEmpty ? [0] : special
}
