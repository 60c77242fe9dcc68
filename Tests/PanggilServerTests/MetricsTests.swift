import Foundation
import Hummingbird
import HummingbirdTesting
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilServer

@Suite("Metrics and health")
struct MetricsTests {
    /// The value of one sample line (`name{labels} value`) in a Prometheus text exposition.
    static func sample(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func metricsCountEventsStreamsAndQueues() async throws {
        var site = Fixtures.smallSite
        site.enforceHours = false
        let harness = try Harness(site: site)
        try await harness.run(.live) { client in
            let display = try StreamClient(port: client.port!, path: "/api/events?zone=z1")
            #expect(await display.wait { $0.contains("event: snapshot") })
            for _ in 0..<3 { _ = try await client.send(.post, "/api/tickets", #"{"service": "A"}"#) }
            _ = try await client.send(.post, "/api/counters/1/open")
            harness.clock.advance(by: 600)
            #expect(try await client.send(.post, "/api/counters/1/call-next").status == .ok)
            #expect(await display.wait { parseEvents($0).count >= 6 })

            let text = try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return String(buffer: response.body)
            }
            #expect(Self.sample(text, #"panggil_events_total{type="ticket.issued"}"#) == 3)
            #expect(Self.sample(text, #"panggil_events_total{type="ticket.called"}"#) == 1)
            #expect(Self.sample(text, "panggil_stream_subscribers") == 1)
            #expect((Self.sample(text, "panggil_stream_deliveries_total") ?? 0) >= 5)
            #expect(Self.sample(text, #"panggil_queue_waiting{service="A"}"#) == 2)
            #expect(Self.sample(text, #"panggil_queue_waiting{service="B"}"#) == 0)
            #expect(Self.sample(text, #"panggil_queue_oldest_wait_seconds{service="A"}"#) == 600, "A-002 has waited ten minutes")
            #expect(Self.sample(text, "panggil_stream_delivery_seconds_count") == 5)
            #expect(text.contains("# HELP panggil_stream_delivery_seconds"))

            let health = try await client.send(.get, "/healthz")
            #expect(health.status == .ok && health["status"] as? String == "ok")
            #expect((health["store"] as? [String: Any])?["state"] as? String == "ok")
        }
    }
}
