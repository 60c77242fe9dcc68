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

    public init(
        seq: Int64, at: Date, day: LocalDate, type: EventType, actor: EventActor, ticket: TicketRef? = nil,
        counter: Int? = nil, counterState: CounterState? = nil, fromService: String? = nil
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
    }
}
