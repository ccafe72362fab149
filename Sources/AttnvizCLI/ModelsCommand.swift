import ArgumentParser
import AttnvizKit

/// `attnviz models`: the models `--model` can find, and where it looked.
struct ModelsCommand: RunCommand {
  static let configuration = CommandConfiguration(
    commandName: "models",
    abstract: "List the models --model can find (architecture, size, layers × heads, where).",
    discussion: """
      Looks where --model looks: $ATTNVIZ_MODELS, the `make model` folder \
      ($XDG_DATA_HOME/attnviz/models), models/ here and in the source tree, the Hugging Face \
      cache ($HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub) and Ollama \
      ($OLLAMA_MODELS, ~/.ollama/models). Reads only config.json files, GGUF headers and the \
      configuration inside Marian translators (model*.bin), listed as translators.
      """)

  func run(in context: RunContext) throws {
    print(ModelCatalog(lookup: context.modelLookup).text(), terminator: "")
  }
}
