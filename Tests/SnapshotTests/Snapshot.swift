import AttnvizRender
import Foundation
import Testing

/// Compares `actual` with the committed file `__Snapshots__/<name>` next to this file. With
/// `ATTNVIZ_RECORD=1` in the environment the file is (re)written instead and the test records an
/// issue, so a recording run never passes by accident: record, read the diff, commit.
func assertSnapshot(
  _ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let file = snapshotFolder.appendingPathComponent(name)
  if isRecording {
    try Data(actual.utf8).write(to: file)
    Issue.record(
      "recorded \(name); unset ATTNVIZ_RECORD and run again", sourceLocation: sourceLocation)
    return
  }
  guard let data = FileManager.default.contents(atPath: file.path) else {
    Issue.record(
      "no snapshot \(name); run with ATTNVIZ_RECORD=1 to record it", sourceLocation: sourceLocation)
    return
  }
  let expected = String(decoding: data, as: UTF8.self)
  guard actual != expected else { return }
  let message =
    "\(name) differs from the snapshot: \(firstDifference(expected, actual)); "
    + "if the change is intended, re-record with ATTNVIZ_RECORD=1"
  Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}

/// PNGs are compared by decoded pixels, not by compressed bytes (a zlib setting may change the
/// bytes of the same picture).
func assertPixelSnapshot(
  _ png: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let file = snapshotFolder.appendingPathComponent(name)
  if isRecording {
    try Data(png).write(to: file)
    Issue.record(
      "recorded \(name); unset ATTNVIZ_RECORD and run again", sourceLocation: sourceLocation)
    return
  }
  guard let data = FileManager.default.contents(atPath: file.path) else {
    Issue.record(
      "no snapshot \(name); run with ATTNVIZ_RECORD=1 to record it", sourceLocation: sourceLocation)
    return
  }
  let expected = try decodePNG(Array(data))
  let actual = try decodePNG(png)
  guard expected.width == actual.width, expected.height == actual.height else {
    Issue.record(
      "\(name): \(actual.width)×\(actual.height) pixels, snapshot \(expected.width)×\(expected.height)",
      sourceLocation: sourceLocation)
    return
  }
  guard let index = actual.rgba.indices.first(where: { expected.rgba[$0] != actual.rgba[$0] })
  else { return }
  let pixel = index / 4
  let (x, y) = (pixel % actual.width, pixel / actual.width)
  let differing = stride(from: 0, to: actual.rgba.count, by: 4).filter {
    expected.rgba[$0..<$0 + 4] != actual.rgba[$0..<$0 + 4]
  }.count
  let message =
    "\(name): \(differing) pixels differ, the first at (\(x), \(y)): \(actual.pixel(x: x, y: y)) "
    + "instead of \(expected.pixel(x: x, y: y)); re-record with ATTNVIZ_RECORD=1 if intended"
  Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}

let isRecording = ProcessInfo.processInfo.environment["ATTNVIZ_RECORD"] == "1"

let snapshotFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("__Snapshots__")

/// "line 3: expected `…`, got `…`".
func firstDifference(_ expected: String, _ actual: String) -> String {
  let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
  for (index, (a, b)) in zip(old, new).enumerated() where a != b {
    return "line \(index + 1): expected `\(a)`, got `\(b)`"
  }
  return "\(old.count) lines expected, \(new.count) got"
}
