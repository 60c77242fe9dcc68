import Foundation
import Logging
import Hummingbird
import NIOCore
import PanggilCore

/// Settings of the event stream.
public struct StreamConfiguration: Sendable {
    /// A comment goes to every stream this often, so that idle connections stay open through proxies.
    public var heartbeat: Duration = .seconds(15)
    /// Streams open at once; beyond it, `503` with `Retry-After`.
    public var maxSubscribers = 20_000
    /// Bytes of events that may wait for a stream while its opening (snapshot or replay) is being
    /// written; past it the client is cut off and resumes on reconnect.
    public var queueLimitBytes = 256 * 1024
    /// The socket send buffer of a stream (`SO_SNDBUF`; Linux doubles it), bounding what the kernel
    /// holds for a client that stops reading.
    public var socketSendBuffer = 32 * 1024
    /// The `retry:` hint is `retryBase` plus a random part up to `retrySpread` milliseconds, so that a
    /// restart does not bring every screen back in the same millisecond.
    public var retryBase = 2_000
    public var retrySpread = 3_000
    /// A client further behind than this many events gets a fresh snapshot instead of a replay.
    public var replayLimit = 10_000

    public init() {}
}

/// Counters for the metrics work: streams now open, event deliveries, and clients cut off.
public struct StreamStatistics: Sendable, Equatable, Encodable {
    public var subscribers = 0
    public var delivered = 0
    public var dropped = 0
}

/// Sends every event of the log to every open stream whose filter it matches. Each event is encoded
/// once and the same bytes go to every matching stream; streams with the same filter are kept together
/// so that the filter is evaluated once per event per group, not per stream; and the writes are handed
/// to each event loop as one batch. Only the `LiveBoard` touches the hub, under its lock, right after
/// folding the event into the board.
final class EventHub {
    private let site: Site
    private let encoder: StreamEncoder
    let configuration: StreamConfiguration
    private var groups: [StreamFilter: Group] = [:]
    private var phones: [Int: PhoneStream] = [:]
    private var nextID = 0
    private(set) var statistics = StreamStatistics()

    /// Streams with the same filter, and the same streams sorted by event loop for delivery.
    private final class Group {
        /// When the group's streams were last written to: a heartbeat goes only to quiet streams.
        var lastWrite = ContinuousClock.now
        var members: [Int: Subscriber] = [:] {
            didSet { byLoop = nil }
        }
        private var byLoop: [(loop: any EventLoop, subscribers: [Subscriber])]?

        /// Rebuilt only when a stream comes or goes, not per event.
        var loops: [(loop: any EventLoop, subscribers: [Subscriber])] {
            if let byLoop { return byLoop }
            var sorted: [ObjectIdentifier: (loop: any EventLoop, subscribers: [Subscriber])] = [:]
            for subscriber in members.values {
                sorted[ObjectIdentifier(subscriber.eventLoop), default: (subscriber.eventLoop, [])].subscribers.append(subscriber)
            }
            byLoop = Array(sorted.values)
            return byLoop!
        }
    }

    /// A stream following one ticket: its data is computed for that ticket alone.
    final class PhoneStream {
        let subscriber: Subscriber
        var lastWrite = ContinuousClock.now
        var ticket: TicketRef
        var state: TicketState
        var counter: Int?

        init(subscriber: Subscriber, ticket: TicketRef, state: TicketState, counter: Int?) {
            self.subscriber = subscriber
            self.ticket = ticket
            self.state = state
            self.counter = counter
        }
    }

    init(site: Site, configuration: StreamConfiguration) {
        self.site = site
        self.configuration = configuration
        encoder = StreamEncoder(site: site)
    }

    func add(filter: StreamFilter, sink: any StreamSink) throws -> Subscriber {
        let subscriber = try makeSubscriber(sink: sink)
        let group = groups[filter] ?? Group()
        group.members[subscriber.id] = subscriber
        groups[filter] = group
        return subscriber
    }

    func add(phone ticket: Ticket, sink: any StreamSink) throws -> Subscriber {
        let subscriber = try makeSubscriber(sink: sink)
        phones[subscriber.id] = PhoneStream(subscriber: subscriber, ticket: ticket.ref, state: ticket.state, counter: ticket.counter)
        return subscriber
    }

