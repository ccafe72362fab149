/// The one place the version is written; `attnviz --version`, the man page and the JSON read it.
public enum AttnvizVersion {
  public static let current = "0.1.0"
}
