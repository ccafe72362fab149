import FuzzDriver

@testable import AttnvizModel

/// Any bytes as a safetensors file: the header is parsed and validated, and when it passes
/// every tensor of a known dtype is converted (which reads exactly the bytes the header claims).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  let buffer = UnsafeRawBufferPointer(start: data, count: size)
  guard let header = try? SafeTensorsHeader(file: "fuzz", bytes: buffer) else { return 0 }
  for entry in header.entries {
    precondition(header.dataStart + entry.end <= size, "tensor outside the file")
    guard let dtype = SafeTensorsDType(rawValue: entry.dtype) else { continue }
    let count = (entry.end - entry.begin) / dtype.byteSize
    var sum: Float = 0
    for i in 0..<count {
      let offset = header.dataStart + entry.begin + i * dtype.byteSize
      sum += buffer.loadUnaligned(fromByteOffset: offset, as: Float16.self) == 0 ? 0 : 1
    }
    _ = sum
  }
  return 0
}

@_cdecl("FuzzSafeTensors_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  attnviz_fuzz_main(argc, argv) { fuzz($0, $1) }
}
