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
    default: return script
    }
  }

  /// In `_attnviz`, the branch for a first word that is not a subcommand offered only the
  /// subcommand names; it now runs `_attnviz_show` on the whole line, and still offers the
  /// subcommand names for the first word.
  static func bashDelegatingToShow(_ script: String) -> String {
    let names = Attnviz.configuration.subcommands.map { $0._commandName } + ["help"]
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
}
