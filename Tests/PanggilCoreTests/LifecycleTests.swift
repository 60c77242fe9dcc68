import Foundation
import Testing
@testable import PanggilCore

@Suite("Ticket lifecycle")
struct LifecycleTests {
    enum Step: String, CaseIterable {
        case call, recall, start, complete, noShow, requeue, transfer, cancel

        /// The states a step may start from; every other state must refuse it.
        var allowedFrom: Set<TicketState> {
            switch self {
            case .call: [.waiting]
            case .recall: [.called]
            case .start: [.called]
            case .complete: [.serving]
            case .noShow: [.called]
            case .requeue: [.noShow]
            case .transfer: [.called, .serving]
            case .cancel: [.waiting]
            }
        }

        func apply(to ticket: inout Ticket, now: Date) throws {
            switch self {
            case .call: try ticket.call(at: 3, now: now)
            case .recall: try ticket.recall(now: now)
            case .start: try ticket.start(now: now)
            case .complete: try ticket.complete(now: now)
            case .noShow: try ticket.markNoShow(now: now)
            case .requeue: try ticket.requeue(now: now)
            case .transfer: try ticket.transfer(to: "B", now: now)
            case .cancel: try ticket.cancel(now: now)
            }
        }
    }

    static let issued = Date(timeIntervalSince1970: 1_800_000_000)

    static func ticket(in state: TicketState) -> Ticket {
        let atCounter = state == .called || state == .serving
        return Ticket(id: 7, publicCode: "abc", prefix: "A", number: 12, day: LocalDate(year: 2026, month: 11, day: 30),
                      service: "A", priority: true, state: state, counter: atCounter ? 3 : nil, issuedAt: issued,
                      calledAt: atCounter ? issued + 60 : nil, startedAt: state == .serving ? issued + 90 : nil)
    }

    @Test("every step from every state: allowed ones change the ticket, refused ones change nothing",
          arguments: Step.allCases, TicketState.allCases)
    func everyTransition(step: Step, from state: TicketState) throws {
        var ticket = Self.ticket(in: state)
        let before = ticket
        let now = Self.issued + 600
        if step.allowedFrom.contains(state) {
            try step.apply(to: &ticket, now: now)
            #expect(ticket != before)
            #expect(ticket.number == 12 && ticket.prefix == "A" && ticket.priority, "number and priority never change")
        } else {
            let error = #expect(throws: QueueError.self) { try step.apply(to: &ticket, now: now) }
            #expect(error?.code == .invalidState)
            #expect(error?.message.contains("A-012") == true)
            #expect(ticket == before)
        }
    }

    @Test func callRecordsCounterAndTime() throws {
        var ticket = Self.ticket(in: .waiting)
        try ticket.call(at: 5, now: Self.issued + 10)
        #expect(ticket.state == .called && ticket.counter == 5 && ticket.calledAt == Self.issued + 10)
        try ticket.recall(now: Self.issued + 20)
        #expect(ticket.recalls == 1 && ticket.calledAt == Self.issued + 20)
        try ticket.start(now: Self.issued + 25)
        try ticket.complete(now: Self.issued + 30)
        #expect(ticket.state == .done && ticket.counter == nil && ticket.finishedAt == Self.issued + 30)
    }

    @Test func transferJoinsTheBackOfTheTargetQueue() throws {
        var ticket = Self.ticket(in: .serving)
        try ticket.transfer(to: "B", now: Self.issued + 900)
        #expect(ticket.state == .waiting && ticket.service == "B" && ticket.counter == nil)
        #expect(ticket.queuedAt == Self.issued + 900 && ticket.transfers == 1)
        #expect(ticket.label == "A-012")
    }

    @Test func transferToTheSameServiceIsRefused() {
        var ticket = Self.ticket(in: .called)
        #expect(throws: QueueError(.sameService, "Tiket A-012 sudah ada di layanan A.")) {
            try ticket.transfer(to: "A", now: Self.issued)
        }
    }

    @Test func requeueJoinsTheBack() throws {
        var ticket = Self.ticket(in: .noShow)
        try ticket.requeue(now: Self.issued + 1000)
        #expect(ticket.state == .waiting && ticket.queuedAt == Self.issued + 1000 && ticket.calledAt == nil)
    }
}

@Suite("Counter state")
struct CounterRecordTests {
    @Test func onlyAnOpenFreeCounterCalls() throws {
        #expect(throws: Never.self) { try CounterRecord(number: 1, state: .open).checkCanCall() }
        for state in [CounterState.paused, .closed] {
            let error = #expect(throws: QueueError.self) { try CounterRecord(number: 1, state: state).checkCanCall() }
            #expect(error?.code == .counterClosed)
        }
        let busy = #expect(throws: QueueError.self) { try CounterRecord(number: 1, state: .open, ticketID: 9).checkCanCall() }
        #expect(busy?.code == .counterBusy)
    }

    @Test func aCounterHoldingATicketCannotPauseOrClose() throws {
        var record = CounterRecord(number: 2, state: .open, ticketID: 4)
        #expect(throws: QueueError.self) { try record.change(to: .paused) }
        #expect(throws: QueueError.self) { try record.change(to: .closed) }
        #expect(record.state == .open)
        record.ticketID = nil
        try record.change(to: .paused)
        #expect(record.state == .paused)
        let same = #expect(throws: QueueError.self) { try record.change(to: .paused) }
        #expect(same?.code == .invalidState)
    }
}

@Suite("Call-next policy")
struct CallPolicyTests {
    let regular = Candidate(ticketID: 1, priority: false)
    let priority = Candidate(ticketID: 2, priority: true)

    @Test func priorityFirstAlwaysTakesAWaitingPriorityTicket() {
        for streak in 0..<5 {
            let choice = CallPolicy.priorityFirst.choose(oldestRegular: regular, oldestPriority: priority, regularStreak: streak)
            #expect(choice?.ticket == priority && choice?.regularStreak == 0)
        }
        #expect(CallPolicy.priorityFirst.choose(oldestRegular: regular, oldestPriority: nil, regularStreak: 3)?.ticket == regular)
        #expect(CallPolicy.priorityFirst.choose(oldestRegular: nil, oldestPriority: nil, regularStreak: 0) == nil)
    }

    @Test func interleaveCallsOnePriorityAfterNRegular() {
        let policy = CallPolicy.interleave(regularPerPriority: 3)
        var streak = 0
        var picks: [Bool] = []
        for _ in 0..<8 {
            let choice = policy.choose(oldestRegular: regular, oldestPriority: priority, regularStreak: streak)!
            picks.append(choice.ticket.priority)
            streak = choice.regularStreak
        }
        #expect(picks == [false, false, false, true, false, false, false, true])
    }

    @Test func interleaveTakesPriorityWhenNoRegularWaits() {
        let choice = CallPolicy.interleave(regularPerPriority: 3).choose(oldestRegular: nil, oldestPriority: priority, regularStreak: 0)
        #expect(choice?.ticket == priority)
    }
}
