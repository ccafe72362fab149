/// The element types attnviz converts to floating point. A file may hold other types (BERT
/// checkpoints often carry an I64 `position_ids` buffer); those are validated and skipped, and
/// asking for their values is an error.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
  case f32 = "F32"
  case f16 = "F16"
  case bf16 = "BF16"

  public var byteSize: Int {
    switch self {
    case .f32: 4
    case .f16, .bf16: 2
    }
  }
}

/// Bytes per element of every dtype the safetensors format defines (huggingface/safetensors
/// `Dtype::size`), needed to validate a file's layout even for tensors attnviz never reads.
let safeTensorsElementSizes: [String: Int] = [
  "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
  "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
  "I32": 4, "U32": 4, "F32": 4,
  "I64": 8, "U64": 8, "F64": 8,
]

/// IEEE 754 binary16 → binary32, exactly (every half is representable as a float).
/// Written out rather than using `Float16`, which is not available on every platform Swift runs.
func floatFromHalf(_ bits: UInt16) -> Float {
  let sign = UInt32(bits & 0x8000) << 16
  let exponent = Int(bits >> 10) & 0x1F
  let fraction = UInt32(bits & 0x03FF)
  switch exponent {
  case 0:
    // Zero or subnormal: fraction · 2^-24, exact in a float.
    let magnitude = Float(fraction) * 0x1p-24
    return sign == 0 ? magnitude : -magnitude
  case 0x1F:
    // Infinity or NaN: keep the fraction bits so a NaN stays a NaN.
    return Float(bitPattern: sign | 0x7F80_0000 | (fraction << 13))
  default:
    // Re-bias the exponent from 15 to 127.
    return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (fraction << 13))
  }
}

/// bfloat16 is the upper half of a binary32: shift it back into place.
func floatFromBFloat16(_ bits: UInt16) -> Float {
  Float(bitPattern: UInt32(bits) << 16)
}
