import AttnvizFiles
import Foundation

/// A Hugging Face checkpoint in safetensors files: `model.safetensors`, or shards
/// `model-0000N-of-0000M.safetensors` listed by `model.safetensors.index.json`. Each file stays
/// memory-mapped; tensors are converted to Float32 (from F32, F16 or BF16) when asked for.
public struct SafeTensorsCheckpoint: TensorSource {
  /// The file each tensor lives in.
  let files: [String: SafeTensorsFile]
  public let names: [String]

  /// Opens the checkpoint in `folder`: the index and its shards when the index is there, else
  /// `model.safetensors`.
  public init(folder: String) throws {
    let url = URL(fileURLWithPath: folder)
    let index = url.appendingPathComponent("model.safetensors.index.json").path
    if FileManager.default.fileExists(atPath: index) {
      try self.init(index: index, folder: url)
    } else {
      let file = try SafeTensorsFile(path: url.appendingPathComponent("model.safetensors").path)
      try self.init(files: [file])
    }
  }

  /// One checkpoint from several files; a tensor name in two files is an error.
  init(files list: [SafeTensorsFile]) throws {
    var files: [String: SafeTensorsFile] = [:]
    for file in list {
      for name in file.tensorNames {
        if let other = files[name] {
          throw SafeTensorsError(
            file: file.path, tensor: name,
            reason: "is also in \(other.path); shards must not overlap")
        }
        files[name] = file
      }
    }
    self.files = files
    names = files.keys.sorted()
  }

  private init(index: String, folder: URL) throws {
    func fail(_ reason: String) -> ModelError { .badModel(path: index, reason: reason) }
    // Bounded, structure-checked read (ConfigJSON): no FIFO, no 3 GiB index, no repeated keys.
    let root = try readConfigObject(index)
    guard let map = root["weight_map"]?.object else {
      throw fail("is not a JSON object with a \"weight_map\" from tensor names to shard files")
    }
    var shardNames: Set<String> = []
    for member in map {
      // A shard is a file beside the index: no folders, so the index cannot point elsewhere.
      guard let shard = member.value.string, !shard.isEmpty, !shard.contains("/"),
        shard != ".", shard != ".."
      else {
        throw fail(
          "maps \"\(member.key)\" to \(member.value.messageText), not a file name beside the index")
      }
      shardNames.insert(shard)
    }
    guard !shardNames.isEmpty else { throw fail("lists no shards") }
    var files: [SafeTensorsFile] = []
    for shard in shardNames.sorted() {
      let path = folder.appendingPathComponent(shard).path
      guard FileManager.default.fileExists(atPath: path) else {
        throw fail("lists the shard \(shard), which is not in the folder")
      }
      files.append(try SafeTensorsFile(path: path))
    }
    try self.init(files: files)
    for member in map
    where (self.files[member.key]?.path as String?).map({
      URL(fileURLWithPath: $0).lastPathComponent
    }) != member.value.string {
      throw fail(
        "says \"\(member.key)\" is in \(member.value.messageText), but that shard does not hold it")
    }
  }

  public func shape(_ name: String) -> [Int]? { files[name]?.shape(of: name) }

  /// The files' sizes together and the SHA-256 of their headers, in file-name order.
  public var fingerprint: CheckpointFingerprint? {
    let distinct = Dictionary(files.values.map { ($0.path, $0) }) { first, _ in first }
    let parts = distinct.keys.sorted().compactMap { distinct[$0]?.sizeAndHeader }
    return CheckpointFingerprint(
      bytes: parts.reduce(0) { $0 + $1.size }, files: parts.count, scope: .header,
      hashing: parts.flatMap(\.header))
  }

  public func float32(_ name: String) throws -> [Float] {
    guard let file = files[name] else {
      throw SafeTensorsError(file: "checkpoint", tensor: name, reason: "is not in any shard")
    }
    return try file.floats(name)
  }

  public func checkConvertible(_ name: String) throws {
    let dtype = files[name]?.dtypeName(of: name) ?? "?"
    guard SafeTensorsDType(rawValue: dtype) != nil else {
      throw SafeTensorsError(
        file: files[name]?.path ?? "checkpoint", tensor: name,
        reason: "has dtype \(dtype); attnviz reads only F32, F16 and BF16 tensors")
    }
  }

  public func matrix(_ name: String) throws -> WeightMatrix {
    guard let file = files[name] else {
      throw SafeTensorsError(file: "checkpoint", tensor: name, reason: "is not in any shard")
    }
    if let mapped = file.mappedFloats(name) { return WeightMatrix(mapped: mapped, owner: file) }
    return WeightMatrix(try file.floats(name))
  }

  public func float32Rows(_ name: String, rows: [Int]) throws -> [Float] {
    guard let file = files[name] else {
      throw SafeTensorsError(file: "checkpoint", tensor: name, reason: "is not in any shard")
    }
    return try file.floatRows(name, rows)
  }
}
