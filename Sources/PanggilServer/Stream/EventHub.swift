import Foundation
import Logging
import Hummingbird
import PanggilCore

/// Settings of the event stream.
public struct StreamConfiguration: Sendable {
    /// A comment goes to every stream this often, so that idle connections stay open through proxies.
    public var heartbeat: Duration = .seconds(15)
    /// Streams open at once; beyond it, `503` with `Retry-After`.
    public var maxSubscribers = 20_000
    /// Bytes that may wait for one slow client before it is cut off.
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
public struct StreamStatistics: Sendable, Equatable {
    public var subscribers = 0
    public var delivered = 0
    public var dropped = 0
}

/// Sends every event of the log to every open stream whose filter it matches. Each event is encoded
/// once and the same bytes are queued for every matching stream; streams with the same filter are kept
/// together so that the filter is evaluated once per event per group, not per stream. Only the
/// `LiveBoard` actor touches the hub, right after folding the event into the board.
final class EventHub {
    private let site: Site
    private let encoder: StreamEncoder
    let configuration: StreamConfiguration
    private var groups: [StreamFilter: [Int: Subscriber]] = [:]
    private var phones: [Int: PhoneStream] = [:]
    private var nextID = 0
    private(set) var statistics = StreamStatistics()

    /// A stream following one ticket: its data is computed for that ticket alone.
    final class PhoneStream {
        let subscriber: Subscriber
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

    var count: Int { statistics.subscribers }

    func add(filter: StreamFilter, cutOff: @escaping @Sendable () -> Void) throws -> Subscriber {
        let subscriber = try makeSubscriber(cutOff: cutOff)
        groups[filter, default: [:]][subscriber.id] = subscriber
        return subscriber
    }

    func add(phone ticket: Ticket, cutOff: @escaping @Sendable () -> Void) throws -> Subscriber {
        let subscriber = try makeSubscriber(cutOff: cutOff)
        phones[subscriber.id] = PhoneStream(subscriber: subscriber, ticket: ticket.ref, state: ticket.state, counter: ticket.counter)
        return subscriber
    }

    private func makeSubscriber(cutOff: @escaping @Sendable () -> Void) throws -> Subscriber {
        guard statistics.subscribers < configuration.maxSubscribers else {
            throw APIError(.serviceUnavailable, "too_many_streams",
                           "Server sedang melayani terlalu banyak layar. Mencoba lagi sebentar lagi.",
                           headers: [.retryAfter: "\(5 + Int.random(in: 0...10))"])
        }
        nextID += 1
        statistics.subscribers += 1
        return Subscriber(id: nextID, limit: configuration.queueLimitBytes, cutOff: cutOff)
    }

    func remove(_ subscriber: Subscriber) {
        subscriber.close()
        if phones.removeValue(forKey: subscriber.id) != nil {
            statistics.subscribers -= 1
            return
        }
        for filter in Array(groups.keys) where groups[filter]?.removeValue(forKey: subscriber.id) != nil {
            if groups[filter]!.isEmpty { groups[filter] = nil }
            statistics.subscribers -= 1
            return
        }
    }

    /// Queues an event, already folded into `board`, for every stream it concerns.
    func publish(_ event: QueueEvent, board: Board) {
        var bytes: ByteBuffer?
        for (filter, members) in groups where filter.matches(event) {
            if bytes == nil { bytes = ByteBuffer(string: encoder.event(event)) }
            deliver(bytes!, to: members.values)
        }
        for phone in phones.values where phone.concerns(event, site: site) {
            phone.follow(event)
            let text = encoder.phone(phone.ticket, state: phone.state, counter: phone.counter, board: board,
                                     seq: event.seq, type: event.type.rawValue, at: event.at)
            deliver(ByteBuffer(string: text), to: CollectionOfOne(phone.subscriber))
        }
    }

    /// The same bytes to every stream: heartbeats.
    func broadcast(_ bytes: ByteBuffer) {
        for members in groups.values { deliver(bytes, to: members.values) }
        deliver(bytes, to: phones.values.map(\.subscriber))
    }

    /// A fresh snapshot to every stream: after local midnight every screen starts the new day.
    func refresh(_ board: Board, now: Date) {
        for (filter, members) in groups {
            deliver(ByteBuffer(string: encoder.snapshot(board, filter: filter, now: now)), to: members.values)
        }
        for phone in phones.values {
            let text = encoder.phone(phone.ticket, state: phone.state, counter: phone.counter, board: board,
                                     seq: board.seq, type: "snapshot", at: now)
            deliver(ByteBuffer(string: text), to: CollectionOfOne(phone.subscriber))
        }
    }

    func closeAll() {
        for members in groups.values { for subscriber in members.values { subscriber.close() } }
        for phone in phones.values { phone.subscriber.close() }
    }

    private func deliver(_ bytes: ByteBuffer, to subscribers: some Sequence<Subscriber>) {
        var cutOff: [Subscriber] = []
        for subscriber in subscribers {
            if subscriber.offer(bytes) {
                statistics.delivered += 1
            } else {
                cutOff.append(subscriber)
            }
        }
        for subscriber in cutOff {
            statistics.dropped += 1
            remove(subscriber)
        }
    }
}

extension EventHub.PhoneStream {
    /// Its own ticket's events, and whatever moves its queue: calls, arrivals, departures in its service
    /// and changes of the counters serving it.
    func concerns(_ event: QueueEvent, site: Site) -> Bool {
        if event.ticket?.id == ticket.id { return true }
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
