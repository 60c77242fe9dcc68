import Foundation
import PanggilCore
import PanggilTesting
import Testing
@testable import PanggilServer

/// The stream's events are written by hand (`JSONText`) for speed; displays and integrators were
/// built against what `JSONEncoder.api` writes, so the two must give the same bytes.
@Suite("Stream event JSON")
struct StreamJSONTests {
    /// A day's worth of every kind of event, as the stream would see them.
    static func events() async throws -> (events: [QueueEvent], board: Board, site: Site) {
        var site = Fixtures.smallSite
        site.enforceHours = false
        let harness = try Harness(site: site)
        let store = harness.store
        let staff = EventActor("user:admin")
        for counter in [1, 2, 3] { _ = try await store.setCounter(counter, to: .open, by: staff) }
        _ = try await store.issue(service: "A", priority: false, by: staff)
        _ = try await store.issue(service: "A", priority: true, by: staff)
        _ = try await store.issue(service: "B", priority: false, by: staff)
        _ = try await store.issue(service: "A", priority: false, by: staff)
        let first = try await store.callNext(counter: 1, by: staff)
        _ = try await store.recall(.id(first.id), by: staff)
        _ = try await store.start(.id(first.id), by: staff)
        _ = try await store.complete(.id(first.id), by: staff)
        let second = try await store.callNext(counter: 2, by: staff)
        _ = try await store.noShow(.id(second.id), by: staff)
        _ = try await store.requeue(.id(second.id), by: staff)
        let again = try await store.callNext(counter: 2, by: staff)
        _ = try await store.transfer(.id(again.id), to: "B", by: staff)
        _ = try await store.callNext(counter: 3, by: staff)
        let call = try #require(try await store.events(after: 0, limit: 1_000).last)
        _ = try await store.recordAnnouncement(.announcementStarted, AnnouncementRecord(id: call.seq, zone: "z2"),
                                               ticket: call.ticket, counter: 3, by: .system)
        _ = try await store.recordAnnouncement(.announcementFinished,
                                               AnnouncementRecord(id: call.seq, zone: "z2", outcome: .failed, reason: "sink hilang"),
                                               ticket: call.ticket, counter: 3, by: .system)
        let spare = try await store.issue(service: "P", priority: false, by: staff)
        _ = try await store.cancel(.id(spare.id), by: staff)
        _ = try await store.setCounter(2, to: .paused, by: staff)
        let notice = try await store.startBroadcast(
            BroadcastDraft(kind: .notice, text: "Sistem antrian B terganggu", english: "Queue B is down", zones: ["z1"],
                           until: harness.clock.now().addingTimeInterval(3_600), services: ["B"]), by: staff)
        _ = try await store.endBroadcast(notice.id, by: staff)
        _ = try await store.startBroadcast(BroadcastDraft(kind: .emergency, text: "Harap tenang", spoken: true), by: staff)
        let events = try await store.events(after: 0, limit: 1_000)
        return (events, try await store.board(day: store.today()), site)
    }

    @Test func everyKindOfEventIsWrittenAsJSONEncoderWritesIt() async throws {
        let (events, board, site) = try await Self.events()
        let time = Timestamps(timeZone: site.timeZone)
        #expect(Set(events.map(\.type)).count >= 14, "\(Set(events.map(\.type)))")
        for event in events {
            let json = EventJSON(event, board: board, site: site, time: time)
            #expect(json.text == StreamEncoder.json(json), "\(event.type)")
        }
    }

    @Test func everyTextIsEscapedAsJSONEncoderEscapesIt() async throws {
        let (events, board, site) = try await Self.events()
        let time = Timestamps(timeZone: site.timeZone)
        // Quotes, backslashes, slashes, every kind of control character, non-ASCII and a line separator.
        var tricky = "Loket \"A\" \\ / é € 😀 \u{2028} \u{7f}"
        for code in 0..<0x20 { tricky.unicodeScalars.append(Unicode.Scalar(UInt8(code))) }
        for event in events {
            var json = EventJSON(event, board: board, site: site, time: time)
            json.type = tricky
            json.at = tricky
            json.ticketState = json.ticketState.map { _ in tricky }
            json.counterState = json.counterState.map { _ in tricky }
            json.ticket?.number = tricky
            json.ticket?.service.name = tricky
            json.counter?.name = tricky
            json.counter?.zone = tricky
            json.fromService?.code = tricky
            json.announcement?.zone = tricky
            json.announcement?.reason = tricky
            json.queues = json.queues?.map { line in
                var line = line
                line.name = tricky
                line.agency = tricky
                line.nowServing?.number = tricky
                return line
            }
            json.broadcast?.text = tricky
            let english = json.broadcast?.textEn
            json.broadcast?.textEn = english == nil ? tricky : nil
            json.broadcast?.zones = [tricky, ""]
            json.broadcast?.services = []
            json.broadcast?.occasion = tricky
            #expect(json.text == StreamEncoder.json(json), "\(event.type)")
        }
    }
}
