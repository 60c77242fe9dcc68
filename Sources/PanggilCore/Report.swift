import Foundation

/// Mean, median and 90th percentile of a set of durations, in seconds.
public struct DurationSummary: Sendable, Equatable {
    public var count: Int
    public var mean: Double?
    public var median: Double?
    public var p90: Double?

    public init(_ samples: [Double]) {
        count = samples.count
        guard !samples.isEmpty else { return }
        let sorted = samples.sorted()
        mean = sorted.reduce(0, +) / Double(sorted.count)
        median = Self.percentile(sorted, 0.5)
        p90 = Self.percentile(sorted, 0.9)
    }

    /// Nearest rank: the smallest sample with at least `fraction` of the samples at or below it, so
    /// that every figure is a wait someone actually had.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count, rank) - 1)]
    }
}

/// What happened to one service's (or agency's, or the hall's) tickets over a period, from the log.
public struct ReportLine: Sendable, Equatable {
    public var issued = 0
    public var served = 0
    public var noShow = 0
    public var cancelled = 0
    /// Sent to another service's queue from this one.
    public var transferred = 0
    /// Joining a queue (issue, requeue, transfer in) to its first call from that queue.
    public var waits: [Double] = []
    /// Start (or, when staff never pressed start, the call) to completion.
    public var serviceTimes: [Double] = []
    /// Tickets issued per local hour of the day (0–23).
    public var arrivalsByHour = [Int](repeating: 0, count: 24)

    public init() {}

    public var wait: DurationSummary { DurationSummary(waits) }
    public var serviceTime: DurationSummary { DurationSummary(serviceTimes) }

    /// The hour with the most arrivals (the earliest of equals); nil without arrivals.
    public var busiestHour: Int? {
        guard let most = arrivalsByHour.max(), most > 0 else { return nil }
        return arrivalsByHour.firstIndex(of: most)
    }

    public mutating func add(_ other: ReportLine) {
        issued += other.issued
        served += other.served
        noShow += other.noShow
        cancelled += other.cancelled
        transferred += other.transferred
        waits += other.waits
        serviceTimes += other.serviceTimes
        for hour in 0..<24 { arrivalsByHour[hour] += other.arrivalsByHour[hour] }
    }
}

/// The figures the ministries' evaluations ask for, per service, per agency and for the hall, computed
/// from the event log alone so that they agree with what happened: a day, or several days together
/// (a month).
public struct QueueReport: Sendable, Equatable {
    public var days: [LocalDate]
    public var services: [String: ReportLine]
    /// Seconds each counter was open (not paused, not closed). A counter left open counts until the
    /// last event of its day (a counter nobody closed at night is not open all night), or until `now`
    /// for today; still open the next day, it counts again from that day's first event.
    public var counterOpenSeconds: [Int: Double]

    /// `events` of the report's days, in log order; `now` when the report includes today;
    /// `openAtStart`, the counters left open before the first day (see `QueueStore.countersOpen(before:)`).
    public init(site: Site, days: [LocalDate], events: [QueueEvent], now: Date? = nil, openAtStart: Set<Int> = []) {
        self.days = days
        var services = Dictionary(uniqueKeysWithValues: site.services.map { ($0.code, ReportLine()) })
        var counterOpen: [Int: Double] = Dictionary(uniqueKeysWithValues: site.counters.map { ($0.number, 0) })
        struct Visit { var service: String; var since: Date; var called: Date?; var started: Date?; var waited = false }
        var visits: [Int64: Visit] = [:]
        var openSince: [Int: Date] = [:]
        let wanted = Set(days)
        var day: (date: LocalDate, last: Date)?

        func line(_ code: String, _ change: (inout ReportLine) -> Void) {
            change(&services[code, default: ReportLine()])
        }
        /// The counters open at the end of the day before: they count again once the day begins.
        var leftOpen = openAtStart
        func closeCounters(at end: Date) {
            for (number, since) in openSince where end > since { counterOpen[number, default: 0] += end.timeIntervalSince(since) }
            leftOpen = Set(openSince.keys)
            openSince = [:]
        }

        for event in events where wanted.contains(event.day) {
            if let current = day, current.date != event.day { closeCounters(at: current.last) }
            if day?.date != event.day {
                for number in leftOpen { openSince[number] = event.at }
            }
            day = (event.day, event.at)
            if event.type == .counterChanged, let number = event.counter, let state = event.counterState {
                if state == .open {
                    if openSince[number] == nil { openSince[number] = event.at }
                } else if let since = openSince.removeValue(forKey: number) {
                    counterOpen[number, default: 0] += event.at.timeIntervalSince(since)
                }
                continue
            }
            guard let ticket = event.ticket else { continue }
            let code = visits[ticket.id]?.service ?? ticket.service
            switch event.type {
            case .ticketIssued:
                let hour = LocalMoment(event.at, in: site.timeZone).time.minutes / 60
                line(ticket.service) { $0.issued += 1; $0.arrivalsByHour[min(hour, 23)] += 1 }
                visits[ticket.id] = Visit(service: ticket.service, since: event.at)
            case .ticketCalled:
                guard var visit = visits[ticket.id] else { break }
                if !visit.waited {
                    line(visit.service) { $0.waits.append(event.at.timeIntervalSince(visit.since)) }
                    visit.waited = true
                }
                visit.called = event.at
                visits[ticket.id] = visit
            case .ticketStarted:
                visits[ticket.id]?.started = event.at
            case .ticketCompleted:
                let visit = visits[ticket.id]
                line(code) { line in
                    line.served += 1
                    if let from = visit?.started ?? visit?.called { line.serviceTimes.append(event.at.timeIntervalSince(from)) }
                }
            case .ticketNoShow:
                line(code) { $0.noShow += 1 }
            case .ticketCancelled:
                line(code) { $0.cancelled += 1 }
            case .ticketRequeued:
                visits[ticket.id].map { visits[ticket.id] = Visit(service: $0.service, since: event.at) }
            case .ticketTransferred:
                line(event.fromService ?? code) { $0.transferred += 1 }
                visits[ticket.id] = Visit(service: ticket.service, since: event.at)
            default:
                break
            }
        }
        if let day { closeCounters(at: now.map { max($0, day.last) } ?? day.last) }
        self.services = services
        counterOpenSeconds = counterOpen
    }

    /// The lines of one agency's services together.
    public func agency(_ id: String, in site: Site) -> ReportLine {
        site.services.filter { $0.agency == id }.reduce(into: ReportLine()) { $0.add(services[$1.code] ?? ReportLine()) }
    }

    /// Every service together.
    public var hall: ReportLine {
        services.values.reduce(into: ReportLine()) { $0.add($1) }
    }
}
