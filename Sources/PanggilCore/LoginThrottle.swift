import Foundation

/// Slows down password guessing: after `freeFailures` failed sign-ins for the same name, or from the
/// same address, within `window`, further attempts are refused for a lockout that doubles with each
/// failure (from `firstLockout` up to `maxLockout`). A success clears the name. Time is passed in, so
/// that the rules are tested without waiting.
public struct LoginThrottle: Sendable {
    public var freeFailures = 5
    public var window: TimeInterval = 15 * 60
    public var firstLockout: TimeInterval = 30
    public var maxLockout: TimeInterval = 15 * 60

    private var failures: [String: [Date]] = [:]

    public init() {}

    /// Seconds until `keys` may try again, or nil if they may now.
    public func retryAfter(_ keys: [String], now: Date) -> TimeInterval? {
        var wait: TimeInterval = 0
        for key in keys {
            let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            guard recent.count >= freeFailures, let last = recent.last else { continue }
            let lockout = min(maxLockout, firstLockout * pow(2, Double(recent.count - freeFailures)))
            wait = max(wait, lockout - now.timeIntervalSince(last))
        }
        return wait > 0 ? wait : nil
    }

    public mutating func failed(_ keys: [String], now: Date) {
        for key in keys {
            var recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            failures[key] = recent
        }
        // Forget keys whose failures have all aged out, so that a scan of random names cannot grow this.
        if failures.count > 10_000 {
            failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
        }
    }

    public mutating func succeeded(_ key: String) {
        failures[key] = nil
    }
}
