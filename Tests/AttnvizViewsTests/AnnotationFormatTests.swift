import AttnvizStyle
import Testing

@testable import AttnvizViews

/// Figures print numbers with the same rule as the tables (AttnvizStyle's `formatFixed`, C's
/// `printf("%.2f")`), so a uniform row over 8 tokens reads 0.12 in both.
@Suite struct AnnotationFormatTests {
  @Test func annotationsRoundLikeTheTables() {
    let scale = ColorScale.probabilities(.viridis)
    #expect(scale.annotation(0.125) == "0.12")
    #expect(scale.annotation(0.125) == formatFixed(0.125, decimals: 2))
    #expect(scale.annotation(0.135) == "0.14")
    #expect(scale.annotation(1) == "1.00")
  }

  @Test func signedAnnotationsUseTheTrueMinusAndNeverMinusZero() {
    let scale = ColorScale.symmetric(limit: 1, map: .diverging)
    #expect(scale.annotation(-0.125) == "−0.12")
    #expect(scale.annotation(-0.001) == "0.00")
  }
}
