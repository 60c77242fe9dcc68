import Foundation
import Logging
import PanggilCore
import PanggilVoice
import ServiceLifecycle

/// Makes the loudspeakers follow the queue: every call and recall committed after start-up, by this
/// process or any other, is rendered for its counter's zone and handed to the announcer; what the
/// announcer then reports is written to the log as `announcement.started` / `announcement.finished`,
/// so that screens and staff see whether a call was heard.
public final class CallAnnouncer: ServiceLifecycle.Service, Sendable {
    private let store: any QueueStore
    private let voice: CallVoice
    public let announcer: Announcer
    private let reports: AsyncStream<AnnouncerReport>
    private let reporting: AsyncStream<AnnouncerReport>.Continuation
    private let logger: Logger
    private let metrics: ServerMetrics?

    public init(store: any QueueStore, voice: CallVoice, output: any AudioOutput, logger: Logger, metrics: ServerMetrics? = nil) {
        self.store = store
        self.metrics = metrics
        self.voice = voice
        self.logger = logger
        (reports, reporting) = AsyncStream.makeStream(of: AnnouncerReport.self)
        var settings = Announcer.Settings()
        settings.maxAge = .seconds(store.site.speech.maxAgeSeconds)
        settings.emergencyRepeat = .seconds(store.site.emergency.repeatSeconds)
        settings.heldCalls = store.site.emergency.heldCalls
        settings.heldCallMaxAge = .seconds(store.site.emergency.heldCallMaxAgeSeconds)
        let speakers = Dictionary(uniqueKeysWithValues: store.site.zones.map {
            ($0.id, Announcer.Speaker(sink: $0.sink, volume: Double($0.volume) / 100))
        })
        let reporting = reporting
        announcer = Announcer(output: output, speakers: speakers, settings: settings, report: { reporting.yield($0) })
    }

