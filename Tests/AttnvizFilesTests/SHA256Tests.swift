import Testing

@testable import AttnvizFiles

/// FIPS 180-4's examples, the lengths around a block's padding boundary (55, 56, 64 bytes) and
/// several whole blocks (65, 127, 128, 3,000), checked against Python's hashlib.
@Suite("SHA-256")
struct SHA256Tests {
  @Test(
    arguments: [
      ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
      (
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      ),
      (
        String(repeating: "a", count: 55),
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"
      ),
      (
        String(repeating: "a", count: 56),
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"
      ),
      (
        String(repeating: "a", count: 64),
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"
      ),
      // Whole blocks read in place, then the copied tail.
      (
        String(repeating: "a", count: 65),
        "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"
      ),
      (
        String(repeating: "a", count: 127),
        "c57e9278af78fa3cab38667bef4ce29d783787a2f731d4e12200270f0c32320a"
      ),
      (
        String(repeating: "a", count: 128),
        "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"
      ),
      (
        String(repeating: "abc", count: 1000),
        "328de8f1895f8bb09f6e6b4c2012ef2b2a6f067cd002794b750aa040a6f6d8bd"
      ),
    ])
  func digest(message: String, expected: String) {
    #expect(sha256Hex(Array(message.utf8)) == expected)
  }
}
