/// A refused command. `code` is the stable, machine-readable name (the API's `error.code`);
/// `message` is Indonesian, for the officer or citizen who sees it.
public struct QueueError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unknownService = "unknown_service"
        case unknownCounter = "unknown_counter"
        case unknownZone = "unknown_zone"
        case ticketNotFound = "ticket_not_found"
        case invalidState = "invalid_state"
        case queueEmpty = "queue_empty"
        case counterClosed = "counter_closed"
        case counterBusy = "counter_busy"
        case serviceNotServed = "service_not_served"
        case sameService = "same_service"
        case quotaReached = "quota_reached"
        case serviceClosed = "service_closed"
        case broadcastNotFound = "broadcast_not_found"
        case invalidBroadcast = "invalid_broadcast"
    }

    /// What kind of refusal this is, so that transports pick a fitting status.
    public enum Kind: Sendable {
        case notFound
        case conflict
        case invalid
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var kind: Kind {
        switch code {
        case .unknownService, .unknownCounter, .unknownZone, .ticketNotFound, .broadcastNotFound: .notFound
        case .sameService, .serviceNotServed, .invalidBroadcast: .invalid
        case .invalidState, .queueEmpty, .counterClosed, .counterBusy, .quotaReached, .serviceClosed: .conflict
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension QueueError {
    public static func unknownService(_ code: String) -> QueueError {
        QueueError(.unknownService, "Layanan '\(code)' tidak ada di situs ini.")
    }

    public static func unknownCounter(_ number: Int) -> QueueError {
        QueueError(.unknownCounter, "Loket \(number) tidak ada di situs ini.")
    }

    public static func ticketNotFound(_ selector: TicketSelector) -> QueueError {
        switch selector {
        case .id(let id): QueueError(.ticketNotFound, "Tiket #\(id) tidak ditemukan.")
        case .label(let label): QueueError(.ticketNotFound, "Tiket \(label) tidak ditemukan hari ini.")
        }
    }
}