    public func run() async throws {
        // Calls made before this start are history: a restarted server does not replay them. An
        // emergency still going on is not: after a power cut the loudspeakers take it up again.
        let start = try await store.logBounds().latest
        // Ready-made emergencies are rendered now, so that raising one never waits for espeak-ng.
        let preparing = Task { await voice.prepareTemplates() }
        defer { preparing.cancel() }
        let ongoing = try await store.board(day: store.today()).broadcasts.filter { $0.kind == .emergency }
        for emergency in ongoing {
            await sound(emergency, announcement: emergency.startedEvent ?? start)
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.writeReports() }
            await withTaskGroup(of: Void.self) { playing in
                playing.addTask { await self.announcer.run() }
                playing.addTask { await self.follow(after: start) }
                // The feed ends at shutdown; the announcer then finishes what is playing and stops.
                await playing.next()
                playing.cancelAll()
            }
            reporting.finish()
        }
    }

    private func follow(after seq: Int64) async {
        do {
            // Cancelled as a whole at shutdown (see `LiveBoard.follow`).
            try await cancelWhenGracefulShutdown {
                for try await event in self.store.feed(after: seq) {
                    await self.announce(event)
                }
            }
        } catch {
            logger.error("the announcer stopped following the log", metadata: ["error": "\(error)"])
        }
    }

    private func announce(_ event: QueueEvent) async {
        if let broadcast = event.broadcast {
            // One whose window passed while the server was down is started and ended in one go, for
            // the log's sake; it is not for the loudspeakers.
            if event.type == .broadcastStarted, let until = broadcast.until, until <= event.at { return }
            switch (event.type, broadcast.kind) {
            case (.broadcastStarted, .emergency): await sound(broadcast, announcement: event.seq)
            case (.broadcastEnded, .emergency): await announcer.endEmergency(broadcast: broadcast.id)
            case (.broadcastStarted, .notice) where broadcast.spoken: await say(broadcast, event: event)
            default: break
            }
            return
        }
        guard event.type == .ticketCalled || event.type == .ticketRecalled, let ticket = event.ticket,
              let number = event.counter, let counter = store.site.counter(number) else { return }
        // Its age counts from the commit, so that a call another process made while this one was busy
        // is not taken for fresh.
        let age = max(0, Date().timeIntervalSince(event.at))
        var request = AnnouncementRequest(id: event.seq, zone: counter.zone, audio: PCM(sampleRate: VoicePack.sampleRate),
                                          ticket: ticket, counter: number, requestedAt: .now - .seconds(age))
        let voice = voice
        request.renderLater = {
            guard let rendered = try voice.render(call: event) else { throw NotACall() }
            return rendered.pcm
        }
        await announcer.enqueue(request)
    }

    /// Takes the zones' loudspeakers first and renders the message after, so that the call playing
    /// stops at once rather than when the message has been synthesised.
    private func sound(_ emergency: Broadcast, announcement: Int64) async {
        await announcer.startEmergency(broadcast: emergency.id, announcement: announcement, zones: emergency.zones)
        let audio: PCM
        do {
            audio = try await voice.render(broadcast: emergency)
        } catch {
            logger.error("the emergency message could not be synthesised; sounding the alarm alone",
                         metadata: ["broadcast": "\(emergency.id)", "error": "\(error)"])
            audio = Alarm.tone(sampleRate: VoicePack.sampleRate)
        }
        await announcer.emergencyAudio(broadcast: emergency.id, audio)
    }

    /// A spoken notice: said once in each zone it reaches, in turn with the calls.
    private func say(_ notice: Broadcast, event: QueueEvent) async {
        let age = max(0, Date().timeIntervalSince(event.at))
        var sinks: Set<String> = []
        let zones = notice.zones.isEmpty ? store.site.zones.map(\.id) : notice.zones
        let targets = zones.filter { zone in store.site.zone(zone).map { sinks.insert($0.sink).inserted } ?? false }
        let audio: PCM
        do {
            audio = try await voice.render(broadcast: notice)
        } catch {
            for zone in targets {
                reporting.yield(.finished(AnnouncementRequest(id: event.seq, zone: zone, audio: PCM(sampleRate: VoicePack.sampleRate)),
                                          .failed, reason: "Tidak bisa diucapkan: \(error)"))
            }
            return
        }
        for zone in targets {
            await announcer.enqueue(AnnouncementRequest(id: event.seq, zone: zone, audio: audio, requestedAt: .now - .seconds(age)))
        }
    }

    private struct NotACall: Error, CustomStringConvertible {
        var description: String { "bukan panggilan" }
    }

    private func writeReports() async {
        for await report in reports {
            let (type, request, record): (EventType, AnnouncementRequest, AnnouncementRecord)
            switch report {
            case .started(let started):
                (type, request, record) = (.announcementStarted, started, AnnouncementRecord(id: started.id, zone: started.zone))
                // A call's wait for the loudspeakers (broadcasts are not waited for: they cut in).
                if started.ticket != nil { metrics?.announcementStarted(after: .now - started.requestedAt) }
            case .finished(let finished, let outcome, let reason):
                (type, request, record) = (.announcementFinished, finished,
                                           AnnouncementRecord(id: finished.id, zone: finished.zone, outcome: outcome, reason: reason))
                metrics?.announcementFinished(outcome)
                let metadata: Logger.Metadata = ["announcement": "\(finished.id)", "zone": "\(finished.zone)",
                                                 "outcome": "\(outcome.rawValue)", "reason": "\(reason ?? "")"]
                switch outcome {
                case .played, .skipped, .interrupted: logger.debug("announcement finished", metadata: metadata)
                case .failed, .dropped: logger.warning("announcement not heard", metadata: metadata)
                }
            }
            do {
                _ = try await store.recordAnnouncement(type, record, ticket: request.ticket, counter: request.counter, by: .system)
            } catch {
                logger.error("could not log an announcement", metadata: ["announcement": "\(request.id)", "error": "\(error)"])
            }
        }
    }
}
