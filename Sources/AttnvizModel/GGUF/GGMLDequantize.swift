/// ggml's block formats converted to Float32, element for element as ggml-quants.c
/// (`dequantize_row_q4_0` … `dequantize_row_q6_K`) and gguf-py's `quants.py` compute them: the
/// same products in the same order, so the floats are bit-identical to `gguf.quants.dequantize`.
///
/// Each function converts `blocks` consecutive blocks starting at `source` into
/// `blocks × type.block` floats at `target`. Multi-byte fields are little-endian and unaligned.
/// The types the common files use (Q8_0, Q4_1, Q5_0, Q4_K, Q6_K) convert 16 or 32 elements at a
/// time in SIMD lanes: each lane does the scalar formula's operations in its order (a multiply,
/// then an add, never fused), so the floats are the same bits.
enum GGMLDequantize {
  static func run(
    _ type: GGMLType, source: UnsafeRawPointer, blocks: Int, target: UnsafeMutablePointer<Float>
  ) {
    switch type.id {
    case GGMLType.f32.id:
      for i in 0..<blocks { target[i] = Float(bitPattern: u32(source, 4 * i)) }
    case GGMLType.f16.id:
      for i in 0..<blocks { target[i] = floatFromHalf(u16(source, 2 * i)) }
    case GGMLType.bf16.id:
      for i in 0..<blocks { target[i] = floatFromBFloat16(u16(source, 2 * i)) }
    case GGMLType.q80.id: each(type, source, blocks, target, q80)
    case GGMLType.q40.id: each(type, source, blocks, target, q40)
    case GGMLType.q41.id: each(type, source, blocks, target, q41)
    case GGMLType.q50.id: each(type, source, blocks, target, q50)
    case GGMLType.q51.id: each(type, source, blocks, target, q51)
    case GGMLType.q4K.id: each(type, source, blocks, target, q4K)
    case GGMLType.q5K.id: each(type, source, blocks, target, q5K)
    case GGMLType.q6K.id: each(type, source, blocks, target, q6K)
    case GGMLType.q2K.id: each(type, source, blocks, target, q2K)
    case GGMLType.q3K.id: each(type, source, blocks, target, q3K)
    case GGMLType.iq4NL.id: each(type, source, blocks, target, iq4NL)
    case GGMLType.iq4XS.id: each(type, source, blocks, target, iq4XS)
    default: preconditionFailure("\(type.name) has no dequantiser; check isReadable first")
    }
  }

