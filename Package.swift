// swift-tools-version: 6.0
// attnviz: attention weights as terminal tables and slide-ready figures.
//
// Modules follow the pipeline (text → tokens → model → trace → views → encoders):
//   AttnvizMath    matrices, softmax, positional encoding, the seeded PRNG
//   AttnvizTokens  word-level, WordPiece and byte-level BPE tokenizers
//   AttnvizModel   embedded layer, weights file, safetensors, BERT, GPT-2 → AttentionTrace
//   AttnvizRender  scene primitives, colour maps, PNG rasteriser (libpng, FreeType), SVG writer
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
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
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
    .target(name: "AttnvizTokens"),
    .target(name: "AttnvizModel", dependencies: ["AttnvizMath", "AttnvizTokens"]),
    .target(name: "AttnvizRender", dependencies: ["CLibPNG", "CFreeType", "CEmbeddedFonts"]),
    .target(name: "AttnvizViews", dependencies: ["AttnvizMath", "AttnvizRender"]),
    .target(name: "AttnvizTables", dependencies: ["AttnvizMath", "AttnvizRender"]),
    .target(
      name: "AttnvizKit",
      dependencies: [
        "AttnvizMath", "AttnvizTokens", "AttnvizModel", "AttnvizRender", "AttnvizViews",
        "AttnvizTables", .product(name: "TOMLKit", package: "TOMLKit"),
      ]),
    .executableTarget(
      name: "attnviz",
      dependencies: [
        "AttnvizKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "AttnvizMathTests", dependencies: ["AttnvizMath"]),
    .testTarget(
      name: "AttnvizTokensTests", dependencies: ["AttnvizTokens"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "AttnvizModelTests", dependencies: ["AttnvizModel"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "AttnvizRenderTests", dependencies: ["AttnvizRender"]),
    .testTarget(name: "AttnvizViewsTests", dependencies: ["AttnvizViews", "AttnvizModel"]),
    .testTarget(name: "AttnvizTablesTests", dependencies: ["AttnvizTables"]),
    .testTarget(name: "AttnvizKitTests", dependencies: ["AttnvizKit"]),
    .testTarget(name: "EndToEndTests", dependencies: ["AttnvizRender"]),
  ]
)