    private func makeSubscriber(sink: any StreamSink) throws -> Subscriber {
        guard statistics.subscribers < configuration.maxSubscribers else {
            throw APIError(.serviceUnavailable, "too_many_streams",
                           "Server sedang melayani terlalu banyak layar. Mencoba lagi sebentar lagi.",
                           headers: [.retryAfter: "\(5 + Int.random(in: 0...10))"])
        }
        nextID += 1
        statistics.subscribers += 1
        return Subscriber(id: nextID, sink: sink, limit: configuration.queueLimitBytes)
    }

    /// Called when a stream's connection has closed.
    func remove(_ subscriber: Subscriber) {
        var found = phones.removeValue(forKey: subscriber.id) != nil
        if !found {
            for (filter, group) in groups where group.members.removeValue(forKey: subscriber.id) != nil {
                if group.members.isEmpty { groups[filter] = nil }
                found = true
                break
            }
        }
        if found {
            statistics.subscribers -= 1
            if subscriber.cutOff { statistics.dropped += 1 }
        }
    }

    /// Sends an event, already folded into `board`, to every stream it concerns: one task per event loop
    /// per group, carrying bytes encoded once.
    func publish(_ event: QueueEvent, board: Board) {
        var chunk: Chunk?
        for (filter, group) in groups where filter.matches(event) {
            if chunk == nil { chunk = Chunk(encoder.event(event, board: board)) }
            send(chunk!, to: group)
        }
        for phone in phones.values where phone.concerns(event, site: site) {
            phone.follow(event)
            let text = encoder.phone(phone.ticket, state: phone.state, counter: phone.counter, board: board,
                                     seq: event.seq, type: event.type.rawValue, at: event.at, broadcast: event)
            send(Chunk(text), to: phone)
        }
    }

    /// A heartbeat to every stream that has had nothing for `quiet`. A busy stream needs none, and one
    /// sent to thousands of streams is a whole fan-out that the next call would queue behind.
    func beat(_ chunk: Chunk, quiet: Duration) {
        let since = ContinuousClock.now - quiet
        for group in groups.values where group.lastWrite <= since { send(chunk, to: group) }
        for phone in phones.values where phone.lastWrite <= since { send(chunk, to: phone) }
    }

    /// A fresh snapshot to every stream: after local midnight every screen starts the new day.
    func refresh(_ board: Board, now: Date) {
        for (filter, group) in groups {
            send(Chunk(encoder.snapshot(board, filter: filter, now: now)), to: group)
        }
        for phone in phones.values {
            let text = encoder.phone(phone.ticket, state: phone.state, counter: phone.counter, board: board,
                                     seq: board.seq, type: "snapshot", at: now)
            send(Chunk(text), to: phone)
        }
    }

    func closeAll() {
        for group in groups.values { for subscriber in group.members.values { subscriber.close() } }
        for phone in phones.values { phone.subscriber.close() }
    }

    private func send(_ chunk: Chunk, to group: Group) {
        group.lastWrite = .now
        for (loop, subscribers) in group.loops {
            loop.execute { for subscriber in subscribers { subscriber.deliver(chunk) } }
        }
        statistics.delivered += group.members.count
    }

    private func send(_ chunk: Chunk, to phone: PhoneStream) {
        phone.lastWrite = .now
        let subscriber = phone.subscriber
        subscriber.eventLoop.execute { subscriber.deliver(chunk) }
        statistics.delivered += 1
    }
}

extension EventHub.PhoneStream {
    /// Its own ticket's events, and whatever moves its queue: calls, arrivals, departures in its service
    /// and changes of the counters serving it.
    func concerns(_ event: QueueEvent, site: Site) -> Bool {
        if event.ticket?.id == ticket.id { return true }
        // An evacuation reaches the citizen waiting outside with the phone page open, too.
        if let broadcast = event.broadcast {
            return broadcast.reaches(zones: Set(site.zones(serving: [ticket.service])))
        }
        if event.type == .counterChanged {
            return event.counter.flatMap(site.counter)?.services.contains(ticket.service) ?? false
        }
        return event.ticket?.service == ticket.service || event.fromService == ticket.service
    }

    func follow(_ event: QueueEvent) {
        guard event.ticket?.id == ticket.id, let own = event.ticket, let state = event.type.ticketStateAfter else { return }
        ticket = own
        self.state = state
        counter = state == .called || state == .serving ? event.counter : nil
    }
}
