/// A text chunk of a PNG: how a figure carries the command that made it. `encodePNG` writes each
/// through libpng as an uncompressed iTXt chunk (UTF-8) after the image data, just before IEND,
/// so the image data is untouched and equal inputs still give equal bytes. Keys are cut to the
/// 79 bytes PNG allows; an empty value writes no chunk.
public struct PNGTextEntry: Equatable, Sendable {
  public var key: String
  public var value: String

  public init(key: String, value: String) {
    self.key = String(decoding: key.utf8.prefix(79), as: UTF8.self)
    self.value = value
  }
}

/// The largest text chunk `textChunks` reads: a recorded command holds at most the 1 MiB text,
/// escaped; a larger chunk is skipped unread, so a crafted figure cannot make `attnviz info`
/// decode hundreds of megabytes.
public let maximumTextChunk = 8 << 20

/// The iTXt and tEXt chunks of a PNG of at most `maximumTextChunk` bytes each, in file order;
/// nil when `png` is not a PNG. Reads only chunk headers and text (image data is never copied),
/// with every length checked against the file.
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
    let isText = (type == "iTXt" || type == "tEXt") && length <= maximumTextChunk
    let data = isText ? png[start..<start + length] : []
    if isText, let nul = data.firstIndex(of: 0) {
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
