import Foundation
import PanggilCore
import PanggilVoice
import Prometheus

/// The server's figures for Prometheus (`GET /metrics`, swift-prometheus): what happened (counters and
/// latency histograms, recorded as it happens) and how things stand (gauges, read at each scrape).
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Commit → the event handed to the streams' event loops: the server's part of a display's delay.
    private let delivery: DurationHistogram
    /// Call committed → its announcement starting on the loudspeakers.
    private let announcement: DurationHistogram
    private let subscribers: Gauge
    private let deliveries: Prometheus.Counter
    private let dropped: Prometheus.Counter
    private let audioConnected: Gauge
    private let emergencyHeld: Gauge
    private let latestSeq: Gauge
    // Made once: looking a labelled counter up in the registry takes its lock, once per event otherwise.
    private let eventsByType: [EventType: Prometheus.Counter]
    private let announcementsByOutcome: [AnnouncementOutcome: Prometheus.Counter]
    // Stream counters are kept by the hub as totals; the Prometheus counters follow them by difference.
    private let last = StreamTotals()

    private static let latencyBuckets: [Duration] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000].map { .milliseconds($0) }

    public init() {
        delivery = registry.makeDurationHistogram(
            name: "panggil_stream_delivery_seconds", buckets: Self.latencyBuckets,
            help: "Time from an event's commit to its bytes being handed to every stream's event loop.")
        announcement = registry.makeDurationHistogram(
            name: "panggil_announcement_latency_seconds", buckets: Self.latencyBuckets,
            help: "Time from a call's commit to its announcement starting on the loudspeakers.")
        subscribers = registry.makeGauge(name: "panggil_stream_subscribers", help: "Event streams open now.")
        deliveries = registry.makeCounter(name: "panggil_stream_deliveries_total", help: "Events written to streams.")
        dropped = registry.makeCounter(name: "panggil_stream_dropped_total", help: "Streams cut off because the client could not keep up.")
        audioConnected = registry.makeGauge(name: "panggil_audio_connected", help: "1 while PulseAudio is connected, 0 while it is away.")
        emergencyHeld = registry.makeGauge(name: "panggil_emergency_sinks", help: "Loudspeaker sinks an emergency holds now.")
        latestSeq = registry.makeGauge(name: "panggil_log_latest_seq", help: "Sequence number of the latest event the server has seen.")
        let registry = registry
        eventsByType = Dictionary(uniqueKeysWithValues: EventType.allCases.map { type in
            (type, registry.makeCounter(name: "panggil_events_total", labels: [("type", type.rawValue)], help: "Events committed to the log, by type."))
        })
        announcementsByOutcome = Dictionary(uniqueKeysWithValues: AnnouncementOutcome.allCases.map { outcome in
            (outcome, registry.makeCounter(name: "panggil_announcements_total", labels: [("outcome", outcome.rawValue)],
                                           help: "Announcements finished, by outcome (played, failed, dropped, interrupted, skipped)."))
        })
    }

    /// Every event the board folds in, from any process.
    func committed(_ event: QueueEvent, handedOutAt now: Date) {
        eventsByType[event.type]?.increment()
        delivery.record(.milliseconds(max(0, Int64(now.timeIntervalSince(event.at) * 1_000))))
    }

    func announcementStarted(after wait: Duration) {
        announcement.record(wait)
    }

    func announcementFinished(_ outcome: AnnouncementOutcome) {
        announcementsByOutcome[outcome]?.increment()
    }

    /// The gauges, read now, then the whole registry in the Prometheus text format.
    func scrape(board: Board, site: Site, streams: StreamStatistics, speakers: Speakers?, now: Date) async -> String {
        subscribers.set(Double(streams.subscribers))
        let (newDeliveries, newDrops) = last.advance(to: streams)
        if newDeliveries > 0 { deliveries.increment(by: Int64(newDeliveries)) }
        if newDrops > 0 { dropped.increment(by: Int64(newDrops)) }
        latestSeq.set(Double(board.seq))
        if let speakers {
            audioConnected.set(speakers.output.status.isConnected ? 1.0 : 0.0)
            emergencyHeld.set(Double(await speakers.announcer.holding.count))
        }
        for service in site.services {
            let queue = board.queues[service.code]
            registry.makeGauge(name: "panggil_queue_waiting", labels: [("service", service.code)],
                               help: "Tickets waiting, by service.").set(Double(queue?.waiting.count ?? 0))
            let oldest = queue?.waiting.map(\.queuedAt).min().map { max(0, now.timeIntervalSince($0)) } ?? 0
            registry.makeGauge(name: "panggil_queue_oldest_wait_seconds", labels: [("service", service.code)],
                               help: "How long the longest-waiting ticket has waited, by service.").set(oldest)
        }
        return registry.emitToString()
    }
}

/// The stream totals last turned into counter increments.
private final class StreamTotals: @unchecked Sendable {
    private let lock = NSLock()
    private var delivered = 0
    private var dropped = 0

    func advance(to totals: StreamStatistics) -> (delivered: Int, dropped: Int) {
        lock.withLock {
            defer { (delivered, dropped) = (totals.delivered, totals.dropped) }
            return (max(0, totals.delivered - delivered), max(0, totals.dropped - dropped))
        }
    }
}
