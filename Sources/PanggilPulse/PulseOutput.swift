import Logging
import PanggilVoice

/// Announcements heard through PulseAudio: one playback stream per call, on the zone's sink, with the
/// role `announcement` (so that module-role-ducking can lower music under it).
///
/// The connection lives on libpulse's own thread and outlives the sound server: when the daemon is
/// missing or goes away, `PulseOutput` keeps trying with a growing pause between attempts (0.25 s
/// doubling up to 5 s), logs one warning for the whole outage and a notice when it is back, and `play`
/// fails at once meanwhile. Nothing here blocks or crashes the process because PulseAudio is not there.
public final class PulseOutput: AudioOutput {
    private let connection: PulseConnection

    /// - Parameters:
    ///   - server: a PulseAudio server string (`unix:/run/user/1000/pulse/native`, `tcp:host`); nil lets
    ///     libpulse choose as any client would (`PULSE_SERVER`, client.conf, the user's session).
    ///   - targetLatency: how much audio the server buffers ahead of the speaker. Small, so that an
    ///     announcement starts promptly and a cancelled one stops promptly; libpulse's default is about
    ///     two seconds.
    public init(server: String? = nil, targetLatency: Duration = .milliseconds(40), logger: Logger) {
        connection = PulseConnection(server: server, targetLatency: targetLatency, logger: logger)
    }

    deinit {
        connection.shutdown()
    }

    /// Starts connecting and returns at once; `status` and `waitUntilConnected()` tell when it is done.
    public func start() {
        connection.start()
    }

    /// Stops every playback (their `play` calls throw `.disconnected`), releases every waiter, closes
    /// the connection and stops libpulse's thread. The output cannot be started again.
    public func shutdown() {
        connection.shutdown()
    }

    public var status: AudioStatus {
        connection.status
    }

    /// Also returns once `shutdown()` has been called, since no connection will come after it.
    public func waitUntilConnected() async {
        await connection.waitUntilConnected()
    }

    /// Throws `.disconnected` at once when not connected; `.unknownSink` when the server has no such
    /// sink; `.failed` for any other refusal.
    public func play(_ pcm: PCM, sink: String?, volume: Double) async throws {
        try await connection.play(pcm, sink: sink, volume: volume)
    }
}
