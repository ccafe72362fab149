import ArgumentParser

/// Shell completion scripts. ArgumentParser completes a root command with a default subcommand
/// as if only the subcommand names could follow, but `attnviz --colormap …` runs `show`: at the
/// root, after an option or any word that is not a subcommand, the script completes `show`'s
/// options and values instead. Both parts come from ArgumentParser's own script, generated from
/// the option definitions, so nothing is written twice.
enum Completions {
  /// `--generate-completion-script SHELL` (the form `make install` uses), else nil.
  static func requestedShell(_ arguments: [String]) -> CompletionShell? {
    guard arguments.count == 2, arguments[0] == "--generate-completion-script" else { return nil }
    return CompletionShell(rawValue: arguments[1])
  }

  static func script(for shell: CompletionShell) -> String {
    let script = Attnviz.completionScript(for: shell)
    switch shell {
    case .bash: return bashDelegatingToShow(script)
    case .zsh: return zshDelegatingToShow(script)
    case .fish: return fishDelegatingToShow(script)
    default: return script
    }
  }

  /// The subcommand names a first word is compared with, `help` included.
  static var subcommandNames: [String] {
    Attnviz.configuration.subcommands.map { $0._commandName } + ["help"]
  }

  /// In `_attnviz`, the branch for a first word that is not a subcommand offered only the
  /// subcommand names; it now runs `_attnviz_show` on the whole line, and still offers the
  /// subcommand names for the first word.
  static func bashDelegatingToShow(_ script: String) -> String {
    let names = subcommandNames
    let original = """
          *)
              # Offer subcommand completions
              COMPREPLY+=($(compgen -W '\(names.joined(separator: " "))' -- "${cur}"))
              ;;
      """
    let replacement = """
          *)
              # attnviz [options] TEXT runs show: complete its options and their values
              COMPREPLY=()
              unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")
              _attnviz_show
              if [[ "${COMP_CWORD}" -eq 1 && "${cur}" != -* ]]; then
                  COMPREPLY+=($(compgen -W '\(names.joined(separator: " "))' -- "${cur}"))
              fi
              ;;
      """
    guard script.contains(original) else { return script }
    return script.replacingOccurrences(of: original, with: replacement)
  }

  /// In `_attnviz`, before the root's own `_arguments`: when the first word is not a
  /// subcommand and is an option, or the cursor is past it, `_attnviz_show` completes the line.
  /// The root's words have the shape a subcommand's function expects (command, then arguments).
  static func zshDelegatingToShow(_ script: String) -> String {
    let anchor = """
          _arguments -w -s -S : "${arg_specs[@]}" && ret=0
          case "${state}" in
          command)

      """
    let delegation = """
          # attnviz [options] TEXT runs show: complete its options and their values
          if [[ "${words[2]}" != (\(subcommandNames.joined(separator: "|"))) ]]; then
              if (( CURRENT > 2 )) || [[ "${words[2]}" == -* ]]; then
                  _attnviz_show
                  return
              fi
          fi

      """
    guard script.components(separatedBy: anchor).count == 2 else { return script }
    return script.replacingOccurrences(of: anchor, with: delegation + anchor)
  }

  /// In `__attnviz_parse_tokens`, a first word that is not a subcommand is parsed as `show`'s
  /// arguments, so `show`'s option conditions hold for `attnviz --colormap …` and
  /// `attnviz "text" --view …`.
  static func fishDelegatingToShow(_ script: String) -> String {
    let lines = script.components(separatedBy: "\n")
    guard let showCase = lines.firstIndex(of: "        case 'show'"),
      showCase + 1 < lines.count,
      lines[showCase + 1].hasPrefix("            __attnviz_parse_subcommand"),
      let end = lines[(showCase + 1)...].firstIndex(of: "        end")
    else { return script }
    // `switch` on an empty list takes the `'*'` branch: a line with only `attnviz` typed must
    // still be offered the subcommand names, unless the word being typed is an option.
    let delegation = [
      "        case '*'",
      "            # attnviz [options] TEXT runs show: parse the line as show's arguments",
      "            if set -q unparsed_tokens[1]; or string match -q -- '-*' (commandline -ct)",
      "                set -p unparsed_tokens show",
      "    " + lines[showCase + 1],
      "            end",
    ]
    return (lines[..<end] + delegation + lines[end...]).joined(separator: "\n")
  }
}
