import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn and reaped by its owner.
///
/// Not Foundation's `Process`: on Linux, its monitoring thread takes a child closing the descriptors it
/// inherited for the child's exit and then blocks in `waitpid` on it. pulseaudio closes every inherited
/// descriptor as it starts, so with `Process` a running daemon stalls that thread, and with it every
/// `Process` of the test run (their exits are never noticed, `waitUntilExit` hangs). Its bookkeeping is
/// also not safe to use from several threads at once, which a parallel test run does all the time.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var status: Int32?

    /// Standard input comes from the file at `input`, standard output and error go to the files at
    /// `output` and `errors` (appended); nil means /dev/null. The child opens them itself, so that no
    /// descriptor of ours needs to be inheritable. It starts in `directory` when one is given.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                directory: URL? = nil, input: String? = nil, output: String? = nil, errors: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errors, errors == output {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, errors ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        // Nothing else: a pipe another test opened for its own child at this moment would otherwise live
        // on in the daemon, and that test would wait for an end of file that never comes.
        // (glibc 2.34 and later; Swift's Glibc module does not declare it.)
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        if let directory {
            // (glibc 2.29 and later; not declared by Swift's Glibc module either.)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
                throw PulseDaemon.Failure(description: "this C library cannot start a child in another directory")
            }
            typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
            _ = directory.path.withCString { unsafeBitCast(symbol, to: ChangeDirectory.self)(&actions, $0) }
        }
        // The spawning thread may block or ignore signals (the concurrency runtime's threads do);
        // the child must not inherit that, or SIGTERM would not stop it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw PulseDaemon.Failure(description: "cannot start \(executable.path): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        ChildRegistry.shared.add(pid)
    }

    deinit {
        if isRunning {
            signal(SIGKILL)
            _ = wait(timeout: 2)
        }
    }

    public var isRunning: Bool { reap() == nil }

    /// The raw wait status once the child has exited.
    public var exitStatus: Int32? { reap() }

    /// The exit code once the child has exited; 128 + the signal's number when a signal ended it, as
    /// a shell reports it.
    public var exitCode: Int32? {
        guard let raw = reap() else { return nil }
        return raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }

    public func signal(_ signal: Int32) {
        lock.withLock {
            if status == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    /// Waits for the child to exit; false if it is still running after `timeout` seconds.
    public func wait(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            guard Date() < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return true
    }

    /// Sends SIGTERM, then SIGKILL if the child is still there after `grace` seconds, and reaps it.
    public func terminate(grace: TimeInterval = 2) {
        signal(SIGTERM)
        if !wait(timeout: grace) {
            signal(SIGKILL)
            _ = wait(timeout: 5)
        }
    }

    private func reap() -> Int32? {
        lock.withLock {
            if let status { return status }
            var raw: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &raw, WNOHANG) } while result < 0 && errno == EINTR
            guard result == pid else { return nil }
            status = raw
            ChildRegistry.shared.remove(pid)
            return raw
        }
    }
}

/// Every daemon and recorder still running, killed when the test process exits normally, so that a
/// test which forgot to stop one (or failed before it could) leaves nothing behind.
final class ChildRegistry: @unchecked Sendable {
    static let shared = ChildRegistry()

    private let lock = NSLock()
    private var pids: Set<pid_t> = []

    private init() {
        atexit {
            for pid in ChildRegistry.shared.lock.withLock({ ChildRegistry.shared.pids }) {
                _ = Glibc.kill(pid, SIGKILL)
            }
        }
    }

    func add(_ pid: pid_t) { lock.withLock { _ = pids.insert(pid) } }
    func remove(_ pid: pid_t) { lock.withLock { _ = pids.remove(pid) } }
}

/// What a program printed and how it ended.
public struct Finished: Sendable {
    /// The exit code; 128 + the signal's number when a signal ended it.
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program to its end with `input` on its standard input, on a thread of its own (waiting
/// for a process must not hold one of the few threads every concurrently running test shares).
/// Its output goes through files, not pipes: nothing of ours is left open for another test's child
/// to inherit. A program still running after `timeout` seconds is killed, and that is an error.
public func runToEnd(_ executable: URL, _ arguments: [String], in directory: URL? = nil, input: String? = nil,
                     environment: [String: String] = ProcessInfo.processInfo.environment,
                     timeout: TimeInterval = 120) async throws -> Finished {
    try await offloaded {
        try ChildProcess.runToEnd(executable, arguments, in: directory, input: input, environment: environment, timeout: timeout)
    }
}

extension ChildProcess {
    /// `runToEnd` on the calling thread, which it blocks until the program ends.
    static func runToEnd(_ executable: URL, _ arguments: [String], in directory: URL? = nil, input: String? = nil,
                         environment: [String: String] = ProcessInfo.processInfo.environment,
                         timeout: TimeInterval = 120) throws -> Finished {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let files = (input: scratch.appendingPathComponent("in"), output: scratch.appendingPathComponent("out"),
                     errors: scratch.appendingPathComponent("err"))
        if let input { try Data(input.utf8).write(to: files.input) }
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory,
                                     input: input == nil ? nil : files.input.path, output: files.output.path, errors: files.errors.path)
        guard child.wait(timeout: timeout) else {
            child.terminate()
            throw PulseDaemon.Failure(description: "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        func read(_ file: URL) -> String { String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self) }
        return Finished(status: child.exitCode ?? -1, stdout: read(files.output), stderr: read(files.errors))
    }
}
