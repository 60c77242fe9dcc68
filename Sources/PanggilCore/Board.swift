import Foundation

/// What every screen shows: each counter's state and ticket, each service's queue, and the recent calls
/// of the local day. It is a projection of the event log: `applying` every event in order gives the same
/// board as reading the store's current state (`QueueStore.board`), and tests hold both to that.
public struct Board: Sendable, Equatable {
    public static let recentCallLimit = 10

    public var day: LocalDate
    /// The last event folded in.
    public var seq: Int64
    public var counters: [Int: CounterView]
    public var queues: [String: ServiceQueue]
    /// Newest first, at most `recentCallLimit`.
    public var recentCalls: [Call]
    /// Notices and emergencies now active, oldest first. They outlive the day they started on.
    public var broadcasts: [Broadcast] = []

    /// An empty board for a site: every counter closed, every queue empty.
    public init(site: Site, day: LocalDate, seq: Int64 = 0) {
        self.day = day
        self.seq = seq
        counters = Dictionary(uniqueKeysWithValues: site.counters.map { ($0.number, CounterView(number: $0.number)) })
        queues = Dictionary(uniqueKeysWithValues: site.services.map { ($0.code, ServiceQueue(service: $0.code)) })
        recentCalls = []
    }

    public struct CounterView: Sendable, Equatable {
        public var number: Int
        public var state: CounterState = .closed
        public var ticket: TicketRef?
        /// `.called` or `.serving` while the counter holds a ticket.
        public var ticketState: TicketState?
        /// When the ticket was last called or started.
        public var since: Date?

        public init(number: Int, state: CounterState = .closed, ticket: TicketRef? = nil,
                    ticketState: TicketState? = nil, since: Date? = nil) {
            self.number = number
            self.state = state
            self.ticket = ticket
            self.ticketState = ticketState
            self.since = since
        }
    }

    public struct ServiceQueue: Sendable, Equatable {
        public var service: String
        /// In order of joining the queue (oldest first).
        public var waiting: [QueuedTicket] = []
        /// The ticket of this service called last today: "now serving" on the phone page.
        public var lastCalled: TicketRef?
        /// Tickets of today completed in this service, and their total service time, for wait estimates.
        public var served: Int = 0
        public var servedMillis: Int64 = 0

        public init(service: String, waiting: [QueuedTicket] = [], lastCalled: TicketRef? = nil,
                    served: Int = 0, servedMillis: Int64 = 0) {
            self.service = service
            self.waiting = waiting
            self.lastCalled = lastCalled
            self.served = served
            self.servedMillis = servedMillis
        }

        public var priorityWaiting: Int { waiting.count { $0.ticket.priority } }
    }

    public struct QueuedTicket: Sendable, Equatable {
        public var ticket: TicketRef
        public var queuedAt: Date

        public init(ticket: TicketRef, queuedAt: Date) {
            self.ticket = ticket
            self.queuedAt = queuedAt
        }

        func isAhead(of other: QueuedTicket) -> Bool {
            (queuedAt, ticket.id) < (other.queuedAt, other.ticket.id)
        }
    }

    public struct Call: Sendable, Equatable {
        public var ticket: TicketRef
        public var counter: Int
        public var at: Date
        public var isRecall: Bool

        public init(ticket: TicketRef, counter: Int, at: Date, isRecall: Bool) {
            self.ticket = ticket
            self.counter = counter
            self.at = at
            self.isRecall = isRecall
        }
    }
}

// MARK: - Folding events

extension Board {
    /// Starts a new local day: yesterday's waiting tickets, calls and statistics leave the screens;
    /// counters keep their state and whatever ticket they still hold.
    public mutating func rollOver(to newDay: LocalDate) {
        guard newDay > day else { return }
        day = newDay
        recentCalls = []
        for code in queues.keys {
            queues[code]!.waiting.removeAll { $0.ticket.day < newDay }
            queues[code]!.lastCalled = nil
            queues[code]!.served = 0
            queues[code]!.servedMillis = 0
        }
    }

