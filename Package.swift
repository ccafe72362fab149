// swift-tools-version: 6.0
// attnviz: attention weights as terminal tables and slide-ready figures.
//
// Modules follow the pipeline (text → tokens → model → trace → views → encoders):
//   AttnvizMath    matrices, softmax, positional encoding, the seeded PRNG
//   AttnvizTokens  word-level, WordPiece and byte-level BPE tokenizers
//   AttnvizModel   embedded layer, weights file, safetensors, BERT, GPT-2 → AttentionTrace
//   AttnvizStyle   colours, colour maps, the contrast rule and the number format (no C, no model)
//   AttnvizRender  scene primitives, PNG rasteriser (libpng, FreeType), SVG writer
//   AttnvizViews   figure layouts (heatmap, heads, lines, model, pe) → Scene
//   AttnvizTables  terminal / Markdown tables from labelled matrices
//   AttnvizKit     the pipeline: options → trace → views → files, JSON/CSV, explain
//   attnviz        the thin command-line shell (swift-argument-parser)
import PackageDescription

let package = Package(
  name: "attnviz",
  products: [
    .executable(name: "attnviz", targets: ["attnviz"]),
    .library(name: "AttnvizKit", targets: ["AttnvizKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0")
  ],
  targets: [
    .systemLibrary(
      name: "CLibPNG", pkgConfig: "libpng",
      providers: [.apt(["libpng-dev"])]),
    .systemLibrary(
      name: "CFreeType", pkgConfig: "freetype2",
      providers: [.apt(["libfreetype-dev"])]),
    // DejaVu Sans subsets compiled in (scripts/make-embedded-font.sh): the font of last resort.
    .target(name: "CEmbeddedFonts", exclude: ["LICENSE-DejaVu.txt"]),
    .target(name: "AttnvizMath"),
    .target(name: "AttnvizTokens", dependencies: ["AttnvizStyle"]),
    .target(name: "AttnvizModel", dependencies: ["AttnvizMath", "AttnvizTokens"]),
    .target(name: "AttnvizStyle"),
    .target(
      name: "AttnvizRender", dependencies: ["AttnvizStyle", "CLibPNG", "CFreeType", "CEmbeddedFonts"]
    ),
    .target(name: "AttnvizViews", dependencies: ["AttnvizMath", "AttnvizStyle", "AttnvizRender"]),
    // Tables draw no scene: they must not link libpng or FreeType.
    .target(name: "AttnvizTables", dependencies: ["AttnvizMath", "AttnvizStyle"]),
    .target(
      name: "AttnvizKit",
      dependencies: [
        "AttnvizMath", "AttnvizTokens", "AttnvizModel", "AttnvizStyle", "AttnvizRender",
        "AttnvizViews", "AttnvizTables",
      ]),
    .executableTarget(
      name: "attnviz",
      dependencies: [
        "AttnvizKit", "AttnvizStyle",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "AttnvizMathTests", dependencies: ["AttnvizMath"]),
    .testTarget(name: "AttnvizTokensTests", dependencies: ["AttnvizTokens"]),
    .testTarget(
      name: "AttnvizModelTests", dependencies: ["AttnvizModel"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "AttnvizStyleTests", dependencies: ["AttnvizStyle"]),
    .testTarget(name: "AttnvizRenderTests", dependencies: ["AttnvizRender"]),
    .testTarget(
      name: "AttnvizViewsTests", dependencies: ["AttnvizViews", "AttnvizModel", "AttnvizStyle"]),
    .testTarget(name: "AttnvizTablesTests", dependencies: ["AttnvizTables", "AttnvizStyle"]),
    .testTarget(name: "AttnvizKitTests", dependencies: ["AttnvizKit"]),
    .testTarget(name: "EndToEndTests", dependencies: ["AttnvizRender"]),
  ]
)
