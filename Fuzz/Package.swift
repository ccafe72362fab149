// swift-tools-version: 6.0
// libFuzzer targets for attnviz's parsers (make fuzz; docs/robustness.md). Built only by
// `make fuzz`, with -sanitize=fuzzer,address. SwiftPM links an executable's main to the symbol
// <module>_main; each target defines it (@_cdecl) and hands its test function to libFuzzer's
// driver (FuzzDriver). Kept out of the root package so `swift build` there never tries to link
// them without libFuzzer.
import Foundation
import PackageDescription

// A path dependency is named after its folder ("attnviz" in a clone, the worktree's name
// elsewhere).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent()
let rootName = root.lastPathComponent

func fuzzTarget(_ name: String) -> Target {
  .executableTarget(
    name: name, dependencies: ["FuzzDriver", .product(name: "AttnvizKit", package: rootName)],
    swiftSettings: [.unsafeFlags(["-parse-as-library"])])
}

let package = Package(
  name: "attnviz-fuzz",
  dependencies: [.package(path: "..")],
  targets: [
    "FuzzWordTokenizer", "FuzzWordPiece", "FuzzByteLevelBPE", "FuzzWeightsJSON",
    "FuzzSafeTensors", "FuzzConfig", "FuzzTokenizerJSON", "FuzzSplitRegex", "FuzzGGUF",
    "FuzzMarian", "FuzzSentencePiece", "FuzzFigureInfo", "FuzzDeck", "FuzzChatTemplate",
  ].map(fuzzTarget) + [.target(name: "FuzzDriver")]
)