  @inline(__always) private static func each(
    _ type: GGMLType, _ source: UnsafeRawPointer, _ blocks: Int,
    _ target: UnsafeMutablePointer<Float>,
    _ block: (UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void
  ) {
    for b in 0..<blocks { block(source + b * type.typeSize, target + b * type.block) }
  }

  @inline(__always) static func u16(_ x: UnsafeRawPointer, _ offset: Int) -> UInt16 {
    UInt16(littleEndian: x.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
  }

  @inline(__always) static func u32(_ x: UnsafeRawPointer, _ offset: Int) -> UInt32 {
    UInt32(littleEndian: x.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
  }

  @inline(__always) static func half(_ x: UnsafeRawPointer, _ offset: Int) -> Float {
    floatFromHalf(u16(x, offset))
  }

  @inline(__always) static func byte(_ x: UnsafeRawPointer, _ offset: Int) -> UInt8 {
    x.load(fromByteOffset: offset, as: UInt8.self)
  }

  /// block_q8_0 { half d; int8 qs[32]; }: y = qs·d
  static func q80(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    for half in 0..<2 {
      let q = x.loadUnaligned(fromByteOffset: 2 + 16 * half, as: SIMD16<Int8>.self)
      store(floats(SIMD16<Int32>(truncatingIfNeeded: q)) * d, y + 16 * half)
    }
  }

  /// 16 bytes at `offset` as 32-bit lanes. (Sixteen lanes: the compiler turns SIMD16
  /// conversions into a few vector instructions, SIMD32 ones into slow scalar code.)
  @inline(__always) static func lanes(_ x: UnsafeRawPointer, _ offset: Int) -> SIMD16<Int32> {
    SIMD16<Int32>(
      truncatingIfNeeded: x.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self))
  }

  @inline(__always) static func floats(_ v: SIMD16<Int32>) -> SIMD16<Float> { SIMD16<Float>(v) }

  @inline(__always) static func store(_ v: SIMD16<Float>, _ y: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(y).storeBytes(of: v, as: SIMD16<Float>.self)
  }

  /// Lane j holds j.
  static let lanes16 = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

  /// block_q4_0 { half d; uint8 qs[16]; }: low nibbles are elements 0…15, high ones 16…31,
  /// y = (q − 8)·d
  static func q40(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    for j in 0..<16 {
      let q = byte(x, 2 + j)
      y[j] = Float(Int(q & 0x0F) - 8) * d
      y[j + 16] = Float(Int(q >> 4) - 8) * d
    }
  }

  /// block_q4_1 { half d; half m; uint8 qs[16]; }: y = q·d + m
  static func q41(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    let m = half(x, 2)
    let q = SIMD16<Int32>(
      truncatingIfNeeded: x.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self))
    store(floats(q & 0x0F) * d + m, y)
    store(floats(q &>> 4) * d + m, y + 16)
  }

  /// block_q5_0 { half d; uint8 qh[4]; uint8 qs[16]; }: bit j of qh is the fifth bit of element
  /// j, y = (q − 16)·d
  static func q50(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    let qh = SIMD16<UInt32>(repeating: u32(x, 2))
    let q = SIMD16<UInt32>(
      truncatingIfNeeded: x.loadUnaligned(fromByteOffset: 6, as: SIMD16<UInt8>.self))
    let high0 = ((qh &>> lanes16) &<< 4) & 0x10
    let high1 = (qh &>> (lanes16 &+ 12)) & 0x10
    let low = SIMD16<Int32>(truncatingIfNeeded: (q & 0x0F) | high0) &- 16
    let top = SIMD16<Int32>(truncatingIfNeeded: (q &>> 4) | high1) &- 16
    store(floats(low) * d, y)
    store(floats(top) * d, y + 16)
  }

  /// block_q5_1 { half d; half m; uint8 qh[4]; uint8 qs[16]; }: y = q·d + m
  static func q51(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    let m = half(x, 2)
    let qh = u32(x, 4)
    for j in 0..<16 {
      let q = byte(x, 8 + j)
      let high0 = UInt8(truncatingIfNeeded: (qh >> UInt32(j)) << 4) & 0x10
      let high1 = UInt8(truncatingIfNeeded: qh >> UInt32(j + 12)) & 0x10
      y[j] = Float((q & 0x0F) | high0) * d + m
      y[j + 16] = Float((q >> 4) | high1) * d + m
    }
  }

  /// `get_scale_min_k4`: the 6-bit scale and min of sub-block j (0…7) packed in 12 bytes.
  @inline(__always) static func scaleMin(_ j: Int, _ s: UnsafeRawPointer) -> (Float, Float) {
    if j < 4 {
      return (Float(byte(s, j) & 63), Float(byte(s, j + 4) & 63))
    }
    let scale = (byte(s, j + 4) & 0x0F) | ((byte(s, j - 4) >> 6) << 4)
    let min = (byte(s, j + 4) >> 4) | ((byte(s, j) >> 6) << 4)
    return (Float(scale), Float(min))
  }

  /// block_q4_K { half d; half dmin; uint8 scales[12]; uint8 qs[128]; }: 8 sub-blocks of 32,
  /// y = (d·scale)·q − dmin·min
  static func q4K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    let dmin = half(x, 2)
    let scales = x + 4
    for group in 0..<4 {
      let (sc1, m1) = scaleMin(2 * group, scales)
      let (sc2, m2) = scaleMin(2 * group + 1, scales)
      let d1 = d * sc1
      let min1 = dmin * m1
      let d2 = d * sc2
      let min2 = dmin * m2
      let out = y + 64 * group
      for part in 0..<2 {
        let q = lanes(x, 16 + 32 * group + 16 * part)
        store(d1 * floats(q & 0x0F) - min1, out + 16 * part)
        store(d2 * floats(q &>> 4) - min2, out + 32 + 16 * part)
      }
    }
  }

