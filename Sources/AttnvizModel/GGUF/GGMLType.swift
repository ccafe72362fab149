/// A ggml tensor type as GGUF stores it (ggml.h `enum ggml_type`), with its block layout: `block`
/// elements are stored in `typeSize` bytes. Every type ggml defines is listed so that any valid
/// file can be validated; `isReadable` says which ones attnviz converts to Float32.
/// (Constants are named after the types without the underscore: `q41` is Q4_1, `q6K` Q6_K.)
public struct GGMLType: Sendable, Equatable, CustomStringConvertible {
  public let id: UInt32
  public let name: String
  /// Elements per block (1 for plain floats and integers).
  public let block: Int
  /// Bytes per block.
  public let typeSize: Int

  public var description: String { name }

  /// The types `GGUFFile.floats` converts, in the order error messages list them.
  public static let readable: [GGMLType] = [
    .f32, .f16, .bf16, .q80, .q40, .q41, .q50, .q51, .q2K, .q3K, .q4K, .q5K, .q6K, .iq4NL,
    .iq4XS,
  ]

  public var isReadable: Bool { Self.readable.contains(self) }

  /// The type with this id, or nil when ggml defines none.
  public static func withID(_ id: UInt32) -> GGMLType? { all.first { $0.id == id } }

  static let qk = 256  // QK_K: elements per super-block of the K-quants

  public static let f32 = GGMLType(id: 0, name: "F32", block: 1, typeSize: 4)
  public static let f16 = GGMLType(id: 1, name: "F16", block: 1, typeSize: 2)
  public static let q40 = GGMLType(id: 2, name: "Q4_0", block: 32, typeSize: 2 + 16)
  public static let q41 = GGMLType(id: 3, name: "Q4_1", block: 32, typeSize: 2 + 2 + 16)
  public static let q50 = GGMLType(id: 6, name: "Q5_0", block: 32, typeSize: 2 + 4 + 16)
  public static let q51 = GGMLType(id: 7, name: "Q5_1", block: 32, typeSize: 2 + 2 + 4 + 16)
  public static let q80 = GGMLType(id: 8, name: "Q8_0", block: 32, typeSize: 2 + 32)
  public static let q2K = GGMLType(
    id: 10, name: "Q2_K", block: qk, typeSize: 2 + 2 + qk / 16 + qk / 4)
  public static let q3K = GGMLType(
    id: 11, name: "Q3_K", block: qk, typeSize: 2 + qk / 4 + qk / 8 + 12)
  public static let iq4NL = GGMLType(id: 20, name: "IQ4_NL", block: 32, typeSize: 2 + 16)
  public static let iq4XS = GGMLType(
    id: 23, name: "IQ4_XS", block: qk, typeSize: 2 + 2 + qk / 2 + qk / 64)
  public static let q4K = GGMLType(
    id: 12, name: "Q4_K", block: qk, typeSize: 2 + 2 + qk / 2 + 12)
  public static let q5K = GGMLType(
    id: 13, name: "Q5_K", block: qk, typeSize: 2 + 2 + qk / 2 + qk / 8 + 12)
  public static let q6K = GGMLType(
    id: 14, name: "Q6_K", block: qk, typeSize: 2 + qk / 2 + qk / 4 + qk / 16)
  public static let bf16 = GGMLType(id: 30, name: "BF16", block: 1, typeSize: 2)

  /// gguf-py's `GGML_QUANT_SIZES`, which follows ggml's type traits.
  static let all: [GGMLType] = [
    f32, f16, q40, q41, q50, q51, q80,
    GGMLType(id: 9, name: "Q8_1", block: 32, typeSize: 4 + 4 + 32),
    q2K, q3K, q4K, q5K, q6K,
    GGMLType(id: 15, name: "Q8_K", block: qk, typeSize: 4 + qk + qk / 8),
    GGMLType(id: 16, name: "IQ2_XXS", block: qk, typeSize: 2 + qk / 4),
    GGMLType(id: 17, name: "IQ2_XS", block: qk, typeSize: 2 + qk / 4 + qk / 32),
    GGMLType(id: 18, name: "IQ3_XXS", block: qk, typeSize: 2 + qk / 4 + qk / 8),
    GGMLType(id: 19, name: "IQ1_S", block: qk, typeSize: 2 + qk / 8 + qk / 16),
    iq4NL,
    GGMLType(id: 21, name: "IQ3_S", block: qk, typeSize: 2 + qk / 4 + qk / 8 + qk / 32 + 4),
    GGMLType(id: 22, name: "IQ2_S", block: qk, typeSize: 2 + qk / 4 + qk / 16),
    iq4XS,
    GGMLType(id: 24, name: "I8", block: 1, typeSize: 1),
    GGMLType(id: 25, name: "I16", block: 1, typeSize: 2),
    GGMLType(id: 26, name: "I32", block: 1, typeSize: 4),
    GGMLType(id: 27, name: "I64", block: 1, typeSize: 8),
    GGMLType(id: 28, name: "F64", block: 1, typeSize: 8),
    GGMLType(id: 29, name: "IQ1_M", block: qk, typeSize: qk / 8 + qk / 16 + qk / 32),
    bf16,
    GGMLType(id: 34, name: "TQ1_0", block: qk, typeSize: 2 + 4 * 13),
    GGMLType(id: 35, name: "TQ2_0", block: qk, typeSize: 2 + 64),
    GGMLType(id: 39, name: "MXFP4", block: 32, typeSize: 1 + 16),
  ]
}
