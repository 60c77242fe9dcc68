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
final class LogFileWatcher: Sendable {
    private let hub: DirectoryWatchHub
    private let registration: DirectoryWatchHub.Registration

    /// Nil where inotify is unavailable (the caller then polls quickly instead).
    init?(databasePath: String, onChange: @escaping @Sendable () -> Void) {
        let url = URL(fileURLWithPath: databasePath)
        let names: Set<String> = [url.lastPathComponent, url.lastPathComponent + "-wal"]
        guard let hub = DirectoryWatchHub.shared,
              let registration = hub.register(directory: url.deletingLastPathComponent().path, names: names, onChange: onChange)
        else { return nil }
        self.hub = hub
        self.registration = registration
    }

    deinit {
        hub.unregister(registration)
    }
}

/// One inotify instance for the whole process. The kernel allows a user only a small number of
/// instances (128 by default), and a process that opens many stores — a test run, or a tool that
/// inspects several sites — would otherwise run out and silently fall back to slow polling. Watches
/// are shared per directory and notifications are routed to whoever registered for the file's name.
final class DirectoryWatchHub: @unchecked Sendable {
    struct Registration: Hashable, Sendable {
        fileprivate let watch: Int32
        fileprivate let id: UInt64
    }

    private struct Listener {
        let names: Set<String>
        let onChange: @Sendable () -> Void
    }

    static let shared: DirectoryWatchHub? = DirectoryWatchHub()

    private let descriptor: Int32
    private let lock = NSLock()
    // Guarded by `lock`.
    private var watchByDirectory: [String: Int32] = [:]
    private var listeners: [Int32: [UInt64: Listener]] = [:]
    private var nextID: UInt64 = 0

    private init?() {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        // A thread of its own, asleep in poll(2): every commit writes to the log, and a dispatch source
        // costs each notification two more thread wakes (the dispatch manager's, and its re-arming).
        let thread = Thread { [unowned self] in
            var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            while true {
                guard poll(&waiting, 1, -1) > 0 else { continue }
                // A commit of this process writes its log in a burst, a notification per write: taken
                // together once it is over, they cost one wake instead of one each. The commit wakes its
                // feeds itself; another process's commit does not wait here unless ours is under way.
                InProcessWriters.shared.waitUntilNoneWriting(atMost: 0.1)
                drain()
            }
        }
        thread.name = "panggil-watch"
        thread.start()
    }

    func register(directory: String, names: Set<String>, onChange: @escaping @Sendable () -> Void) -> Registration? {
        lock.lock()
        defer { lock.unlock() }
        let watch: Int32
        if let existing = watchByDirectory[directory] {
            watch = existing
        } else {
            let mask = UInt32(IN_MODIFY) | UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)
            watch = inotify_add_watch(descriptor, directory, mask)
            guard watch >= 0 else { return nil }
            watchByDirectory[directory] = watch
        }
        nextID += 1
        listeners[watch, default: [:]][nextID] = Listener(names: names, onChange: onChange)
        return Registration(watch: watch, id: nextID)
    }

    func unregister(_ registration: Registration) {
        lock.lock()
        defer { lock.unlock() }
        guard var forWatch = listeners[registration.watch] else { return }
        forWatch[registration.id] = nil
        if forWatch.isEmpty {
            listeners[registration.watch] = nil
            watchByDirectory = watchByDirectory.filter { $0.value != registration.watch }
            inotify_rm_watch(descriptor, registration.watch)
        } else {
            listeners[registration.watch] = forWatch
        }
    }

    /// Reads every pending notification and wakes each listener concerned at most once.
    private func drain() {
        var changed: [(watch: Int32, name: String)] = []
        var gone: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            buffer.withUnsafeBytes { bytes in
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= count {
                    let watch = bytes.load(fromByteOffset: offset, as: Int32.self)
                    let mask = bytes.load(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(bytes.load(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameBytes = bytes[(offset + header)..<min(count, offset + header + length)]
                    if mask & UInt32(IN_IGNORED) != 0 {
                        gone.append(watch)
                    } else {
                        changed.append((watch, String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)))
                    }
                    offset += header + length
                }
            }
        }
        var toWake: [UInt64: @Sendable () -> Void] = [:]
        lock.lock()
        for (watch, name) in changed {
            for (id, listener) in listeners[watch] ?? [:] where listener.names.contains(name) {
                toWake[id] = listener.onChange
            }
        }
        // The directory itself went away (a test's temporary folder, say): its number may be handed out
        // again, so forget it rather than route a stranger's files to old listeners.
        for watch in gone {
            listeners[watch] = nil
            watchByDirectory = watchByDirectory.filter { $0.value != watch }
        }
        lock.unlock()
        for onChange in toWake.values { onChange() }
    }
}
