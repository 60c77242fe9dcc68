import Foundation
import PanggilCore
import PanggilSiteFile
import PanggilTesting
import Testing
@testable import PanggilStore

@Suite("Schedule: breaks, holidays, notices posted ahead")
struct ScheduleTests {
    let site = Fixtures.scheduledSite

    @Test func ticketsAreRefusedDuringABreakAndOnAHolidayWithTheReason() async throws {
        let clock = ManualClock(Fixtures.wib("2026-12-04 11:45"))          // a Friday
        let store = try makeStore(site, clock: clock)
        let before = try dump(store)
        let onBreak = await #expect(throws: QueueError.self) { try await store.issue(service: "B", priority: false, by: staff) }
        #expect(onBreak?.code == .serviceClosed)
        #expect(onBreak?.message == "Layanan KK sedang istirahat (Istirahat sholat Jumat) sampai pukul 13.00. Silakan ambil nomor setelahnya.")
        #expect(try dump(store) == before)

        clock.set(Fixtures.wib("2026-12-04 13:00"))
        #expect(try await store.issue(service: "B", priority: false, by: staff).label == "B-001")

        // A break for one service leaves the others open.
        clock.set(Fixtures.wib("2026-11-30 08:10"))                         // a Monday
        await #expect(throws: QueueError.self) { try await store.issue(service: "P", priority: false, by: staff) }
        #expect(try await store.issue(service: "B", priority: false, by: staff).label == "B-001")

        clock.set(Fixtures.wib("2026-12-25 10:00"))
        let holiday = await #expect(throws: QueueError.self) { try await store.issue(service: "B", priority: false, by: staff) }
        #expect(holiday?.message.contains("libur (Hari Raya Natal)") == true)

        clock.set(Fixtures.wib("2026-12-05 10:00"))                         // Saturday: outside the hours
        let closed = await #expect(throws: QueueError.self) { try await store.issue(service: "B", priority: false, by: staff) }
        #expect(closed?.message == "Layanan KK sedang tutup. Jam layanan: Senin–Jumat 08.00–15.00.")
    }

