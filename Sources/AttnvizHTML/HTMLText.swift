import AttnvizStyle

/// A JSON string literal that is also safe inside a `<script>` element (the one JSON rule of
/// AttnvizStyle, with `<`, `>` and `&` escaped too). The page reads it back with `JSON.parse`
/// and shows it only through `textContent`, never as markup. (`escapeHTML`, the one HTML rule
/// for markup, is AttnvizStyle's.)
func scriptJSONString(_ s: String) -> String { jsonStringLiteral(s, inScript: true) }
