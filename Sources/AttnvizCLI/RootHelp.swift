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

  /// Names of the subcommands other than `show`.
  static var subcommandNames: [String] {
    Attnviz.configuration.subcommands.map { $0._commandName }.filter { $0 != Show._commandName }
  }

  /// `attnviz --out x explain "The cat."` parses as the main command on the text "explain The
  /// cat." (ArgumentParser takes a subcommand only as the first argument): refuse it rather
  /// than draw the wrong thing, and say how to write it.
  static func refuseMisplacedSubcommand(_ words: [String], arguments: [String]) throws {
    guard let first = words.first, subcommandNames.contains(first),
      arguments.first != Show._commandName, arguments.first != first
    else { return }
    let rest = arguments.filter { $0 != first }.joined(separator: " ")
    throw ValidationError(
      "\"\(first)\" after options would be read as text; a subcommand comes first "
        + "(attnviz \(first) \(rest)); to show the word, write attnviz show \(first)")
  }

  /// `attnviz pe --view heatmap`: ArgumentParser says "Unknown option '--view'. Did you mean
  /// '--dim'?". When the option belongs to the main command, say that instead.
  static func optionOfMainCommand(_ message: String, arguments: [String]) -> String? {
    guard let first = arguments.first, subcommandNames.contains(first),
      message.lowercased().hasPrefix("unknown option '"),
      let name = message.dropFirst("unknown option '".count).split(separator: "'").first
    else { return nil }
    let option = String(name)
    let mainOptions = Attnviz.helpMessage(for: Show.self, columns: 1000)
    guard mainOptions.contains(" \(option) ") || mainOptions.contains(" \(option)\n") else { return nil }
    return "attnviz \(first) has no option \(option); it is an option of the main command "
      + "(attnviz \(option) ... TEXT); see attnviz \(first) --help for the options of \(first)"
  }
}
