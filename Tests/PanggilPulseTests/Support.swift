import Foundation
import Logging
import PanggilPulse
import PanggilTesting
import PanggilVoice
import Testing

let sampleRate = 22_050

/// Below this magnitude a recorded sample counts as silence. An idle null sink's monitor records exact
/// zeros; the test signals peak above 10,000.
let silence = 64

/// Tones with gaps between them, the way a chime and words follow each other, so that the signal has a
/// shape in time to be found by in a recording. Short fades keep the edges from clicking.
func tones(_ parts: [(hertz: Double, seconds: Double)], gap: Double = 0.08, amplitude: Double = 0.35) -> PCM {
    var pcm = PCM(sampleRate: sampleRate)
    let fade = Double(sampleRate) * 0.005
    for (index, part) in parts.enumerated() {
        if index > 0 { pcm.append(.silence(seconds: gap, sampleRate: sampleRate)) }
        let count = Int(part.seconds * Double(sampleRate))
        pcm.samples += (0..<count).map { sample in
            let edge = min(1, Double(sample) / fade, Double(count - sample) / fade)
            let value = sin(2 * .pi * part.hertz * Double(sample) / Double(sampleRate))
            return Int16(amplitude * edge * 32_767 * value)
        }
    }
    return pcm
}

/// The shipped chime and two words of the Indonesian voice pack ("loket tiga"), with the gaps a
/// rendered call has: real speech and chime, not only test tones.
func renderedLike() throws -> PCM {
    let audio = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("audio")
    func wav(_ path: String) throws -> PCM {
        try WAVFile.read(Data(contentsOf: audio.appendingPathComponent(path))).resampled(to: sampleRate)
    }
    var pcm = try wav("chimes/ding-dong.wav")
    pcm.append(.silence(seconds: 0.15, sampleRate: sampleRate))
    pcm.append(try wav("voices/id/loket.wav"))
    pcm.append(.silence(seconds: 0.1, sampleRate: sampleRate))
    pcm.append(try wav("voices/id/tiga.wav"))
    return pcm
}

/// Runs `body` with a private daemon (sinks zona_1 and zona_2) and an output connected to it, and
/// stops both however `body` ends.
func withPulse(_ body: (PulseDaemon, PulseOutput, LogCapture) async throws -> Void) async throws {
    let daemon = try await PulseDaemon.start(sinks: ["zona_1", "zona_2"])
    defer { daemon.stop() }
    let logs = LogCapture()
    let output = PulseOutput(server: daemon.server, logger: logs.logger)
    defer { output.shutdown() }
    output.start()
    try await waitUntilConnected(output, within: .seconds(10))
    try await body(daemon, output, logs)
}

/// `output.waitUntilConnected()`, failing the test instead of hanging it.
func waitUntilConnected(_ output: PulseOutput, within limit: Duration) async throws {
    _ = await within(limit) { await output.waitUntilConnected() }
    try #require(output.status == .connected, "not connected within \(limit): \(output.status)")
}

/// What `body` returns, or nil if it takes longer than `limit`: a call that never returns fails its test
/// instead of hanging the run. (A task group would wait for the hung call; this leaves it behind.)
func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async -> T) async -> T? {
    let first = FirstOf<T?>()
    return await withCheckedContinuation { continuation in
        first.set(continuation)
        Task { first.resume(await body()) }
        Task {
            try? await Task.sleep(for: limit)
            first.resume(nil)
        }
    }
}

/// Resumes a continuation with the first value offered.
private final class FirstOf<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?

    func set(_ continuation: CheckedContinuation<T, Never>) {
        lock.withLock { self.continuation = continuation }
    }

    func resume(_ value: T) {
        lock.withLock {
            defer { continuation = nil }
            return continuation
        }?.resume(returning: value)
    }
}

/// Polls `condition` until it holds; false on timeout.
func eventually(within limit: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}

/// Keeps what is logged through `logger`, at every level.
final class LogCapture: @unchecked Sendable {
    struct Entry {
        var level: Logger.Level
        var message: String
    }

    private let lock = NSLock()
    private var kept: [Entry] = []

    var entries: [Entry] { lock.withLock { kept } }

    var logger: Logger {
        var logger = Logger(label: "panggil.pulse.test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    func entries(_ level: Logger.Level) -> [String] {
        entries.filter { $0.level == level }.map(\.message)
    }

    fileprivate func keep(_ entry: Entry) { lock.withLock { kept.append(entry) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.keep(Entry(level: event.level, message: event.message.description))
        }
    }
}
