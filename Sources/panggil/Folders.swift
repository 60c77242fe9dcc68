import Foundation

/// A folder shipped with Panggil (`audio`, `display-layouts`): the one given, else `./<name>`, else the
/// first `<name>` above the program, so that a checkout's `.build/release/panggil` finds the
/// repository's files from any working directory. `marker` is a path inside it that must exist.
func shippedFolder(_ name: String, given: String?, marker: String) -> URL {
    if let given { return URL(fileURLWithPath: given) }
    let here = URL(fileURLWithPath: name)
    if FileManager.default.fileExists(atPath: here.appendingPathComponent(marker).path) { return here }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(marker).path) { return candidate }
        directory.deleteLastPathComponent()
    }
    return here
}