    public mutating func apply(_ event: QueueEvent) {
        rollOver(to: event.day)
        defer { seq = max(seq, event.seq) }
        if event.type.isAnnouncement { return }
        if event.type.isBroadcast {
            if let broadcast = event.broadcast {
                broadcasts.removeAll { $0.id == broadcast.id }
                if event.type == .broadcastStarted {
                    var started = broadcast
                    started.startedEvent = event.seq
                    broadcasts.append(started)
                }
            }
            return
        }
        if event.type == .counterChanged {
            if let number = event.counter, let state = event.counterState {
                counters[number]?.state = state
            }
            return
        }
        guard let ticket = event.ticket else { return }
        switch event.type {
        case .ticketIssued, .ticketRequeued:
            enqueue(ticket, at: event.at)
        case .ticketCalled:
            dequeue(ticket)
            if let number = event.counter {
                counters[number]?.ticket = ticket
                counters[number]?.ticketState = .called
                counters[number]?.since = event.at
                recordCall(Call(ticket: ticket, counter: number, at: event.at, isRecall: false), on: event.day)
            }
            if ticket.day == day, event.day == day { queues[ticket.service]?.lastCalled = ticket }
        case .ticketRecalled:
            if let number = event.counter {
                counters[number]?.since = event.at
                recordCall(Call(ticket: ticket, counter: number, at: event.at, isRecall: true), on: event.day)
            }
        case .ticketStarted:
            if let number = event.counter {
                counters[number]?.ticketState = .serving
                counters[number]?.since = event.at
            }
        case .ticketCompleted:
            if let number = event.counter, let since = counters[number]?.since, ticket.day == day {
                queues[ticket.service]?.served += 1
                queues[ticket.service]?.servedMillis += Int64((event.at.timeIntervalSince(since) * 1000).rounded())
            }
            release(event.counter)
        case .ticketNoShow:
            release(event.counter)
        case .ticketTransferred:
            release(event.counter)
            enqueue(ticket, at: event.at)
        case .ticketCancelled:
            dequeue(ticket)
        case .counterChanged, .announcementStarted, .announcementFinished, .broadcastStarted, .broadcastEnded:
            break
        }
    }

    public func applying(_ events: some Sequence<QueueEvent>) -> Board {
        var board = self
        for event in events { board.apply(event) }
        return board
    }

    private mutating func enqueue(_ ticket: TicketRef, at instant: Date) {
        // Only today's tickets wait on today's board (a requeued ticket from yesterday stays off it).
        guard ticket.day == day, queues[ticket.service] != nil else { return }
        let entry = QueuedTicket(ticket: ticket, queuedAt: instant)
        // Clocks of different writers may disagree slightly; keep the store's order, not arrival order.
        let index = queues[ticket.service]!.waiting.firstIndex { entry.isAhead(of: $0) }
            ?? queues[ticket.service]!.waiting.endIndex
        queues[ticket.service]!.waiting.insert(entry, at: index)
    }

    private mutating func dequeue(_ ticket: TicketRef) {
        for code in queues.keys {
            queues[code]!.waiting.removeAll { $0.ticket.id == ticket.id }
        }
    }

    private mutating func release(_ counter: Int?) {
        guard let counter else { return }
        counters[counter]?.ticket = nil
        counters[counter]?.ticketState = nil
        counters[counter]?.since = nil
    }

    private mutating func recordCall(_ call: Call, on callDay: LocalDate) {
        // A call of yesterday that arrives after the board rolled over (a late feed, a clock behind)
        // does not belong on today's screens; the store's snapshot leaves it out too.
        guard callDay == day else { return }
        recentCalls.insert(call, at: 0)
        if recentCalls.count > Self.recentCallLimit { recentCalls.removeLast(recentCalls.count - Self.recentCallLimit) }
    }
}

// MARK: - Estimates

extension Board {
    /// Typical service time of a service today, from the tickets it completed, else from the site file.
    public func meanServiceSeconds(_ service: Service) -> Double {
        guard let queue = queues[service.code], queue.served > 0 else {
            return Double(service.typicalServiceMinutes * 60)
        }
        return Double(queue.servedMillis) / Double(queue.served) / 1000
    }

    /// Open counters that call from a service.
    public func openCounters(serving code: String, in site: Site) -> Int {
        (site.counterNumbersByService[code] ?? []).count { counters[$0]?.state == .open }
    }

    /// How many tickets call-next would take before this one, within its service.
    public func peopleAhead(of ticketID: Int64, policy: CallPolicy) -> Int? {
        for queue in queues.values {
            guard let index = queue.waiting.firstIndex(where: { $0.ticket.id == ticketID }) else { continue }
            let ticket = queue.waiting[index]
            switch policy {
            case .priorityFirst:
                if ticket.ticket.priority {
                    return queue.waiting[..<index].count { $0.ticket.priority }
                }
                return queue.priorityWaiting + queue.waiting[..<index].count { !$0.ticket.priority }
            case .interleave:
                return index
            }
        }
        return nil
    }

    /// Seconds until `ahead` people are served, spread over the open counters of the service.
    public func estimatedWaitSeconds(ahead: Int, service: Service, site: Site) -> Int {
        let counters = max(1, openCounters(serving: service.code, in: site))
        let seconds = Double(ahead) * meanServiceSeconds(service) / Double(counters)
        // Times written by another program could be absurd; an estimate never traps on them.
        return seconds.isFinite ? Int(min(max(seconds, 0), 86_400 * 7).rounded()) : 0
    }
}
