import AttnvizRender

/// `string` cut at a character (grapheme) boundary and ended with "…" so it is at most
/// `maxWidth` wide; unchanged when it already fits.
func shortened(
  _ string: String, toWidth maxWidth: Double, size: Double, weight: FontWeight = .regular,
  measurer: any TextMeasuring
) -> String {
  if measurer.width(of: string, size: size, weight: weight) <= maxWidth { return string }
  let characters = Array(string)
  // Binary search for the longest prefix that fits with the ellipsis.
  var low = 0
  var high = characters.count
  while low < high {
    let mid = (low + high + 1) / 2
    let candidate = String(characters[0..<mid]) + "…"
    if measurer.width(of: candidate, size: size, weight: weight) <= maxWidth {
      low = mid
    } else {
      high = mid - 1
    }
  }
  return String(characters[0..<low]) + "…"
}

/// Like `shortened`, but a cut inside a word backs up to the word's start, so a subtitle's
/// quoted sentence ends in whole words ("“The cat sat on…", never "“The cat sat on t…").
func shortenedAtWord(
  _ string: String, toWidth maxWidth: Double, size: Double, measurer: any TextMeasuring
) -> String {
  let cut = shortened(string, toWidth: maxWidth, size: size, measurer: measurer)
  guard cut != string else { return string }
  let kept = cut.dropLast()  // the "…"
  let next = string[string.index(string.startIndex, offsetBy: kept.count)]
  guard !next.isWhitespace, let space = kept.lastIndex(where: \.isWhitespace) else { return cut }
  var words = kept[..<space]
  while let last = words.last, last.isWhitespace || last == "·" { words = words.dropLast() }
  // A single long word is still cut inside, rather than dropped.
  return words.isEmpty ? cut : String(words) + "…"
}

/// The one label-thinning rule of every figure: every `stride`-th of `count` labels, plus the
/// labels in `keep` (the focused token, its strongest key), which are always drawn; a thinned
/// label closer than `stride` to a kept one gives way, so kept labels never collide.
func thinnedIndices(count: Int, stride: Int, keep: Set<Int> = []) -> [Int] {
  let kept = keep.filter { (0..<count).contains($0) }
  guard stride > 1 else { return Array(0..<count) }
  return (0..<count).filter { i in
    kept.contains(i) || (i % stride == 0 && !kept.contains { abs($0 - i) < stride })
  }
}

/// How many labels to skip so each label gets `needed` room when they sit `spacing` apart:
/// 1 (every label), 2, 3, …; with `nice`, rounded up to 1, 2, 5, 10, 20, 50, … (for numbered
/// axes such as positions and dimensions).
func labelStride(spacing: Double, needed: Double, nice: Bool = false) -> Int {
  guard spacing > 0, needed > spacing else { return 1 }
  let raw = Int((needed / spacing).rounded(.up))
  guard nice else { return raw }
  var step = 1
  while true {
    for factor in [1, 2, 5] where step * factor >= raw { return step * factor }
    step *= 10
  }
}

/// "2nd", "3rd", "11th", "22nd": for notes like "labels: every 5th token".
func ordinal(_ n: Int) -> String {
  let tens = n % 100
  let suffix: String
  if (11...13).contains(tens) {
    suffix = "th"
  } else {
    switch n % 10 {
    case 1: suffix = "st"
    case 2: suffix = "nd"
    case 3: suffix = "rd"
    default: suffix = "th"
    }
  }
  return "\(n)\(suffix)"
}

/// A note for the subtitle when only every k-th label is shown, e.g. "labels: every 5th token".
func strideNote(_ parts: [(stride: Int, noun: String)]) -> String? {
  var shown: [(stride: Int, noun: String)] = []
  for part in parts
  where part.stride > 1
    && !shown.contains(where: { $0.stride == part.stride && $0.noun == part.noun })
  {
    shown.append(part)
  }
  guard !shown.isEmpty else { return nil }
  return "labels: " + shown.map { "every \(ordinal($0.stride)) \($0.noun)" }.joined(separator: ", ")
}
