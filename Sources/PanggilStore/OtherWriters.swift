import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells a feed whether a commit may be on its way from a writer other than its own store: another
/// process holding the database's write lock, or another store of this process writing to the same
/// file. The file watcher wakes a feed when a writer puts its frames in the log, which is a moment
/// (the sync) before the commit can be read. A writer lets go of the lock only once its commit can be
/// read, so a feed that finds nobody else writing and then looks at the log has seen every commit so
/// far and may sleep until the file changes again; while somebody else writes, it looks again soon.
/// This process's own store's commits never need the second look: they reach its feeds directly.
struct OtherWriters: Sendable {
    /// SQLite's WAL write lock: byte 120 of the `-shm` file (the WAL-index locks, sqlite.org/walformat.html).
    private static let writeLockOffset = 120

    private let shmPath: String
    private let file: String
    private let store: ObjectIdentifier

    init(databasePath: String, store: ObjectIdentifier) {
        file = URL(fileURLWithPath: databasePath).standardizedFileURL.path
        shmPath = file + "-shm"
        self.store = store
    }

    /// Brackets this store's own write transactions, for the process's other stores to see.
    func ownWriteBegins() { InProcessWriters.shared.begin(store, in: file) }
    func ownWriteEnds() { InProcessWriters.shared.end(store, in: file) }

    /// Whether someone other than this store is in a write transaction on the file now.
    func areWriting() -> Bool {
        InProcessWriters.shared.anyOther(than: store, in: file) || anotherProcessHoldsTheWriteLock()
    }

    /// A lock held by this process does not show here (POSIX record locks belong to the process), which
    /// is why this process's other stores are counted separately.
    private func anotherProcessHoldsTheWriteLock() -> Bool {
        // No index file (yet), or unreadable: assume a writer, which costs only a few early looks.
        guard let descriptor = IndexFiles.shared.descriptor(shmPath) else { return true }
        var query = flock()
        query.l_type = Int16(F_WRLCK)
        query.l_whence = Int16(SEEK_SET)
        query.l_start = off_t(Self.writeLockOffset)
        query.l_len = 1
        guard fcntl(descriptor, F_GETLK, &query) == 0 else { return true }
        return query.l_type != Int16(F_UNLCK)
    }
}

/// Descriptors of the `-shm` files asked about, opened once and never closed. Closing any descriptor of
/// a file drops every POSIX lock this process holds on it, SQLite's included: its write lock, and the
/// lock that tells other processes the index is in use (without which another process may rebuild the
/// index under our memory map; a crash drill died of exactly that, SIGBUS). A file recreated under the
/// same name (every connection to the database had closed) gets a new descriptor; the old one is kept
/// open, for the same reason.
final class IndexFiles: @unchecked Sendable {
    static let shared = IndexFiles()
    private let lock = NSLock()
    private var open: [String: (descriptor: Int32, inode: ino_t)] = [:]

    func descriptor(_ path: String) -> Int32? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return lock.withLock {
            if let known = open[path], known.inode == status.st_ino { return known.descriptor }
            let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            var opened = stat()
            guard fstat(descriptor, &opened) == 0 else { return nil }
            open[path] = (descriptor, opened.st_ino)
            return descriptor
        }
    }
}

/// This process's stores that are writing now, per file.
final class InProcessWriters: @unchecked Sendable {
    static let shared = InProcessWriters()
    private let condition = NSCondition()
    private var writing: [String: [ObjectIdentifier: Int]] = [:]

    func begin(_ store: ObjectIdentifier, in file: String) {
        condition.withLock { writing[file, default: [:]][store, default: 0] += 1 }
    }

    func end(_ store: ObjectIdentifier, in file: String) {
        condition.withLock {
            writing[file]?[store]? -= 1
            if writing[file]?[store] == 0 { writing[file]?[store] = nil }
            if writing[file]?.isEmpty == true { writing[file] = nil }
            if writing.isEmpty { condition.broadcast() }
        }
    }

    func anyOther(than store: ObjectIdentifier, in file: String) -> Bool {
        condition.withLock { writing[file]?.keys.contains { $0 != store } ?? false }
    }

    /// Returns once no store of this process is writing, or after `limit`.
    func waitUntilNoneWriting(atMost limit: TimeInterval) {
        let deadline = Date(timeIntervalSinceNow: limit)
        condition.withLock {
            while !writing.isEmpty, condition.wait(until: deadline) {}
        }
    }
}
