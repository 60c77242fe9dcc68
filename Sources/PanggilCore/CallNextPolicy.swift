/// A waiting ticket as call-next sees it.
public struct Candidate: Sendable, Equatable {
    public var ticketID: Int64
    public var priority: Bool

    public init(ticketID: Int64, priority: Bool) {
        self.ticketID = ticketID
        self.priority = priority
    }
}

extension CallPolicy {
    /// Picks the next ticket for a counter.
    ///
    /// - Parameters:
    ///   - oldestRegular: the longest-waiting regular ticket among the counter's services, if any.
    ///   - oldestPriority: the longest-waiting priority ticket among them, if any.
    ///   - regularStreak: regular calls this counter made since its last priority call.
    /// - Returns: the chosen ticket and the counter's new streak, or `nil` when nothing waits.
    public func choose(oldestRegular: Candidate?, oldestPriority: Candidate?, regularStreak: Int)
        -> (ticket: Candidate, regularStreak: Int)?
    {
        let takePriority: Bool
        switch (oldestRegular, oldestPriority) {
        case (nil, nil): return nil
        case (nil, .some): takePriority = true
        case (.some, nil): takePriority = false
        case (.some, .some):
            switch self {
            case .priorityFirst: takePriority = true
            case .interleave(let regularPerPriority): takePriority = regularStreak >= regularPerPriority
            }
        }
        return takePriority ? (oldestPriority!, 0) : (oldestRegular!, regularStreak + 1)
    }
}
