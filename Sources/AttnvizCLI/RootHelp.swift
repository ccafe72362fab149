import ArgumentParser
import Foundation

/// `attnviz --help` for the root command. ArgumentParser prints a root with a default subcommand
/// as "USAGE: attnviz <subcommand>" and lists no options, although `attnviz TEXT` runs `show`
/// with all of its options. So the root help here is `show`'s help (every option with its
/// default) under the root's overview and usage, followed by the subcommands and the examples.
/// Both parts come from ArgumentParser's own help text, so nothing is written twice.
enum RootHelp {
  static let examples = """
    attnviz "The animal didn't cross the street because it was too tired."
    attnviz --causal --heads 4 --dim 16 "The cat sat on the mat."
    echo "Attention is all you need." | attnviz --json - | jq '.tokens'
    attnviz --format csv,md --out notes "The cat sat on the mat."
    attnviz pe --positions 100 --dim 128
    """

  /// `attnviz --help`, `attnviz -h`, `attnviz help`: the arguments that ask for the root help.
  static func isRequested(_ arguments: [String]) -> Bool {
    [["--help"], ["-h"], ["-help"], ["help"]].contains(arguments)
  }

  /// The root's discussion: the examples, for the man page and `attnviz help`.
  static let discussion =
    "Examples:\n"
    + examples.split(separator: "\n").map { "  " + $0 }
    .joined(separator: "\n")

  static func text(columns: Int? = nil) -> String {
    let root = Attnviz.helpMessage(columns: columns)
    let show = Attnviz.helpMessage(for: Show.self, columns: columns)
    // Fall back to ArgumentParser's own help if its layout ever changes.
    guard let options = show.range(of: "\nARGUMENTS:"),
      let subcommands = root.range(of: "\nSUBCOMMANDS:")
    else { return root }
    let overview = root.components(separatedBy: "\n\n")[0]
    let usage = """
      USAGE: attnviz [<options>] [<text> ...]    the main job (subcommand show)
             attnviz <subcommand> [<options>]

        Text that is exactly a subcommand name runs that subcommand: `attnviz pe` draws
        the positional encoding; `attnviz show pe` or `attnviz "pe is a word"` show text.
      """
    return [
      overview, usage,
      String(show[options.lowerBound...]).trimmingCharacters(in: .newlines),
      String(root[subcommands.lowerBound...]).trimmingCharacters(in: .newlines),
      discussion.replacingOccurrences(of: "Examples:", with: "EXAMPLES:"),
    ].joined(separator: "\n\n") + "\n"
  }

  /// For a usage error when the text began with a subcommand's name (`attnviz pe is a word`: the
  /// subcommand did not expect the words): how to show that text instead.
  static func subcommandHint(_ arguments: [String], message: String) -> String {
    guard arguments.count > 1, let first = arguments.first,
      message.lowercased().contains("unexpected argument"),
      Attnviz.configuration.subcommands.contains(where: { $0._commandName == first }),
      first != Show._commandName
    else { return "" }
    return "; to show text that begins with \"\(first)\", write attnviz show \(first) ..."
  }
}
