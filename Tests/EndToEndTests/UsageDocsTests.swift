import Foundation
import Testing

/// docs/usage.md quotes real output: every `$ command` in an indented block whose output is
/// quoted is run (in a temporary folder, with the built binary first on PATH) and the quoted
/// lines must appear in what it prints, in order. A line "…" in the quote skips any output.
/// `cat FILE` of a file that does not exist yet creates it from the quote, so a block can show
/// a weights file and then use it.
@Suite struct UsageDocsTests {
  struct Example {
    var line: Int
    var command: String
    var expected: [String]
  }

  /// The examples of one indented block, in order.
  static func blocks(_ markdown: String) -> [[Example]] {
    let lines = markdown.components(separatedBy: "\n")
    var blocks: [[Example]] = []
    var index = 0
    while index < lines.count {
      let line = lines[index]
      let indent = line.prefix(while: { $0 == " " }).count
      guard indent >= 4, line.dropFirst(indent).hasPrefix("$ ") else { index += 1; continue }
      var examples: [Example] = []
      let pad = String(repeating: " ", count: indent)
      while index < lines.count, lines[index].hasPrefix(pad) || lines[index].isEmpty {
        let text = String(lines[index].dropFirst(min(indent, lines[index].count)))
        if text.hasPrefix("$ ") {
          examples.append(Example(line: index + 1, command: String(text.dropFirst(2)), expected: []))
        } else if let last = examples.last, last.expected.isEmpty, last.command.hasSuffix("\\") {
          // A command continued on the next line.
          examples[examples.count - 1].command = String(last.command.dropLast()) + " "
            + text.trimmingCharacters(in: .whitespaces)
        } else if !examples.isEmpty {
          examples[examples.count - 1].expected.append(text)
        }
        index += 1
      }
      for i in examples.indices {
        while examples[i].expected.last?.isEmpty == true { examples[i].expected.removeLast() }
      }
      blocks.append(examples)
    }
    return blocks
  }

  /// The command without its trailing `# comment`.
  static func shellCommand(_ command: String) -> String {
    var inQuote: Character?
    for (offset, character) in command.enumerated() {
      if let quote = inQuote {
        if character == quote { inQuote = nil }
      } else if character == "'" || character == "\"" {
        inQuote = character
      } else if character == "#", offset > 0, command[command.index(command.startIndex, offsetBy: offset - 1)] == " " {
        return String(command.prefix(offset)).trimmingCharacters(in: .whitespaces)
      }
    }
    return command
  }

  /// Whether `output` holds the quoted segments (split at "…" lines) in order.
  static func matches(_ expected: [String], _ output: String) -> Bool {
    var rest = Substring(output)
    var segment: [String] = []
    func take() -> Bool {
      defer { segment = [] }
      guard !segment.isEmpty else { return true }
      guard let range = rest.range(of: segment.joined(separator: "\n")) else { return false }
      rest = rest[range.upperBound...]
      return true
    }
    for line in expected {
      if line.trimmingCharacters(in: .whitespaces) == "…" {
        guard take() else { return false }
      } else {
        segment.append(line)
      }
    }
    return take()
  }

  static func tool(_ name: String) -> Bool {
    ["/usr/bin/", "/bin/", "/usr/local/bin/"].contains {
      FileManager.default.isExecutableFile(atPath: $0 + name)
    }
  }

  @Test func quotedOutputIsWhatTheBinaryPrints() throws {
    let root = Binary.packageRoot
    let docs = try String(contentsOf: root.appendingPathComponent("docs/usage.md"), encoding: .utf8)
    let hasModel = FileManager.default.fileExists(
      atPath: root.appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors").path)
    let hasSmolLM2 = FileManager.default.fileExists(
      atPath: root.appendingPathComponent("models/SmolLM2-135M-Instruct").path)
    var checked = 0
    for block in Self.blocks(docs) {
      let folder = try temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      try FileManager.default.createDirectory(
        at: folder.appendingPathComponent("docs"), withIntermediateDirectories: true)
      try FileManager.default.copyItem(
        at: root.appendingPathComponent("docs/examples"),
        to: folder.appendingPathComponent("docs/examples"))
      // Examples that read the gallery's inputs (samples/lecture.toml) find them.
      try FileManager.default.createSymbolicLink(
        at: folder.appendingPathComponent("samples"), withDestinationURL: root.appendingPathComponent("samples"))
      for example in block {
        let command = Self.shellCommand(example.command)
        let words = command.split(separator: " ").map(String.init)
        guard let first = words.first, ["attnviz", "echo", "cat", "ls", "head"].contains(first)
        else { continue }
        if command.contains("--model") && !hasModel { continue }
        // Examples of where models live on the reader's machine (an Ollama store, the list of
        // installed models with its paths) cannot be run here.
        if command.contains("ollama:") || words.dropFirst().first == "models" { continue }
        if command.contains("SmolLM2") && !hasSmolLM2 { continue }
        // An example on a text of the reader's own (`--file long.txt`) has no input here.
        if let i = words.firstIndex(of: "--file"), i + 1 < words.count,
          !FileManager.default.fileExists(atPath: folder.appendingPathComponent(words[i + 1]).path)
        {
          continue
        }
        if command.contains("| jq") && !Self.tool("jq") { continue }
        if first == "cat", words.count == 2,
          !FileManager.default.fileExists(atPath: folder.appendingPathComponent(words[1]).path)
        {
          try Data((example.expected.joined(separator: "\n") + "\n").utf8)
            .write(to: folder.appendingPathComponent(words[1]))
          continue
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = Binary.url.deletingLastPathComponent().path + ":/usr/bin:/bin"
        environment["COLUMNS"] = nil
        environment["NO_COLOR"] = nil
        environment["ATTNVIZ_MODELS"] = root.appendingPathComponent("models").path
        let run = try runProcess(
          URL(fileURLWithPath: "/bin/sh"), ["-c", command], environment: environment, in: folder)
        guard !example.expected.isEmpty else { continue }
        checked += 1
        // CSV ends lines with CRLF; the quote shows them as lines.
        let output = (run.stdout + run.stderr).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(
          Self.matches(example.expected, output),
          "docs/usage.md:\(example.line): $ \(command)\n--- quoted:\n\(example.expected.joined(separator: "\n"))\n--- printed:\n\(output)")
      }
    }
    #expect(checked >= 15, "only \(checked) quoted outputs found")
  }
}
