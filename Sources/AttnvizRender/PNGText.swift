/// Text chunks (iTXt, UTF-8, uncompressed) in an encoded PNG: how a figure carries the command
/// that made it. They are inserted just before IEND, so the image data is untouched and equal
/// inputs still give equal bytes.
public func addingTextChunks(_ png: [UInt8], _ entries: [(key: String, value: String)]) -> [UInt8] {
  guard png.count >= 12, entries.contains(where: { !$0.value.isEmpty }) else { return png }
  let end = png.count - 12  // IEND is the last chunk: length 0, type, CRC.
  var out = Array(png[..<end])
  for (key, value) in entries where !value.isEmpty {
    // iTXt: keyword NUL, compression flag 0, method 0, empty language NUL, empty
    // translated keyword NUL, then the UTF-8 text.
    let data = Array(key.utf8.prefix(79)) + [0, 0, 0, 0, 0] + Array(value.utf8)
    out += chunk(type: "iTXt", data: data)
  }
  out += png[end...]
  return out
}

/// The iTXt and tEXt chunks of a PNG, in file order; nil when `png` is not a PNG. Reads only
/// chunk headers and text, with every length checked against the file.
public func textChunks(of png: [UInt8]) -> [(key: String, value: String)]? {
  let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
  guard png.count >= 8, Array(png[0..<8]) == signature else { return nil }
  var entries: [(key: String, value: String)] = []
  var offset = 8
  while offset + 12 <= png.count {
    let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
    let start = offset + 8
    guard length <= png.count - start - 4 else { return entries }
    let data = Array(png[start..<start + length])
    if type == "iTXt" || type == "tEXt", let nul = data.firstIndex(of: 0) {
      let key = String(decoding: data[..<nul], as: UTF8.self)
      var rest = data[(nul + 1)...]
      if type == "iTXt" {
        // compression flag and method, then language and translated keyword, each NUL-ended.
        guard rest.count >= 2, rest[rest.startIndex] == 0 else {
          offset = start + length + 4
          continue
        }
        rest = rest.dropFirst(2)
        for _ in 0..<2 {
          guard let end = rest.firstIndex(of: 0) else { break }
          rest = rest[(end + 1)...]
        }
      }
      entries.append((key, String(decoding: rest, as: UTF8.self)))
    }
    if type == "IEND" { break }
    offset = start + length + 4
  }
  return entries
}

private func chunk(type: String, data: [UInt8]) -> [UInt8] {
  let count = UInt32(data.count)
  let length: [UInt8] = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: count >> $0) }
  let body = Array(type.utf8) + data
  let crc = crc32(body)
  return length + body + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> $0) }
}

/// The CRC-32 PNG chunks end with (ISO 3309, the polynomial zlib uses).
func crc32(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc = crc32Table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
  }
  return crc ^ 0xFFFF_FFFF
}

private let crc32Table: [UInt32] = (0..<256).map { n in
  var c = UInt32(n)
  for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
  return c
}
