import Foundation

/// The type of a logged event. Raw values are the contract: the store's `events.type` column and
/// the SSE `event:` field.
public enum EventType: String, Sendable, Codable, CaseIterable {
    case ticketIssued = "ticket.issued"
    case ticketCalled = "ticket.called"
    case ticketRecalled = "ticket.recalled"
    case ticketStarted = "ticket.started"
    case ticketCompleted = "ticket.completed"
    case ticketNoShow = "ticket.no_show"
    case ticketRequeued = "ticket.requeued"
    case ticketTransferred = "ticket.transferred"
    case ticketCancelled = "ticket.cancelled"
    case counterChanged = "counter.changed"
    /// A call's announcement began to play in a zone.
    case announcementStarted = "announcement.started"
    /// It ended: played, or failed, dropped, interrupted or skipped (with the reason).
    case announcementFinished = "announcement.finished"
    /// A notice or an emergency message began (see `Broadcast`).
    case broadcastStarted = "broadcast.started"
    case broadcastEnded = "broadcast.ended"

    /// Announcement events record what the loudspeakers did; they change no ticket or counter.
    public var isAnnouncement: Bool { self == .announcementStarted || self == .announcementFinished }

    /// Broadcast events concern no ticket or counter either.
    public var isBroadcast: Bool { self == .broadcastStarted || self == .broadcastEnded }
}

/// How an announcement ended.
public enum AnnouncementOutcome: String, Sendable, Codable, CaseIterable {
    /// Heard to its end.
    case played
    /// The sound server was unreachable or the stream failed; it is tried again while still fresh.
    case failed
    /// Waited longer than the site allows (the loudspeakers were down): not played at all.
    case dropped
    /// Cut off by a more urgent announcement; it plays again afterwards.
    case interrupted
    /// The same ticket's call was still waiting to be played: said once, not twice.
    case skipped
}

/// What an `announcement.*` event says beyond its ticket and counter.
public struct AnnouncementRecord: Sendable, Equatable {
    /// The announcement's id: the sequence number of the event that asked for it (the call or recall),
    /// so a display that saw the call can fetch its audio as `/api/announcements/{id}.wav`.
    public var id: Int64
    /// The zone whose loudspeakers play it.
    public var zone: String
    /// Set on `announcement.finished`.
    public var outcome: AnnouncementOutcome?
    /// Why it did not play (Indonesian, shown to staff).
    public var reason: String?

    public init(id: Int64, zone: String, outcome: AnnouncementOutcome? = nil, reason: String? = nil) {
        self.id = id
        self.zone = zone
        self.outcome = outcome
        self.reason = reason
    }
}

/// Who caused an event: `user:budi`, `device:kiosk-1`, `cli:root`, `api`, `system`.
public struct EventActor: Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public static func cli(_ user: String) -> EventActor { EventActor("cli:\(user)") }
    public static let system = EventActor("system")
    /// Requests to the HTTP API before access control names a user or device.
    public static let api = EventActor("api")

    public var description: String { rawValue }
}

/// One row of the append-only event log: the source of truth that displays, speakers and reports follow.
public struct QueueEvent: Sendable, Equatable {
    /// Monotonic, contiguous, assigned at commit.
    public var seq: Int64
    public var at: Date
    /// The local day of `at` in the site's timezone.
    public var day: LocalDate
    public var type: EventType
    public var actor: EventActor
    /// The ticket after the change.
    public var ticket: TicketRef?
    /// The counter involved: the caller, the one the ticket left, or the one that changed state.
    public var counter: Int?
    public var counterState: CounterState?
    /// For transfers: the service the ticket left.
    public var fromService: String?
    /// For `announcement.*` events.
    public var announcement: AnnouncementRecord?
    /// For `broadcast.*` events: the broadcast as started.
    public var broadcast: Broadcast?

    public init(
        seq: Int64, at: Date, day: LocalDate, type: EventType, actor: EventActor, ticket: TicketRef? = nil,
        counter: Int? = nil, counterState: CounterState? = nil, fromService: String? = nil,
        announcement: AnnouncementRecord? = nil, broadcast: Broadcast? = nil
    ) {
        self.seq = seq
        self.at = at
        self.day = day
        self.type = type
        self.actor = actor
        self.ticket = ticket
        self.counter = counter
        self.counterState = counterState
        self.fromService = fromService
        self.announcement = announcement
        self.broadcast = broadcast
    }
}
