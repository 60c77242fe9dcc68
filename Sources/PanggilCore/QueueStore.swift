import Foundation

public struct LogBounds: Sendable, Equatable {
    public var resumableFrom: Int64
    public var latest: Int64

    public init(resumableFrom: Int64, latest: Int64) {
        self.resumableFrom = resumableFrom
        self.latest = latest
    }

    public func canResume(from seq: Int64) -> Bool {
        resumableFrom <= seq && seq <= latest
    }
}

/// The queue: commands that change it, and reads of it. Every command is atomic, appends exactly one
/// event to the log, and is durable when it returns. A refused command throws `QueueError` and
/// changes nothing.
public protocol QueueStore: Sendable {
    var site: Site { get }
    /// The time its commands are stamped with; injected in tests.
    var clock: any WallClock { get }

    func issue(service: String, priority: Bool, by actor: EventActor) async throws -> Ticket
    func callNext(counter: Int, by actor: EventActor) async throws -> Ticket
    func call(_ ticket: TicketSelector, counter: Int, by actor: EventActor) async throws -> Ticket
    func recall(_ ticket: TicketSelector, by actor: EventActor) async throws -> Ticket
    func start(_ ticket: TicketSelector, by actor: EventActor) async throws -> Ticket
    func complete(_ ticket: TicketSelector, by actor: EventActor) async throws -> Ticket
    func noShow(_ ticket: TicketSelector, by actor: EventActor) async throws -> Ticket
    func requeue(_ ticket: TicketSelector, by actor: EventActor) async throws -> Ticket
    func transfer(_ ticket: TicketSelector, to service: String, by actor: EventActor) async throws -> Ticket
    func cancel(_ ticket: TicketSelector, by actor: EventActor) async throws -> Ticket
    func setCounter(_ counter: Int, to state: CounterState, by actor: EventActor) async throws -> CounterRecord
    /// Logs what the loudspeakers did with an announcement (`announcement.started` or `.finished`).
    func recordAnnouncement(
        _ type: EventType, _ record: AnnouncementRecord, ticket: TicketRef?, counter: Int?, by actor: EventActor
    ) async throws -> QueueEvent
    /// Starts a notice or emergency for its zones (empty: every zone), or posts it for a later start.
    /// The texts are trimmed; empty or longer than `Broadcast.maxTextLength` is refused, as are an unknown
    /// zone and an end that is not after the start and after now.
    func startBroadcast(_ draft: BroadcastDraft, by actor: EventActor) async throws -> Broadcast
    /// Ends an active broadcast, or withdraws one posted for later (which was never on the screens, so
    /// no event is logged); one that is neither is refused (`broadcast_not_found`).
    func endBroadcast(_ id: Int64, by actor: EventActor) async throws -> Broadcast
    /// Broadcasts posted for a later start, soonest first.
    func scheduledBroadcasts() async throws -> [Broadcast]
    /// Starts the posted broadcasts whose time has come (logged with the actor who posted them) and ends
    /// those past their end (logged as the system's); returns the events written.
    func advanceBroadcasts() async throws -> [QueueEvent]

    func ticket(_ selector: TicketSelector) async throws -> Ticket
    func ticket(publicCode: String) async throws -> Ticket?
    /// The board as the store's current state says, for the local day `day`.
    func board(day: LocalDate) async throws -> Board
    /// Logged events after `seq`, in order, at most `limit`.
    func events(after seq: Int64, limit: Int) async throws -> [QueueEvent]
    /// Every event of the local days `first` through `last`, in log order: what reports are made of.
    func events(from first: LocalDate, through last: LocalDate) async throws -> [QueueEvent]
    /// Which event ids a reader can resume from: any id from `resumableFrom` (every later event is still
    /// in the log) to `latest`. An id outside belongs to pruned history or to another database.
    func logBounds() async throws -> LogBounds
    /// The counters whose last change before the local day `day` left them open: a report of that day
    /// counts their open time from its first event.
    func countersOpen(before day: LocalDate) async throws -> Set<Int>
    /// The first local day whose events are all still in the log; nil while nothing has been pruned.
    func retainedSince() async throws -> LocalDate?
    /// Deletes the events of the local days before `day` (the site's retention having run out for
    /// them) and returns how many went; the newest event always stays.
    @discardableResult
    func pruneEvents(before day: LocalDate) async throws -> Int
    /// Every event committed after `seq` by any process, in order, each once, as it is committed.
    func feed(after seq: Int64) -> AsyncThrowingStream<QueueEvent, Error>
    /// Calls `observer` with the events of each of this process's commits, in commit order, on the
    /// committing thread, as soon as the commit is durable and before the command returns: for the
    /// one thing that must not wait for a thread hop (the displays). It must be quick and must not use
    /// the store. Other processes' commits reach only the feed.
    func observeCommits(_ observer: @escaping @Sendable ([QueueEvent]) -> Void)
    /// The local day now, in the site's timezone.
    func today() -> LocalDate
    /// The newest event committed by this process: a reader that waits for it sees its own writes.
    var committedSeq: Int64 { get }
}

extension QueueStore {
    /// Starts a broadcast now, until someone ends it.
    public func startBroadcast(kind: BroadcastKind, text: String, zones: [String], by actor: EventActor) async throws -> Broadcast {
        try await startBroadcast(BroadcastDraft(kind: kind, text: text, zones: zones), by: actor)
    }
}