  /// block_q5_K { half d; half dmin; uint8 scales[12]; uint8 qh[32]; uint8 qs[128]; }: as Q4_K
  /// with a fifth bit from qh (bits 2g and 2g+1 for group g)
  static func q5K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    let dmin = half(x, 2)
    let scales = x + 4
    let qh = x + 16
    for group in 0..<4 {
      let (sc1, m1) = scaleMin(2 * group, scales)
      let (sc2, m2) = scaleMin(2 * group + 1, scales)
      let d1 = d * sc1
      let min1 = dmin * m1
      let d2 = d * sc2
      let min2 = dmin * m2
      let ql = x + 48 + 32 * group
      let u1 = UInt8(1) << (2 * group)
      let u2 = UInt8(2) << (2 * group)
      let out = y + 64 * group
      for l in 0..<32 {
        let low = byte(ql, l)
        let high = byte(qh, l)
        out[l] = d1 * Float((low & 0x0F) + (high & u1 != 0 ? 16 : 0)) - min1
        out[l + 32] = d2 * Float((low >> 4) + (high & u2 != 0 ? 16 : 0)) - min2
      }
    }
  }

  /// block_q6_K { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; half d; }: 16 sub-blocks of 16,
  /// y = (d·scale)·(q − 32)
  static func q6K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 208)
    // Lanes l = 16·part + i use sub-block scale s = part (l / 16 in the scalar formula).
    for half in 0..<2 {
      let sc = x + 192 + 8 * half
      let out = y + 128 * half
      for part in 0..<2 {
        let ql0 = lanes(x, 64 * half + 16 * part)
        let ql1 = lanes(x, 64 * half + 32 + 16 * part)
        let high = lanes(x, 128 + 32 * half + 16 * part)
        let q1 = ((ql0 & 0x0F) | ((high & 3) &<< 4)) &- 32
        let q2 = ((ql1 & 0x0F) | (((high &>> 2) & 3) &<< 4)) &- 32
        let q3 = ((ql0 &>> 4) | (((high &>> 4) & 3) &<< 4)) &- 32
        let q4 = ((ql1 &>> 4) | (((high &>> 6) & 3) &<< 4)) &- 32
        let o = out + 16 * part
        store(d * scale(sc, part) * floats(q1), o)
        store(d * scale(sc, part + 2) * floats(q2), o + 32)
        store(d * scale(sc, part + 4) * floats(q3), o + 64)
        store(d * scale(sc, part + 6) * floats(q4), o + 96)
      }
    }
  }

  @inline(__always) static func scale(_ sc: UnsafeRawPointer, _ index: Int) -> Float {
    Float(Int8(bitPattern: byte(sc, index)))
  }

  /// block_q2_K { uint8 scales[16]; uint8 qs[64]; half d; half dmin; }: 16 sub-blocks of 16,
  /// 2-bit values four to a byte (element 128·h + 32·k + l is bits 2k of qs[32·h + l]),
  /// y = (d·(scale & 15))·q − dmin·(scale >> 4)
  static func q2K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 80)
    let dmin = half(x, 82)
    for e in 0..<256 {
      let (h, k, l) = (e / 128, (e / 32) % 4, e % 32)
      let sc = byte(x, e / 16)
      let dl = d * Float(sc & 0x0F)
      let ml = dmin * Float(sc >> 4)
      let q = Float((byte(x, 16 + 32 * h + l) >> (2 * k)) & 3)
      y[e] = dl * q - ml
    }
  }

  /// block_q3_K { uint8 hmask[32]; uint8 qs[64]; uint8 scales[12]; half d; }: 16 sub-blocks of
  /// 16 with 6-bit signed scales; q = low two bits − 4 where the hmask bit is clear,
  /// y = (d·(scale − 32))·q
  static func q3K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 108)
    let scales = x + 96
    var dl = [Float](repeating: 0, count: 16)
    for j in 0..<16 {
      let low = (byte(scales, j % 8) >> (4 * UInt8(j / 8))) & 0x0F
      let high = (byte(scales, 8 + j % 4) >> (2 * UInt8(j / 4))) & 0x03
      dl[j] = d * Float(Int8(bitPattern: low | (high << 4)) &- 32)
    }
    for e in 0..<256 {
      let (h, k, l) = (e / 128, (e / 32) % 4, e % 32)
      let low = Int8((byte(x, 32 + 32 * h + l) >> (2 * k)) & 3)
      let mask = (byte(x, l) >> UInt8(e / 32)) & 1
      y[e] = dl[e / 16] * Float(low - (mask == 0 ? 4 : 0))
    }
  }

  /// IQ4_NL's 16 non-linear levels (`kvalues_iq4nl`).
  static let iq4Levels: [Float] = [
    -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113,
  ]

  /// block_iq4_nl { half d; uint8 qs[16]; }: y = d·level[nibble]; low nibbles are elements
  /// 0…15, high ones 16…31
  static func iq4NL(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    for l in 0..<16 {
      let value = byte(x, 2 + l)
      y[l] = d * iq4Levels[Int(value & 0x0F)]
      y[l + 16] = d * iq4Levels[Int(value >> 4)]
    }
  }

  /// block_iq4_xs { half d; uint16 scales_h; uint8 scales_l[4]; uint8 qs[128]; }: 8 sub-blocks
  /// of 32 as IQ4_NL, each with a 6-bit scale (4 low bits in scales_l, 2 high in scales_h),
  /// y = (d·(scale − 32))·level[nibble]
  static func iq4XS(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    let high = u16(x, 2)
    for j in 0..<8 {
      let low = (byte(x, 4 + j / 2) >> (4 * UInt8(j % 2))) & 0x0F
      let top = UInt8((high >> (2 * UInt16(j))) & 3)
      let dl = d * Float(Int8(bitPattern: low | (top << 4)) &- 32)
      for l in 0..<16 {
        let value = byte(x, 8 + 16 * j + l)
        y[32 * j + l] = dl * iq4Levels[Int(value & 0x0F)]
        y[32 * j + l + 16] = dl * iq4Levels[Int(value >> 4)]
      }
    }
  }
}