    @Test func theScheduleAnnouncesTheBreakAsItBeginsAndTheClosingAheadOfIt() throws {
        // The second before the break: nothing yet.
        #expect(site.scheduleNotices(after: Fixtures.wib("2026-12-04 11:29:58"), through: Fixtures.wib("2026-12-04 11:29:59")).isEmpty)
        let atBreak = site.scheduleNotices(after: Fixtures.wib("2026-12-04 11:29:59"), through: Fixtures.wib("2026-12-04 11:30:00"))
        #expect(atBreak == [BroadcastDraft(
            kind: .notice,
            text: "Perhatian. Pelayanan istirahat (Istirahat sholat Jumat) pukul 11.30 sampai 13.00. Terima kasih atas kesabaran Anda.",
            english: "Attention please. Service is on a break (Istirahat sholat Jumat) from 11.30 until 13.00. Thank you for your patience.",
            zones: [], startsAt: Fixtures.wib("2026-12-04 11:30"), until: Fixtures.wib("2026-12-04 13:00"), spoken: true,
            occasion: .scheduledBreak)])
        // Said once: the next look does not say it again.
        #expect(site.scheduleNotices(after: Fixtures.wib("2026-12-04 11:30:00"), through: Fixtures.wib("2026-12-04 11:30:01")).isEmpty)

        let closing = site.scheduleNotices(after: Fixtures.wib("2026-12-04 14:44:59"), through: Fixtures.wib("2026-12-04 14:45:00"))
        #expect(closing.map(\.text) == ["Perhatian. Pelayanan hari ini berakhir pukul 15.00, 15 menit lagi. Terima kasih atas kunjungan Anda."])
        #expect(closing.first?.until == Fixtures.wib("2026-12-04 15:00") && closing.first?.occasion == .closing)

        // Monday's meeting break is shown but not said (announce: false), and only where service P is
        // served (zone z2); a holiday announces nothing.
        let meeting = site.scheduleNotices(after: Fixtures.wib("2026-11-30 07:59"), through: Fixtures.wib("2026-11-30 08:01"))
        #expect(meeting.map(\.spoken) == [false] && meeting.first?.services == ["P"] && meeting.first?.zones == ["z2"])
        #expect(site.scheduleNotices(after: Fixtures.wib("2026-12-25 00:00"), through: Fixtures.wib("2026-12-25 23:59")).isEmpty)
        // A whole Friday, looked at in one go: the break and the closing, in order.
        let day = site.scheduleNotices(after: Fixtures.wib("2026-12-04 00:00"), through: Fixtures.wib("2026-12-04 23:59"))
        #expect(day.map(\.occasion) == [.scheduledBreak, .closing])
    }

    @Test func aNoticePostedAheadStartsAndEndsOnTimeAndIsLogged() async throws {
        let clock = ManualClock(Fixtures.wib("2026-11-30 09:00"))
        let store = try makeStore(site, clock: clock)
        let admin = EventActor("user:admin")
        let posted = try await store.startBroadcast(BroadcastDraft(
            kind: .notice, text: "Layanan Samsat mulai pukul 10.00", zones: ["z2"],
            startsAt: Fixtures.wib("2026-11-30 10:00"), until: Fixtures.wib("2026-11-30 10:30")), by: admin)
        #expect(posted.startedEvent == nil)
        #expect(try await allEvents(store).isEmpty, "nothing is on the screens yet")
        #expect(try await store.scheduledBroadcasts().map(\.id) == [posted.id])
        #expect(try await store.board(day: store.today()).broadcasts.isEmpty)

        clock.set(Fixtures.wib("2026-11-30 09:59:59"))
        #expect(try await store.advanceBroadcasts().isEmpty)

        clock.set(Fixtures.wib("2026-11-30 10:00:00").addingTimeInterval(0.5))
        let started = try await store.advanceBroadcasts()
        #expect(started.map(\.type) == [.broadcastStarted])
        #expect(started.first?.actor == admin, "logged as the one who posted it")
        #expect(started.first?.broadcast?.until == Fixtures.wib("2026-11-30 10:30"))
        #expect(try await store.board(day: store.today()).broadcasts.map(\.id) == [posted.id])
        #expect(try await store.board(day: store.today()).broadcasts.first?.startedEvent == started.first?.seq)
        #expect(try await store.scheduledBroadcasts().isEmpty)

        clock.set(Fixtures.wib("2026-11-30 10:30"))
        let ended = try await store.advanceBroadcasts()
        #expect(ended.map(\.type) == [.broadcastEnded] && ended.first?.actor == .system)
        #expect(try await store.board(day: store.today()).broadcasts.isEmpty)
        #expect(try await store.advanceBroadcasts().isEmpty)
    }

    @Test func withdrawingANoticeBeforeItStartsLogsNothing() async throws {
        let clock = ManualClock(Fixtures.wib("2026-11-30 09:00"))
        let store = try makeStore(site, clock: clock)
        let posted = try await store.startBroadcast(BroadcastDraft(kind: .notice, text: "Besok tutup", startsAt: Fixtures.wib("2026-11-30 14:00")),
                                                    by: staff)
        _ = try await store.endBroadcast(posted.id, by: staff)
        clock.set(Fixtures.wib("2026-11-30 14:01"))
        #expect(try await store.advanceBroadcasts().isEmpty)
        #expect(try await allEvents(store).isEmpty)
        await #expect(throws: QueueError.self) { try await store.endBroadcast(posted.id, by: staff) }
    }

    @Test func aNoticeWholeMissedWhileTheServerWasDownIsStillLoggedStartAndEnd() async throws {
        let clock = ManualClock(Fixtures.wib("2026-11-30 09:00"))
        let store = try makeStore(site, clock: clock)
        _ = try await store.startBroadcast(BroadcastDraft(kind: .notice, text: "Sebentar", startsAt: Fixtures.wib("2026-11-30 09:10"),
                                                          until: Fixtures.wib("2026-11-30 09:20")), by: staff)
        clock.set(Fixtures.wib("2026-11-30 12:00"))
        #expect(try await store.advanceBroadcasts().map(\.type) == [.broadcastStarted, .broadcastEnded])
    }

    @Test func anEndBeforeTheStartIsRefusedAndChangesNothing() async throws {
        let clock = ManualClock(Fixtures.wib("2026-11-30 09:00"))
        let store = try makeStore(site, clock: clock)
        let error = await #expect(throws: QueueError.self) {
            try await store.startBroadcast(BroadcastDraft(kind: .notice, text: "x", until: Fixtures.wib("2026-11-30 08:00")), by: staff)
        }
        #expect(error?.code == .invalidBroadcast)
        #expect(try await store.scheduledBroadcasts().isEmpty)
        #expect(try await allEvents(store).isEmpty)
        let english = await #expect(throws: QueueError.self) {
            try await store.startBroadcast(BroadcastDraft(kind: .notice, text: "x", english: String(repeating: "y", count: 501)), by: staff)
        }
        #expect(english?.message.contains("Teks bahasa Inggris terlalu panjang") == true)
    }

    @Test func templatesFillTheirBlanksAndRefuseEmptyOnes() throws {
        let template = try #require(site.emergency.template("loket-tutup"))
        #expect(template.blanks == ["loket"])
        let filled = try template.filled(["loket": " 3 "])
        #expect(filled.text == "Mohon maaf, loket 3 tutup sementara. Silakan menunggu, nomor antrian Anda tetap berlaku.")
        #expect(filled.english?.hasPrefix("We are sorry, counter 3 is closed") == true)
        #expect(throws: QueueError.self) { try template.filled([:]) }
        #expect(site.emergency.templates.map(\.id) == ["evakuasi", "gempa", "listrik-padam", "loket-tutup"])
    }

    /// What the admin page, the API and the command line give replaces the template's; a text of one's
    /// own drops the template's English, which says other words.
    @Test func aTemplatesTextsAndKindCanBeReplaced() throws {
        let template = try #require(site.emergency.template("loket-tutup"))
        let plain = try template.draft(["loket": "3"], zones: ["z1"])
        #expect(plain.kind == .notice && plain.zones == ["z1"] && plain.english?.hasPrefix("We are sorry") == true)
        let own = try template.draft(["loket": "3"], kind: .emergency, text: "Loket 3 tutup, silakan ke loket 4.")
        #expect(own.kind == .emergency && own.text == "Loket 3 tutup, silakan ke loket 4." && own.english == nil)
        let both = try template.draft(["loket": "3"], text: "Loket 3 tutup.", english: "Desk 3 is closed.")
        #expect(both.english == "Desk 3 is closed." && both.kind == .notice)
        let englishOnly = try template.draft(["loket": "3"], english: "Desk 3 is closed for now.")
        #expect(englishOnly.text.hasPrefix("Mohon maaf, loket 3") && englishOnly.english == "Desk 3 is closed for now.")
    }
}
