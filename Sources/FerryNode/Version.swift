/// The version `ferry --version` prints (semantic versioning; docs/CLI.md).
public let FerryVersion = "0.2.0"
