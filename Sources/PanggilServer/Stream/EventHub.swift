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
public struct StreamStatistics: Sendable, Equatable, Encodable {
    public var subscribers = 0
    public var delivered = 0
    public var dropped = 0
}

/// Sends every event of the log to every open stream whose filter it matches. Each event is encoded
/// once and the same bytes go to every matching stream; streams with the same filter are kept together
/// so that the filter is evaluated once per event per group, not per stream; and the writes are handed
/// to each event loop as one batch. Only the `LiveBoard` actor touches the hub, right after folding the
/// event into the board.
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

    func add(filter: StreamFilter, sink: any StreamSink) throws -> Subscriber {
        let subscriber = try makeSubscriber(sink: sink)
        groups[filter, default: [:]][subscriber.id] = subscriber
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

    func remove(_ subscriber: Subscriber) {
        subscriber.close()
        var found = phones.removeValue(forKey: subscriber.id) != nil
        if !found {
            for filter in Array(groups.keys) where groups[filter]?.removeValue(forKey: subscriber.id) != nil {
                if groups[filter]!.isEmpty { groups[filter] = nil }
                found = true
                break
            }
        }
        if found {
            statistics.subscribers -= 1
            if subscriber.cutOff { statistics.dropped += 1 }
        }
    }

    /// Sends an event, already folded into `board`, to every stream it concerns.
    func publish(_ event: QueueEvent, board: Board) {
        var batch = Batch()
        var chunk: Chunk?
        for (filter, members) in groups where filter.matches(event) {
            if chunk == nil { chunk = Chunk(encoder.event(event)) }
            for subscriber in members.values { batch.add(subscriber, chunk!) }
        }
        for phone in phones.values where phone.concerns(event, site: site) {
            phone.follow(event)
            let text = encoder.phone(phone.ticket, state: phone.state, counter: phone.counter, board: board,
                                     seq: event.seq, type: event.type.rawValue, at: event.at)
            batch.add(phone.subscriber, Chunk(text))
        }
        send(batch)
    }

    /// The same bytes to every stream: heartbeats.
    func broadcast(_ bytes: Chunk) {
        var batch = Batch()
        for members in groups.values { for subscriber in members.values { batch.add(subscriber, bytes) } }
        for phone in phones.values { batch.add(phone.subscriber, bytes) }
        send(batch)
    }

    /// A fresh snapshot to every stream: after local midnight every screen starts the new day.
    func refresh(_ board: Board, now: Date) {
        var batch = Batch()
        for (filter, members) in groups {
            let chunk = Chunk(encoder.snapshot(board, filter: filter, now: now))
            for subscriber in members.values { batch.add(subscriber, chunk) }
        }
        for phone in phones.values {
            let text = encoder.phone(phone.ticket, state: phone.state, counter: phone.counter, board: board,
                                     seq: board.seq, type: "snapshot", at: now)
            batch.add(phone.subscriber, Chunk(text))
        }
        send(batch)
    }

    func closeAll() {
        for members in groups.values { for subscriber in members.values { subscriber.close() } }
        for phone in phones.values { phone.subscriber.close() }
    }

    /// Writes gathered per event loop, so that each loop gets one task for all its streams.
    private struct Batch {
        var loops: [ObjectIdentifier: (loop: any EventLoop, writes: [(Subscriber, Chunk)])] = [:]
        var gone: [Subscriber] = []

        mutating func add(_ subscriber: Subscriber, _ chunk: Chunk) {
            switch subscriber.accept(chunk) {
            case .write:
                let loop = subscriber.eventLoop
                loops[ObjectIdentifier(loop), default: (loop, [])].writes.append((subscriber, chunk))
            case .held:
                break
            case .gone:
                gone.append(subscriber)
            }
        }
    }

    private func send(_ batch: Batch) {
        for (loop, writes) in batch.loops.values {
            statistics.delivered += writes.count
            loop.execute { for (subscriber, chunk) in writes { subscriber.sink.write(chunk) } }
        }
        for subscriber in batch.gone { remove(subscriber) }
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
