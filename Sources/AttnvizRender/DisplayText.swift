/// The characters of `string` as both encoders draw them: control characters (C0, DEL, C1) and
/// the XML non-characters U+FFFE/U+FFFF become U+FFFD "�", so a token holding a raw newline or
/// escape code is visible, measurable, and still legal inside an SVG.
func displayScalars(_ string: String) -> [Unicode.Scalar] {
  string.unicodeScalars.map { scalar in
    let v = scalar.value
    let invalid = v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0xFFFE || v == 0xFFFF
    return invalid ? replacementCharacter : scalar
  }
}

let replacementCharacter: Unicode.Scalar = "\u{FFFD}"
