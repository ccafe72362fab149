/// The one place the version is written; `attnviz --version` prints it.
public enum AttnvizVersion {
  public static let current = "0.1.0"
}
