import AttnvizModel
import AttnvizStyle
import AttnvizTokens

/// The one error type the command line sees. `usage` errors exit 2 (the command was wrong),
/// `failure` errors exit 1 (the command was fine but running it failed). The message is one line
/// that says what was wrong and what to do; the shell prefixes `attnviz: error: `.
public enum AttnvizError: Error, Equatable, CustomStringConvertible {
  case usage(String)
  case failure(String)

  public var exitCode: Int32 {
    switch self {
    case .usage: 2
    case .failure: 1
    }
  }

  public var description: String {
    switch self {
    case .usage(let message), .failure(let message): oneLine(message)
    }
  }

  /// Sorts any error from the library into usage or failure.
  public static func from(_ error: Error) -> AttnvizError {
    switch error {
    case let error as AttnvizError: error
    case TokenizerError.emptyText: .usage(TokenizerError.emptyText.description)
    case let error as ModelError:
      if case .badShape = error { .usage(error.description) } else { .failure(error.description) }
    default: .failure(String(describing: error))
    }
  }
}
