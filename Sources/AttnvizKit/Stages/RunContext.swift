import AttnvizModel
import Foundation

/// What one run of attnviz takes from its process, made once by the executable and passed down
/// the pipeline in place of process-wide state: the words of the command (recorded in every
/// figure), the environment (the model lookup, the memory budget), where the executable is (the
/// `models/` of the source tree it was built in), and the models the run has loaded.
///
/// The library reads none of these from the process itself; a context made with no arguments is
/// a run with an empty environment, as tests and other programs want it.
public struct RunContext: Equatable, Sendable {
  /// The words of the command being run, recorded in every figure it makes.
  public var command: [String]
  public var environment: [String: String]
  /// The path the executable was started by (`argv[0]`), or nil for none.
  public var executablePath: String?
  /// The models this run has loaded; shared by the contexts `recording(_:)` makes.
  public let models: LoadedModels

  public init(
    command: [String] = [], environment: [String: String] = [:], executablePath: String? = nil
  ) {
    self.command = command
    self.environment = environment
    self.executablePath = executablePath
    self.models = LoadedModels()
  }

  /// The same run for another command's words (a deck entry, `info --rerun`): the environment
  /// and the loaded models are kept.
  public func recording(_ command: [String]) -> RunContext {
    var context = self
    context.command = command
    return context
  }

  /// The model lookup of this run: its environment and the executable's source tree.
  public var modelLookup: ModelLookup {
    ModelLookup(
      environment: environment, projectFolder: executablePath.flatMap(projectFolder(ofExecutable:)))
  }

  /// Equal when made of the same words, environment and executable; the models kept are a cache.
  public static func == (a: RunContext, b: RunContext) -> Bool {
    a.command == b.command && a.environment == b.environment
      && a.executablePath == b.executablePath
  }

  /// `ATTNVIZ_MEMORY_BUDGET` of this run's environment, or the default.
  public func memoryBudget() throws -> MemoryBudget {
    try MemoryBudget.fromEnvironment(environment)
  }
}

/// `.build/release/attnviz` lives three levels below the project folder; an installed binary has
/// no project, which is fine.
func projectFolder(ofExecutable path: String) -> String? {
  let executable = URL(fileURLWithPath: path).resolvingSymlinksInPath()
  var folder = executable.deletingLastPathComponent()
  for _ in 0..<4 {
    if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
      return folder.path
    }
    folder = folder.deletingLastPathComponent()
  }
  return nil
}

/// The models a run keeps for reuse once `keepLoaded` is set (`attnviz deck` and `compare` run
/// many figures on one model; loading it once per figure would cost seconds), behind a lock
/// (figures are drawn on several threads).
public final class LoadedModels: @unchecked Sendable {
  private let lock = NSLock()
  private var enabled = false
  private var models: [ModelChoice: any AttentionModel] = [:]

  init() {}

  /// Whether models loaded from now on are kept and handed out again.
  public var keepLoaded: Bool {
    get { lock.withLock { enabled } }
    set { lock.withLock { enabled = newValue } }
  }

  func model(for choice: ModelChoice) -> (any AttentionModel)? {
    lock.withLock { enabled ? models[choice] : nil }
  }

  func keep(_ model: any AttentionModel, for choice: ModelChoice) {
    lock.withLock { if enabled { models[choice] = model } }
  }
}
