import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells the feeds when the database file or its write-ahead log changes on disk, which is how a
/// commit by another process (a `panggil` command, an integrator) shows itself. Without it a feed would
/// have to ask the database many times a second, and an idle server would spend a few percent of a core
/// on the asking; with it the feeds sleep until something is written and a slow poll remains only as a
/// safety net. Linux inotify on the database's directory, filtered to the database's own files, so that
/// a log file recreated after the last connection closed is still seen.
final class LogFileWatcher: @unchecked Sendable {
    private let descriptor: Int32
    private let source: any DispatchSourceRead

    /// Nil where inotify is unavailable (the caller then polls quickly instead).
    init?(databasePath: String, onChange: @escaping @Sendable () -> Void) {
        let url = URL(fileURLWithPath: databasePath)
        let directory = url.deletingLastPathComponent().path
        let names: Set<String> = [url.lastPathComponent, url.lastPathComponent + "-wal"]
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        let mask = UInt32(IN_MODIFY) | UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)
        guard inotify_add_watch(descriptor, directory, mask) >= 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: DispatchQueue(label: "panggil.store.watch"))
        source.setEventHandler {
            if Self.drain(descriptor, names: names) { onChange() }
        }
        source.setCancelHandler { close(descriptor) }
        source.resume()
    }

    deinit {
        source.cancel()
    }

    /// Reads every pending notification; true when one concerns the database's files.
    private static func drain(_ descriptor: Int32, names: Set<String>) -> Bool {
        var concerned = false
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            buffer.withUnsafeBytes { bytes in
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= count {
                    let length = Int(bytes.load(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameBytes = bytes[(offset + header)..<min(count, offset + header + length)]
                    let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                    if names.contains(name) { concerned = true }
                    offset += header + length
                }
            }
        }
        return concerned
    }
}
