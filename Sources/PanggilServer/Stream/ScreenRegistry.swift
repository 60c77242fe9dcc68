import Foundation

/// The screens following the stream now, and those that did in the last day: the admin page lists them
/// so that a supervisor can find the TV that has gone dark before a citizen misses a call on it.
/// Phones (the page behind a ticket's QR code) are citizens' own devices and are only counted.
final class ScreenRegistry: @unchecked Sendable {
    struct Screen: Sendable, Equatable {
        /// The display profile it opened (`/d/lobi`), when it opened one.
        var display: String?
        var layout: String?
        /// Its filters as the stream was asked for them, e.g. `zone=z1`.
        var scope: String
        var address: String
        var userAgent: String?
        var connectedAt: Date
        var lastSeen: Date
        var connected: Bool
    }

    /// Screens gone for longer are forgotten; so are the oldest beyond `capacity`.
    static let memory: TimeInterval = 24 * 3600
    static let capacity = 500

    private let lock = NSLock()
    private var open: [Int: Screen] = [:]
    /// By display and address: a TV that reconnects replaces its own entry.
    private var gone: [String: Screen] = [:]
    private var phones = 0

    func connected(_ id: Int, _ screen: Screen) {
        lock.withLock {
            gone[Self.key(screen)] = nil
            open[id] = screen
        }
    }

    func phoneConnected() {
        lock.withLock { phones += 1 }
    }

    func phoneDisconnected() {
        lock.withLock { phones = max(0, phones - 1) }
    }

    func disconnected(_ id: Int, at time: Date) {
        lock.withLock {
            guard var screen = open.removeValue(forKey: id) else { return }
            screen.connected = false
            screen.lastSeen = time
            gone[Self.key(screen)] = screen
            if gone.count > Self.capacity, let oldest = gone.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                gone[oldest.key] = nil
            }
        }
    }

    /// Connected screens first (by name), then those gone (most recently seen first); a connected
    /// screen was seen now, as far as its open connection tells.
    func list(now: Date) -> (screens: [Screen], phones: Int) {
        lock.withLock {
            gone = gone.filter { now.timeIntervalSince($0.value.lastSeen) <= Self.memory }
            let live = open.values.map { screen -> Screen in
                var screen = screen
                screen.lastSeen = now
                return screen
            }.sorted { ($0.display ?? "~", $0.address, $0.connectedAt) < ($1.display ?? "~", $1.address, $1.connectedAt) }
            let lost = gone.values.sorted { $0.lastSeen > $1.lastSeen }
            return (live + lost, phones)
        }
    }

    private static func key(_ screen: Screen) -> String {
        "\(screen.display ?? "") \(screen.scope) \(screen.address)"
    }
}
