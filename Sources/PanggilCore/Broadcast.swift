import Foundation

/// What a broadcast is for: running text on the screens, or an emergency that takes them over.
public enum BroadcastKind: String, Sendable, Codable, CaseIterable {
    /// Running text in the displays' notice line.
    case notice
    /// A message that covers every screen of its zones until it is ended.
    case emergency
}

/// Why the schedule posted a broadcast by itself; screens may show these differently (a counter's
/// screen shows the break instead of "Tutup").
public enum BroadcastOccasion: String, Sendable, Codable, CaseIterable {
    /// A break of the day's schedule (the Friday prayer break) has begun.
    case scheduledBreak = "break"
    /// The hall or a service closes in a few minutes.
    case closing
}

/// A message to the hall, active from its `broadcast.started` event until its `broadcast.ended`.
public struct Broadcast: Sendable, Equatable {
    /// Numbered by the store, independently of event sequence numbers.
    public var id: Int64
    public var kind: BroadcastKind
    /// In the site's first language (Indonesian).
    public var text: String
    /// The same message in English, shown and said after the Indonesian where the site uses English.
    public var english: String?
    /// The zones it reaches; empty means every zone of the site.
    public var zones: [String]
    /// When it began, or for one posted ahead of time, when it is to begin.
    public var startedAt: Date
    /// When it ends by itself; nil: when someone ends it.
    public var until: Date?
    /// Said on the loudspeakers when it starts. Emergencies are always said, and again and again.
    public var spoken: Bool
    /// Set when the schedule posted it.
    public var occasion: BroadcastOccasion?
    /// For a break: the services it stops (empty: every service), so that a counter screen shows the
    /// break only where it applies.
    public var services: [String]
    /// The sequence number of its `broadcast.started` event; nil until it has started.
    public var startedEvent: Int64?

    /// Long enough for an evacuation instruction, short enough to read on a running line.
    public static let maxTextLength = 500

    public init(id: Int64, kind: BroadcastKind, text: String, english: String? = nil, zones: [String], startedAt: Date,
                until: Date? = nil, spoken: Bool = false, occasion: BroadcastOccasion? = nil, services: [String] = [],
                startedEvent: Int64? = nil) {
        self.id = id
        self.kind = kind
        self.text = text
        self.english = english
        self.zones = zones
        self.startedAt = startedAt
        self.until = until
        self.spoken = spoken || kind == .emergency
        self.occasion = occasion
        self.services = services
        self.startedEvent = startedEvent
    }

    /// Whether it is on the screens at `now`: begun and not yet past its end.
    public func isShowing(at now: Date) -> Bool {
        startedAt <= now && (until.map { now < $0 } ?? true)
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

/// What someone asks to broadcast, before the store numbers it.
public struct BroadcastDraft: Sendable, Equatable {
    public var kind: BroadcastKind
    public var text: String
    public var english: String?
    public var zones: [String]
    /// Nil: now. A later time posts it ahead; it begins (and its `broadcast.started` is logged) then.
    public var startsAt: Date?
    public var until: Date?
    public var spoken: Bool
    public var occasion: BroadcastOccasion?
    public var services: [String]

    public init(kind: BroadcastKind, text: String, english: String? = nil, zones: [String] = [], startsAt: Date? = nil,
                until: Date? = nil, spoken: Bool = false, occasion: BroadcastOccasion? = nil, services: [String] = []) {
        self.kind = kind
        self.text = text
        self.english = english
        self.zones = zones
        self.startsAt = startsAt
        self.until = until
        self.spoken = spoken
        self.occasion = occasion
        self.services = services
    }
}
