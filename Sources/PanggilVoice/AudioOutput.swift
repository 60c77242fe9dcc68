/// Where announcements are heard: a sound server with one sink per zone (PulseAudio in production,
/// `PanggilPulse.PulseOutput`). The announcer needs nothing else from it.
public protocol AudioOutput: AnyObject, Sendable {
    /// The sound server's state now, for the health check and the logs.
    var status: AudioStatus { get }

    /// Returns once the sound server can take a stream, reconnecting as needed; returns early when
    /// the calling task is cancelled.
    func waitUntilConnected() async

    /// Plays `pcm` on `sink` (nil: the sound server's default sink) at `volume` (0...1, linear) and
    /// returns once its last sample has been played. Cancelling the calling task stops the sound at
    /// once and throws `CancellationError`; a lost connection or a missing sink throws `AudioOutputError`.
    func play(_ pcm: PCM, sink: String?, volume: Double) async throws
}

public enum AudioStatus: Sendable, Equatable {
    case connected
    /// Not connected now; trying again. `reason` says what went wrong last.
    case connecting(reason: String)

    public var isConnected: Bool { self == .connected }
}

public enum AudioOutputError: Error, Equatable, CustomStringConvertible {
    /// The sound server is not reachable, or went away during playback.
    case disconnected(String)
    /// The zone's sink does not exist on the sound server.
    case unknownSink(String)
    /// The stream failed for another reason.
    case failed(String)

    public var description: String {
        switch self {
        case .disconnected(let reason): "PulseAudio tidak tersambung: \(reason)"
        case .unknownSink(let sink): "sink PulseAudio '\(sink)' tidak ada"
        case .failed(let reason): "pemutaran gagal: \(reason)"
        }
    }
}
