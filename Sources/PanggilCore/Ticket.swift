import Foundation

/// Where a ticket is in its life. Raw values are the store's and the API's spelling.
public enum TicketState: String, Sendable, Codable, CaseIterable {
    case waiting
    case called
    case serving
    case done
    case noShow = "no_show"
    case cancelled
}

/// A queue ticket. `prefix` and `number` never change, even when the ticket is transferred to another
/// service: the citizen keeps the number printed on the paper.
public struct Ticket: Sendable, Equatable {
    public var id: Int64
    /// Unguessable; opens the citizen's phone page. Never shown on public screens.
    public var publicCode: String
    public var prefix: String
    public var number: Int
    public var day: LocalDate
    /// The queue the ticket is in now.
    public var service: String
    public var priority: Bool
    public var state: TicketState
    /// The counter that called it, while called or serving.
    public var counter: Int?
    public var issuedAt: Date
    /// When it joined its current queue; call-next serves the longest-waiting first.
    public var queuedAt: Date
    public var calledAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var recalls: Int
    public var transfers: Int

    public init(
        id: Int64, publicCode: String, prefix: String, number: Int, day: LocalDate, service: String,
        priority: Bool, state: TicketState = .waiting, counter: Int? = nil, issuedAt: Date, queuedAt: Date? = nil,
        calledAt: Date? = nil, startedAt: Date? = nil, finishedAt: Date? = nil, recalls: Int = 0, transfers: Int = 0
    ) {
        self.id = id
        self.publicCode = publicCode
        self.prefix = prefix
        self.number = number
        self.day = day
        self.service = service
        self.priority = priority
        self.state = state
        self.counter = counter
        self.issuedAt = issuedAt
        self.queuedAt = queuedAt ?? issuedAt
        self.calledAt = calledAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.recalls = recalls
        self.transfers = transfers
    }

    /// `A-012`: what is printed, shown and typed.
    public var label: String { TicketLabel(prefix: prefix, number: number).description }

    public var ref: TicketRef {
        TicketRef(id: id, prefix: prefix, number: number, day: day, service: service, priority: priority)
    }
}

/// The public face of a ticket in events and on the board: no public code, no personal data.
public struct TicketRef: Sendable, Hashable, Codable {
    public var id: Int64
    public var prefix: String
    public var number: Int
    public var day: LocalDate
    public var service: String
    public var priority: Bool

    public init(id: Int64, prefix: String, number: Int, day: LocalDate, service: String, priority: Bool) {
        self.id = id
        self.prefix = prefix
        self.number = number
        self.day = day
        self.service = service
        self.priority = priority
    }

    public var label: String { TicketLabel(prefix: prefix, number: number).description }
}

/// A ticket's printed name: prefix, a dash and at least three digits (`A-012`, `AB-1200`).
public struct TicketLabel: Sendable, Hashable, CustomStringConvertible {
    public var prefix: String
    public var number: Int

    public init(prefix: String, number: Int) {
        self.prefix = prefix
        self.number = number
    }

    /// Reads what staff type: `A-012`, `a12`, `AB 7`.
    public init?(parsing text: String) {
        let cleaned = text.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        let letters = cleaned.prefix { $0.isASCII && $0.isLetter }
        let digits = cleaned.dropFirst(letters.count)
        guard (1...2).contains(letters.count), !digits.isEmpty, digits.count <= 6,
              digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits), number > 0 else { return nil }
        self.init(prefix: String(letters), number: number)
    }

    public var description: String {
        let digits = String(number)
        return "\(prefix)-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}

/// How a command names a ticket: its store id, or its label on the current local day.
public enum TicketSelector: Sendable, Hashable, CustomStringConvertible {
    case id(Int64)
    case label(TicketLabel)

    /// Digits alone are an id; anything else must read as a label.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(trimmed) {
            self = .id(id)
        } else if let label = TicketLabel(parsing: trimmed) {
            self = .label(label)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .id(let id): "#\(id)"
        case .label(let label): label.description
        }
    }
}
