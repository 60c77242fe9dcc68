import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private PulseAudio daemon for tests: null sinks (one per zone) whose monitors are recorded from
/// the start, reachable only through its own socket.
///
/// Each daemon runs as the current user (also as root, in "user mode", which PulseAudio warns about but
/// allows) with its home, runtime and configuration directories inside a fresh temporary directory,
/// so several can run at once and none touches a real session. It is a child of the test process;
/// `stop()` (also called on deinit, and for any daemon still running when the process exits normally)
/// ends it and its recorders.
///
/// Every sink's monitor is recorded by one `parecord` for the daemon's whole life, and `record(sink:)`
/// hands out what it captures from then on. A recorder started per `record` call would miss the start:
/// an idle null sink renders two seconds ahead, so a new recorder hears nothing for up to two seconds.
/// A recorder asking for 10 ms keeps the sink at that latency, and suspending and resuming each sink
/// once at launch drops what it had already rendered; from then on the monitors follow the wall clock.
public final class PulseDaemon: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let sinks: [String]
    /// The rate of every recording (mono, 16-bit).
    public let sampleRate: Int
    /// Holds the socket, the logs (`pulseaudio.log`, `parecord-*.log`) and the daemon's home and
    /// runtime directories.
    public let directory: URL
    public let socketPath: String
    /// The server string for libpulse clients: `unix:<directory>/native`.
    public var server: String { "unix:" + socketPath }

    private let lock = NSLock()
    private var daemon: ChildProcess?
    private var taps: [String: Tap] = [:]
    private var launches = 0
    private var stopped = false

    private init(sinks: [String], sampleRate: Int, directory: URL) {
        self.sinks = sinks
        self.sampleRate = sampleRate
        self.directory = directory
        socketPath = directory.appendingPathComponent("native").path
    }

    /// Starts a daemon with one null sink per name and returns once every sink is there and recorded.
    public static func start(sinks: [String], sampleRate: Int = 22_050) throws -> PulseDaemon {
        let daemon = PulseDaemon(sinks: sinks, sampleRate: sampleRate, directory: try makeDirectory())
        do {
            try daemon.launch()
        } catch {
            daemon.stop()
            throw error
        }
        return daemon
    }

    deinit { stop() }

    /// Ends the daemon abruptly (SIGKILL), as a crash would, and waits until it is gone.
    public func kill() {
        let (daemon, taps) = lock.withLock { () -> (ChildProcess?, [Tap]) in
            defer {
                self.daemon = nil
                self.taps = [:]
            }
            return (self.daemon, Array(self.taps.values))
        }
        if let daemon {
            daemon.signal(SIGKILL)
            _ = daemon.wait(timeout: 5)
        }
        for tap in taps { tap.stop() }
    }

    /// Starts the daemon again on the same socket with the same sinks, after `kill()`.
    public func restart() throws {
        kill()
        try launch()
    }

    /// Ends the recorders and the daemon, and removes the directory. Safe to call more than once.
    public func stop() {
        let (daemon, taps) = lock.withLock { () -> (ChildProcess?, [Tap]) in
            stopped = true
            defer {
                self.daemon = nil
                self.taps = [:]
            }
            return (self.daemon, Array(self.taps.values))
        }
        for tap in taps { tap.stop() }
        daemon?.terminate()
        try? FileManager.default.removeItem(at: directory)
    }

    /// What the monitor of `sink` (what the sink plays) records from now on.
    public func record(sink: String) throws -> Recording {
        guard let tap = lock.withLock({ taps[sink] }) else {
            throw Failure(description: "no recorder for sink '\(sink)' (sinks: \(sinks); daemon running: \(lock.withLock { daemon != nil }))")
        }
        return Recording(tap: tap)
    }

    /// Runs `pactl` against the daemon (`["list", "sink-inputs"]`) and returns what it printed.
    public func pactl(_ arguments: [String]) throws -> String {
        let (succeeded, output) = try run("pactl", ["--server=\(server)"] + arguments)
        guard succeeded else { throw Failure(description: "pactl \(arguments.joined(separator: " ")) failed: \(output)") }
        return output
    }

    /// The daemon's own log so far, for failure messages.
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("pulseaudio.log"), encoding: .utf8)) ?? ""
    }

    // MARK: -

    private func launch() throws {
        let arguments = [
            "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--system=no",
            "--high-priority=no", "--realtime=no", "--no-cpu-limit=yes", "--disallow-exit=yes",
            "--log-target=stderr", "--log-level=info",
            "--load=module-native-protocol-unix socket=\(socketPath) auth-anonymous=1",
        ] + sinks.map { "--load=module-null-sink sink_name=\($0)" }
        let log = directory.appendingPathComponent("pulseaudio.log").path
        let (daemon, launch) = try lock.withLock { () -> (ChildProcess, Int) in
            guard !stopped else { throw Failure(description: "the PulseAudio daemon is stopped") }
            let daemon = try ChildProcess(
                try Self.executable("pulseaudio"), arguments, environment: environment, output: log, errors: log)
            self.daemon = daemon
            launches += 1
            return (daemon, launches)
        }
        try waitUntilReady(daemon)

        var taps: [String: Tap] = [:]
        do {
            for sink in sinks {
                taps[sink] = try Tap(
                    executable: try Self.executable("parecord"),
                    arguments: [
                        "--server=\(server)", "--device=\(sink).monitor", "--raw", "--format=s16le", "--channels=1",
                        "--rate=\(sampleRate)", "--latency-msec=10", "--verbose",
                    ],
                    environment: environment, directory: directory, name: "parecord-\(sink)-\(launch)", sampleRate: sampleRate)
            }
            for tap in taps.values { try tap.waitUntilConnected(timeout: 5) }
            for sink in sinks {
                for suspend in ["1", "0"] {
                    let (succeeded, output) = try run("pactl", ["--server=\(server)", "suspend-sink", sink, suspend])
                    guard succeeded else { throw Failure(description: "pactl suspend-sink \(sink) \(suspend): \(output)") }
                }
            }
            for tap in taps.values { try tap.waitForAudio(timeout: 5) }
        } catch {
            for tap in taps.values { tap.stop() }
            throw error
        }
        try lock.withLock {
            guard !stopped, self.daemon === daemon else {
                for tap in taps.values { tap.stop() }
                throw Failure(description: "the PulseAudio daemon was stopped while starting")
            }
            self.taps = taps
        }
    }

    /// Polls the daemon with pactl until it lists every sink: the socket appears before the sinks are
    /// loaded, and a fixed sleep would be either slow or flaky.
    private func waitUntilReady(_ daemon: ChildProcess, timeout: TimeInterval = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            if let status = daemon.exitStatus {
                throw Failure(description: "pulseaudio exited (wait status \(status)):\n\(log)")
            }
            if FileManager.default.fileExists(atPath: socketPath) {
                let (succeeded, output) = try run("pactl", ["--server=\(server)", "list", "short", "sinks"])
                last = output
                let listed = output.split(separator: "\n").compactMap { $0.split(separator: "\t").dropFirst().first.map(String.init) }
                if succeeded, Set(sinks).isSubset(of: listed) { return }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw Failure(description: "pulseaudio not ready after \(timeout) s (pactl: \(last)):\n\(log)")
    }

    /// Runs a short-lived tool to its end; whether it succeeded and what it printed (both streams).
    private func run(_ tool: String, _ arguments: [String]) throws -> (Bool, String) {
        let run = try ChildProcess.runToEnd(try Self.executable(tool), arguments, environment: environment, timeout: 10)
        return (run.status == 0, run.stdout + run.stderr)
    }

    /// The daemon's and its clients' environment: everything PulseAudio reads for per-user state points
    /// into `directory`, and nothing leads to another server or session bus.
    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["PULSE_SERVER", "PULSE_SINK", "PULSE_SOURCE", "PULSE_COOKIE", "DISPLAY", "DBUS_SESSION_BUS_ADDRESS"] {
            environment.removeValue(forKey: name)
        }
        environment["HOME"] = directory.path
        environment["XDG_CONFIG_HOME"] = directory.appendingPathComponent("config").path
        environment["XDG_RUNTIME_DIR"] = directory.appendingPathComponent("run").path
        environment["PULSE_RUNTIME_PATH"] = directory.appendingPathComponent("run/pulse").path
        environment["PULSE_STATE_PATH"] = directory.appendingPathComponent("state").path
        environment["PULSE_CLIENTCONFIG"] = directory.appendingPathComponent("client.conf").path
        return environment
    }

    /// A short path: a unix socket's path must fit in 108 bytes, and TMPDIR may already be long.
    private static func makeDirectory() throws -> URL {
        var base = FileManager.default.temporaryDirectory.path
        if base.utf8.count > 60 { base = "/tmp" }
        var template = Array((base + "/pulse-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "cannot create a temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        let directory = URL(fileURLWithPath: String(cString: made))
        for sub in ["config", "run", "run/pulse", "state"] {
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent(sub), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
        // Clients must never start a daemon of their own when this one is down (a test kills it on purpose).
        try Data("autospawn = no\n".utf8).write(to: directory.appendingPathComponent("client.conf"))
        return directory
    }

    /// The tool's path on PATH, as `which` finds it.
    static func executable(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(description: "\(name) not found on PATH; install it (Debian: apt-get install pulseaudio pulseaudio-utils)")
    }
}

extension PulseDaemon {
    /// What a sink's monitor captured from (just before) the moment `record(sink:)` was called, with
    /// when each piece arrived, so a test can tell when a sample was heard (give or take 10 ms).
    ///
    /// It starts 30 ms early. A sink renders up to its latency (10 ms here) ahead into its monitor, and a
    /// stream that starts right after `record` is placed at the present, before the end of what the
    /// monitor has already delivered (the sink rewinds to fit it in; the monitor cannot take back what it
    /// sent, so the stream's first milliseconds are lost). Without the early start, a sound played at
    /// once would begin before its recording does.
    public final class Recording: @unchecked Sendable {
        public let sampleRate: Int
        private let tap: Tap
        /// The tap's sample count when `record` was called; the recording starts 30 ms before it.
        private let origin: Int
        private let start: Int
        private let started = ContinuousClock.now
        private let lock = NSLock()
        private var end: Int?

        init(tap: Tap) {
            self.tap = tap
            sampleRate = tap.sampleRate
            origin = tap.sampleCount
            start = max(0, origin - tap.sampleRate * 30 / 1000)
        }

        /// The samples so far (until `stop()`, after it).
        public var samples: [Int16] {
            tap.samples(from: start, upTo: lock.withLock { end })
        }

        /// When the piece holding sample `index` (of this recording) arrived; nil if it has not.
        public func arrival(ofSample index: Int) -> ContinuousClock.Instant? {
            tap.arrival(ofSample: start + index)
        }

        /// Waits until `predicate` holds for the samples so far; false on timeout. Blocks the calling
        /// thread (polling every 10 ms).
        public func wait(timeout: Duration, until predicate: ([Int16]) -> Bool) -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if predicate(samples) { return true }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return predicate(samples)
        }

        /// Ends the recording and returns what the sink played until now. The recorder follows the
        /// sink's clock but can fall behind on a busy machine, so this waits (up to two seconds) for the
        /// samples due by now to arrive.
        @discardableResult
        public func stop() -> [Int16] {
            guard lock.withLock({ end == nil }) else { return samples }
            let elapsed = ContinuousClock.now - started
            let due = origin + Int(Double(elapsed.components.seconds) * Double(sampleRate) + Double(elapsed.components.attoseconds) * 1e-18 * Double(sampleRate)) - sampleRate / 50
            let deadline = ContinuousClock.now + .seconds(2)
            while tap.sampleCount < due, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.005) }
            let count = tap.sampleCount
            lock.withLock { end = end ?? count }
            return samples
        }
    }

    /// One parecord on a monitor for the daemon's life, and everything it delivered.
    final class Tap: @unchecked Sendable {
        let sampleRate: Int
        private let child: ChildProcess
        private let writer: Int32
        private let log: URL
        private let finished = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        /// (bytes received so far, when) after each read.
        private var arrivals: [(bytes: Int, at: ContinuousClock.Instant)] = []
        private var stopped = false

        /// parecord writes into a FIFO rather than a pipe: a pipe's write end would exist for a moment in
        /// this process without close-on-exec (Glibc's Swift module has no pipe2), and a child spawned
        /// meanwhile by another test could inherit it and keep the recording from ever ending.
        init(executable: URL, arguments: [String], environment: [String: String], directory: URL, name: String, sampleRate: Int) throws {
            self.sampleRate = sampleRate
            log = directory.appendingPathComponent(name + ".log")
            let fifo = directory.appendingPathComponent(name + ".fifo").path
            guard mkfifo(fifo, 0o600) == 0 else { throw Failure(description: "mkfifo \(fifo): \(String(cString: strerror(errno)))") }
            // Opening the read end must not wait for a writer; reading must, once there is one.
            let reading = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard reading >= 0 else { throw Failure(description: "open \(fifo): \(String(cString: strerror(errno)))") }
            _ = fcntl(reading, F_SETFL, fcntl(reading, F_GETFL) & ~O_NONBLOCK)
            // Our own write end keeps reads from seeing the end before parecord has opened the FIFO.
            writer = open(fifo, O_WRONLY | O_CLOEXEC)
            do {
                child = try ChildProcess(executable, arguments, environment: environment, output: fifo, errors: log.path)
            } catch {
                close(reading)
                close(writer)
                throw error
            }
            let thread = Thread { [self] in
                readUntilEnd(reading)
                close(reading)
                finished.signal()
            }
            thread.name = "parecord reader"
            thread.start()
        }

        deinit { stop() }

        var sampleCount: Int { lock.withLock { bytes.count / 2 } }

        func samples(from start: Int, upTo end: Int?) -> [Int16] {
            lock.withLock {
                let upper = min(end ?? Int.max, bytes.count / 2)
                guard upper > start else { return [] }
                return bytes.withUnsafeBytes { raw in
                    (start..<upper).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
                }
            }
        }

        func arrival(ofSample index: Int) -> ContinuousClock.Instant? {
            lock.withLock {
                // Arrivals are in order of growing size: the first piece that reaches past the sample.
                var low = 0, high = arrivals.count
                while low < high {
                    let middle = (low + high) / 2
                    if arrivals[middle].bytes > 2 * index { high = middle } else { low = middle + 1 }
                }
                return low < arrivals.count ? arrivals[low].at : nil
            }
        }

        func stop() {
            let first = lock.withLock { () -> Bool in
                defer { stopped = true }
                return !stopped
            }
            guard first else { return }
            child.terminate()
            close(writer)
            _ = finished.wait(timeout: .now() + 2)
        }

        /// parecord says so on its standard error (with --verbose) once its stream is on the monitor.
        func waitUntilConnected(timeout: TimeInterval) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if said.contains("Connected to device") { return }
                guard child.isRunning else { break }
                Thread.sleep(forTimeInterval: 0.005)
            }
            throw Failure(description: "parecord did not connect within \(timeout) s: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }

        func waitForAudio(timeout: TimeInterval) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if sampleCount > 0 { return }
                guard child.isRunning else { break }
                Thread.sleep(forTimeInterval: 0.005)
            }
            throw Failure(description: "parecord delivered nothing within \(timeout) s: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }

        private func readUntilEnd(_ descriptor: Int32) {
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                let now = ContinuousClock.now
                lock.withLock {
                    bytes += buffer[0..<count]
                    arrivals.append((bytes.count, now))
                }
            }
        }
    }
}

/// The waiting calls again, for async tests: they wait for processes and audio on a thread of their
/// own, since the concurrency runtime's few threads are shared by every test running at the time and
/// holding one for seconds stalls the others (and their timing).
extension PulseDaemon {
    public static func start(sinks: [String], sampleRate: Int = 22_050) async throws -> PulseDaemon {
        try await offloaded { try start(sinks: sinks, sampleRate: sampleRate) }
    }

    public func restart() async throws {
        try await offloaded { try self.restart() }
    }
}

extension PulseDaemon.Recording {
    public func wait(timeout: Duration, until predicate: @escaping @Sendable ([Int16]) -> Bool) async -> Bool {
        (try? await offloaded { self.wait(timeout: timeout, until: predicate) }) ?? false
    }

    @discardableResult
    public func stop() async -> [Int16] {
        (try? await offloaded { self.stop() }) ?? []
    }
}

/// Runs slow synchronous work (a wait, an FFT over a long recording) on a thread of its own, so that
/// it does not hold one of the few threads every concurrently running test shares.
public func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
