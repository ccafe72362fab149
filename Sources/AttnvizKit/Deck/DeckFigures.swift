import AttnvizFiles
import Foundation

/// The files one entry made, renamed `NN-name` in deck order (sorted by name within an entry),
/// each read back bounded (`FileLimits.figureFile`).
public func collectFigure(_ entry: DeckEntry, folder: String, numberWidth: Int) throws
  -> DeckFigure
{
  let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
  var files: [OutputFile] = []
  for name in names.sorted() where !name.hasPrefix(".") {
    let path = (folder as NSString).appendingPathComponent(name)
    // Bounded like any file attnviz reads (AttnvizFiles): the entry wrote it, but a file
    // swapped for a FIFO or grown past the limit is refused, not read without end.
    let data: [UInt8]
    do {
      data = try BoundedFile.read(path, what: name, limit: FileLimits.figureFile)
    } catch let error as FileReadError {
      throw AttnvizError.failure("cannot read back \(name) of \(entry.label): \(error.reason)")
    }
    let number =
      String(repeating: "0", count: max(0, numberWidth - String(entry.number).count))
      + String(entry.number)
    files.append(OutputFile(name: "\(number)-\(name)", contents: data))
  }
  guard !files.isEmpty else {
    throw AttnvizError.failure("\(entry.label) made no file; give it a view that draws a figure")
  }
  return DeckFigure(entry: entry, files: files)
}
