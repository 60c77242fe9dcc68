import Foundation

/// What a broadcast is for: running text on the screens, or an emergency that takes them over.
public enum BroadcastKind: String, Sendable, Codable, CaseIterable {
    /// Running text in the displays' notice line.
    case notice
    /// A message that covers every screen of its zones until it is ended.
    case emergency
}

/// A message to the hall, active from its `broadcast.started` event until its `broadcast.ended`.
public struct Broadcast: Sendable, Equatable {
    /// Numbered by the store, independently of event sequence numbers.
    public var id: Int64
    public var kind: BroadcastKind
    public var text: String
    /// The zones it reaches; empty means every zone of the site.
    public var zones: [String]
    public var startedAt: Date

    /// Long enough for an evacuation instruction, short enough to read on a running line.
    public static let maxTextLength = 500

    public init(id: Int64, kind: BroadcastKind, text: String, zones: [String], startedAt: Date) {
        self.id = id
        self.kind = kind
        self.text = text
        self.zones = zones
        self.startedAt = startedAt
    }

    /// Whether a screen or speaker following some of `zones` (nil: all) hears it.
    public func reaches(zones scope: Set<String>?) -> Bool {
        Self.zones(zones, reach: scope)
    }

    /// The rule behind `reaches`, for broadcasts already turned into other shapes: no zones means
    /// every zone.
    public static func zones(_ target: [String], reach scope: Set<String>?) -> Bool {
        guard let scope, !target.isEmpty else { return true }
        return !scope.isDisjoint(with: target)
    }
}
