import Foundation

// The ticket lifecycle as pure transitions. Each either changes the ticket or throws a `QueueError`
// and changes nothing; the store runs them inside the transaction that records the event.
//
//   waiting → called → (recalled)* → serving → done
//   called → no_show → waiting          (requeue)
//   called | serving → waiting in another service (transfer; keeps prefix, number, priority)
//   waiting → cancelled

extension TicketState {
    /// Indonesian, for messages to staff.
    public var indonesianName: String {
        switch self {
        case .waiting: "menunggu"
        case .called: "dipanggil"
        case .serving: "sedang dilayani"
        case .done: "selesai"
        case .noShow: "tidak hadir"
        case .cancelled: "dibatalkan"
        }
    }
}

extension Ticket {
    public mutating func call(at counter: Int, now: Date) throws {
        try require([.waiting], toBecome: "dipanggil")
        state = .called
        self.counter = counter
        calledAt = now
    }

    public mutating func recall(now: Date) throws {
        try require([.called], toBecome: "dipanggil ulang")
        recalls += 1
        calledAt = now
    }

    public mutating func start(now: Date) throws {
        try require([.called], toBecome: "mulai dilayani")
        state = .serving
        startedAt = now
    }

    public mutating func complete(now: Date) throws {
        try require([.serving], toBecome: "selesai")
        state = .done
        counter = nil
        finishedAt = now
    }

    public mutating func markNoShow(now: Date) throws {
        try require([.called], toBecome: "ditandai tidak hadir")
        state = .noShow
        counter = nil
        finishedAt = now
    }

    /// A no-show citizen who turns up late joins the back of the queue again.
    public mutating func requeue(now: Date) throws {
        try require([.noShow], toBecome: "dimasukkan ke antrian lagi")
        state = .waiting
        queuedAt = now
        calledAt = nil
        finishedAt = nil
    }

    public mutating func transfer(to target: String, now: Date) throws {
        try require([.called, .serving], toBecome: "dialihkan")
        guard target != service else {
            throw QueueError(.sameService, "Tiket \(label) sudah ada di layanan \(target).")
        }
        service = target
        state = .waiting
        counter = nil
        queuedAt = now
        calledAt = nil
        startedAt = nil
        transfers += 1
    }

    public mutating func cancel(now: Date) throws {
        try require([.waiting], toBecome: "dibatalkan")
        state = .cancelled
        finishedAt = now
    }

    private func require(_ allowed: Set<TicketState>, toBecome goal: String) throws {
        guard allowed.contains(state) else {
            throw QueueError(.invalidState, "Tiket \(label) sedang \(state.indonesianName), tidak bisa \(goal).")
        }
    }
}

/// Whether a counter is staffed.
public enum CounterState: String, Sendable, Codable, CaseIterable {
    case open
    case paused
    case closed

    public var indonesianName: String {
        switch self {
        case .open: "buka"
        case .paused: "istirahat"
        case .closed: "tutup"
        }
    }
}

/// A counter's live state as the store keeps it.
public struct CounterRecord: Sendable, Equatable {
    public var number: Int
    public var state: CounterState
    /// The ticket called to or served at this counter.
    public var ticketID: Int64?
    /// Regular tickets called since this counter last called a priority one (for `CallPolicy.interleave`).
    public var regularStreak: Int

    public init(number: Int, state: CounterState = .closed, ticketID: Int64? = nil, regularStreak: Int = 0) {
        self.number = number
        self.state = state
        self.ticketID = ticketID
        self.regularStreak = regularStreak
    }

    /// A counter calls only while open and free.
    public func checkCanCall() throws {
        switch state {
        case .open: break
        case .paused: throw QueueError(.counterClosed, "Loket \(number) sedang istirahat. Buka loket dulu untuk memanggil.")
        case .closed: throw QueueError(.counterClosed, "Loket \(number) tutup. Buka loket dulu untuk memanggil.")
        }
        if ticketID != nil {
            throw QueueError(.counterBusy,
                "Loket \(number) masih menangani tiket lain. Selesaikan, tandai tidak hadir, atau alihkan dulu.")
        }
    }

    public mutating func change(to target: CounterState) throws {
        guard target != state else {
            throw QueueError(.invalidState, "Loket \(number) sudah \(state.indonesianName).")
        }
        if target != .open, ticketID != nil {
            throw QueueError(.counterBusy,
                "Loket \(number) masih menangani tiket. Selesaikan dulu sebelum \(target == .paused ? "istirahat" : "menutup loket").")
        }
        state = target
    }
}
