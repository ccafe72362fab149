// swift-tools-version: 6.0
// attnviz: attention weights as terminal tables and slide-ready figures.
//
// Modules follow the pipeline (text → tokens → model → trace → views → encoders):
//   AttnvizFiles   the only layer that opens files: bounded reads, memory maps, FileLimits,
//                  the checkpoint-format error, SHA-256 fingerprints
//   AttnvizMath    matrices, softmax, positional encoding, rotary frequencies, the seeded PRNG
//   AttnvizTokens  word-level, WordPiece, byte-level BPE and tokenizer.json tokenizers
//   AttnvizModel   the typed model description (ModelInfo), the single-layer models, the
//                  Float32 engine (BERT, RoBERTa, DistilBERT, GPT-2, Llama, Mistral, Qwen2/3)
//                  over safetensors and GGUF checkpoints → AttentionTrace
//   AttnvizAnalysis  numbers about attention: head patterns, sinks, rollout, distance/entropy, RoPE
//   AttnvizStyle   colours, colour maps, the contrast rule and the number format (no C, no model)
//   AttnvizRender  scene primitives, PNG rasteriser (libpng, FreeType), SVG writer
//   AttnvizViews   figure layouts (heatmap, heads, lines, model, pe) → Scene
//   AttnvizTables  terminal / Markdown tables from labelled matrices
//   AttnvizHTML    the interactive page (attention.html) and the one HTML shell
//   AttnvizKit     the pipeline: options → trace → views → files, JSON/CSV
//   AttnvizExplain explain: the steps, captions, Markdown and HTML, on top of the pipeline
//   AttnvizTerminal standard input, isatty and environment, the progress line (process edge)
//   AttnvizCLI     commands and options (swift-argument-parser), errors → exit codes
//   attnviz        the executable: calls AttnvizCLI and exits
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
      providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
    .systemLibrary(
      name: "CFreeType", pkgConfig: "freetype2",
      providers: [.apt(["libfreetype-dev"]), .brew(["freetype"])]),
    // Our PNG writer on libpng's full API (level, strategy, filters; errors out of setjmp).
    .target(name: "CPNGWriter", dependencies: ["CLibPNG"]),
    // DejaVu Sans subsets compiled in (scripts/make-embedded-font.sh): the font of last resort.
    .target(name: "CEmbeddedFonts", exclude: ["LICENSE-DejaVu.txt"]),
    // The engine's dot products with AVX where the CPU has it, the Swift kernels' bits exactly.
    .target(name: "CEngineKernels"),
    .target(name: "AttnvizFiles"),
    .target(name: "AttnvizMath"),
    .target(name: "AttnvizTokens", dependencies: ["AttnvizFiles", "AttnvizStyle"]),
    // The engine's kernels run 30-50x slower unoptimised, so `make test` builds the tests in
    // release (with -enable-testing): see docs/performance.md, "The build".
    .target(
      name: "AttnvizModel",
      dependencies: ["AttnvizFiles", "AttnvizMath", "AttnvizTokens", "CEngineKernels"]),
    .target(name: "AttnvizStyle"),
    .target(name: "AttnvizAnalysis", dependencies: ["AttnvizMath"]),
    .target(
      name: "AttnvizRender",
      dependencies: [
        "AttnvizFiles", "AttnvizStyle", "CLibPNG", "CPNGWriter", "CFreeType", "CEmbeddedFonts",
      ]
    ),
    .target(
      name: "AttnvizViews",
      dependencies: ["AttnvizMath", "AttnvizStyle", "AttnvizAnalysis", "AttnvizRender"]),
    // Tables draw no scene: they must not link libpng or FreeType.
    .target(name: "AttnvizTables", dependencies: ["AttnvizMath", "AttnvizStyle"]),
    // The page draws no scene and prints no table: it links neither libpng nor FreeType.
    .target(name: "AttnvizHTML", dependencies: ["AttnvizMath", "AttnvizStyle"]),
    .target(
      name: "AttnvizKit",
      dependencies: [
        "AttnvizFiles", "AttnvizMath", "AttnvizTokens", "AttnvizModel", "AttnvizAnalysis",
        "AttnvizStyle",
        "AttnvizRender", "AttnvizViews", "AttnvizTables", "AttnvizHTML",
        .product(name: "TOMLKit", package: "TOMLKit"),
      ]),
    // explain: the steps of one head, captions, text, Markdown and HTML, on top of the pipeline.
    .target(
      name: "AttnvizExplain",
      dependencies: [
        "AttnvizKit", "AttnvizHTML", "AttnvizMath", "AttnvizModel", "AttnvizStyle",
        "AttnvizRender", "AttnvizViews", "AttnvizTables",
      ]),
    // The process's edge: standard input, isatty, the environment, the progress line's thread.
    .target(name: "AttnvizTerminal", dependencies: ["AttnvizKit", "AttnvizTables"]),
    // Commands, options and the error-to-exit-code mapping; only it and the executable see
    // ArgumentParser.
    .target(
      name: "AttnvizCLI",
      dependencies: [
        "AttnvizKit", "AttnvizExplain", "AttnvizTerminal", "AttnvizStyle",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "attnviz", dependencies: ["AttnvizCLI"]),
    // `make bench`: rasteriser timings and the PNG compression sweep (bench/RenderBench).
    .executableTarget(
      name: "attnviz-render-bench", dependencies: ["AttnvizRender"], path: "bench/RenderBench"),
    .testTarget(name: "AttnvizFilesTests", dependencies: ["AttnvizFiles"]),
    .testTarget(name: "AttnvizMathTests", dependencies: ["AttnvizMath"]),
    .testTarget(
      name: "AttnvizTokensTests", dependencies: ["AttnvizTokens"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "AttnvizModelTests", dependencies: ["AttnvizModel", "CEngineKernels"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "AttnvizStyleTests", dependencies: ["AttnvizStyle"]),
    .testTarget(name: "AttnvizRenderTests", dependencies: ["AttnvizRender"]),
    .testTarget(
      name: "AttnvizViewsTests",
      dependencies: ["AttnvizViews", "AttnvizStyle", "AttnvizModel", "AttnvizAnalysis"]),
    .testTarget(name: "AttnvizTablesTests", dependencies: ["AttnvizTables", "AttnvizStyle"]),
    .testTarget(name: "AttnvizKitTests", dependencies: ["AttnvizKit", "AttnvizAnalysis"]),
    .testTarget(name: "AttnvizAnalysisTests", dependencies: ["AttnvizAnalysis"]),
    .testTarget(name: "AttnvizHTMLTests", dependencies: ["AttnvizHTML", "AttnvizStyle"]),
    .testTarget(name: "AttnvizExplainTests", dependencies: ["AttnvizExplain", "AttnvizKit"]),
    .testTarget(name: "AttnvizTerminalTests", dependencies: ["AttnvizTerminal", "AttnvizKit"]),
    .testTarget(
      name: "AttnvizCLITests", dependencies: ["AttnvizCLI", "AttnvizKit", "AttnvizStyle"]),
    // Snapshots of tables, JSON, SVG and PNG pixels; ATTNVIZ_RECORD=1 re-records them.
    .testTarget(
      name: "SnapshotTests",
      dependencies: ["AttnvizKit", "AttnvizModel", "AttnvizRender", "AttnvizTables"],
      exclude: ["__Snapshots__"]),
    .testTarget(name: "EndToEndTests", dependencies: ["AttnvizRender"]),
  ]
)
