import Foundation
import PanggilCore

/// Something for the loudspeakers of one zone, already rendered.
public struct AnnouncementRequest: Sendable {
    public enum Urgency: Int, Sendable, Comparable {
        /// Ticket calls: in order, one after another.
        case call
        /// Emergencies: ahead of every call, cutting off the one playing.
        case emergency

        public static func < (a: Urgency, b: Urgency) -> Bool { a.rawValue < b.rawValue }
    }

    /// The id logged with it: the sequence number of the event that asked for it.
    public var id: Int64
    public var zone: String
    public var urgency: Urgency
    public var audio: PCM
    /// Makes `audio` when the request's turn comes, if set: a call is rendered only once the
    /// loudspeakers are free for it, so that rendering never competes with the displays' fan-out at
    /// the moment of the call, and calls waiting out a sound-server outage hold no audio (a few hundred
    /// kilobytes each) and cost nothing if they are dropped.
    public var renderLater: (@Sendable () throws -> PCM)?
    /// The ticket called, if it is a call: a second call of a ticket still waiting to be played is
    /// said once, not twice.
    public var ticket: TicketRef?
    public var counter: Int?
    /// When it was asked for; a request older than the announcer's `maxAge` when its turn comes (the
    /// loudspeakers were down) is dropped rather than said late.
    public var requestedAt: ContinuousClock.Instant
    /// Failed attempts so far.
    var failures = 0
    /// Set on calls an emergency held back: they may wait longer than `maxAge` (up to the site's
    /// `held_call_max_age_seconds`), since nobody could have said them meanwhile.
    var heldAgeLimit: Duration?
    /// The broadcast an emergency saying belongs to.
    var broadcast: Int64?

    public init(id: Int64, zone: String, urgency: Urgency = .call, audio: PCM, ticket: TicketRef? = nil, counter: Int? = nil,
                requestedAt: ContinuousClock.Instant = .now) {
        self.id = id
        self.zone = zone
        self.urgency = urgency
        self.audio = audio
        self.ticket = ticket
        self.counter = counter
        self.requestedAt = requestedAt
    }
}

/// What happened to a request, in order per zone: a `started` is always followed by its `finished`.
public enum AnnouncerReport: Sendable {
    case started(AnnouncementRequest)
    case finished(AnnouncementRequest, AnnouncementOutcome, reason: String?)
}

/// Plays announcements zone by zone: one queue per zone, each played in the order asked, never two at
/// once in a zone, while different zones play at the same time. Zones that share loudspeakers (one
/// sink) share a queue, so that they never talk over each other either. An emergency goes ahead of every call
/// and cuts off the call playing, which then plays again after it (if still fresh). While the sound
/// server is away requests wait; when it is back those still fresh play and older ones are dropped.
public actor Announcer {
    /// The sink name that means the sound server's default sink (a laptop's own speakers).
    public static let defaultSink = "default"

    public struct Speaker: Sendable, Equatable {
        /// The sound server's sink for the zone's loudspeakers, or `Announcer.defaultSink`.
        public var sink: String
        /// Linear, 0...1.
        public var volume: Double

        public init(sink: String, volume: Double = 1) {
            self.sink = sink
            self.volume = volume
        }
    }

    public struct Settings: Sendable {
        /// A request still waiting after this long is dropped (logged), not played late.
        public var maxAge: Duration = .seconds(120)
        /// Pause after a failed attempt before the next, so that a failing stream does not spin.
        public var retryDelay: Duration = .seconds(1)
        /// How often a zone whose sound server is away looks again.
        public var reconnectCheck: Duration = .milliseconds(100)
        /// A play still going this long after its audio should have ended (a suspended or wedged sink)
        /// is stopped and counted as failed, so that one stuck stream cannot silence a zone for good.
        public var stallMargin: Duration = .seconds(5)
        /// Failed attempts after which a request is given up, so that one that keeps failing does not
        /// hold up every call behind it until they all grow stale.
        public var maxFailures = 3
        /// From the start of one saying of an emergency to the start of the next.
        public var emergencyRepeat: Duration = .seconds(30)
        /// Silence at least this long between two sayings of an emergency, however long the message.
        public var emergencyMinimumGap: Duration = .seconds(2)
        /// What becomes of calls held back by an emergency once it ends.
        public var heldCalls: EmergencySettings.HeldCalls = .play
        /// With `heldCalls == .play`, held calls older than this when the emergency ends are dropped.
        public var heldCallMaxAge: Duration = .seconds(300)

        public init() {}
    }

    private let output: any AudioOutput
    private let speakers: [String: Speaker]
    private let settings: Settings
    private let report: @Sendable (AnnouncerReport) -> Void

    // Keyed by sink: one lane per set of loudspeakers.
    private var queues: [String: [AnnouncementRequest]] = [:]
    private var playing: [String: (request: AnnouncementRequest, task: Task<Void, any Error>)] = [:]
    private var idle: [String: CheckedContinuation<Void, Never>] = [:]
    private var stalled: Set<String> = []
    /// Each sink's one armed timer (when it fires, and its number), and the sinks whose wait a timer
    /// may end. One timer serves every timed wait it ends soon enough: while the sound server is away
    /// each queued call wakes its zone, and a timer per wait would leave one more timer per call.
    private var timers: [String: (deadline: ContinuousClock.Instant, number: UInt64)] = [:]
    private var timersArmed: UInt64 = 0
    private var inTimedWait: Set<String> = []
    private var stopped = false
    /// Emergencies holding each sink, oldest first; the newest is the one said.
    private var emergencies: [String: [EmergencyState]] = [:]

    private struct EmergencyState {
        var broadcast: Int64
        /// The `broadcast.started` event's sequence number, logged as the announcement's id.
        var announcement: Int64
        /// The zone it is reported under on this sink.
        var zone: String
        var audio: PCM?
        var next: ContinuousClock.Instant = .now
        /// Failed sayings in a row: the retries back off so that a missing sink does not fill the log.
        var failures = 0
    }

    /// `speakers` maps zone ids to their loudspeakers; `report` is called on the announcer's executor,
    /// in order, and must not block.
    public init(output: any AudioOutput, speakers: [String: Speaker], settings: Settings = Settings(),
                report: @escaping @Sendable (AnnouncerReport) -> Void) {
        self.output = output
        self.speakers = speakers
        self.settings = settings
        self.report = report
    }

    /// Plays until the calling task is cancelled; an announcement playing then is finished first, and
    /// those still waiting are reported dropped.
    public func run() async {
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                for sink in Set(speakers.values.map(\.sink)) {
                    group.addTask { await self.serve(sink) }
                }
            }
        } onCancel: {
            Task { await self.stop() }
        }
    }

    private func stop() {
        stopped = true
        emergencies = [:]
        for waiter in idle.values { waiter.resume() }
        idle = [:]
        for request in queues.values.joined() {
            report(.finished(request, .dropped, reason: "Tidak diumumkan: server berhenti."))
        }
        queues = [:]
    }

    /// Queues a request for its zone's loudspeakers.
    public func enqueue(_ request: AnnouncementRequest) {
        guard let sink = speakers[request.zone]?.sink else {
            report(.finished(request, .failed, reason: "Zona '\(request.zone)' tidak punya pengeras suara."))
            return
        }
        // Changed in place: a copy of the sink's queue per call would copy every call waiting in it,
        // and while the sound server is away hundreds may wait.
        if let ticket = request.ticket, let waiting = queues[sink]?.firstIndex(where: { $0.ticket?.id == ticket.id }) {
            let older = queues[sink]![waiting]
            if older.counter == request.counter {
                report(.finished(request, .skipped, reason: "Panggilan tiket ini masih menunggu diumumkan."))
            } else {
                // Called again at another counter before the first call was said: only the newer one
                // is true, and it takes the older one's turn.
                report(.finished(older, .skipped, reason: "Diganti panggilan yang lebih baru ke loket lain."))
                queues[sink]![waiting] = request
            }
            return
        }
        // Behind everything of its urgency or higher, ahead of anything less urgent.
        let position = queues[sink]?.firstIndex { $0.urgency < request.urgency } ?? queues[sink]?.endIndex ?? 0
        queues[sink, default: []].insert(request, at: position)
        if let current = playing[sink], current.request.urgency < request.urgency {
            current.task.cancel()
        }
        wake(sink)
    }

    /// Requests waiting (not playing) per sink, for the health check.
    public var waiting: [String: Int] { queues.mapValues(\.count).filter { $0.value > 0 } }

    /// Sinks an emergency holds now, for the health check.
    public var holding: Set<String> { Set(emergencies.filter { !$0.value.isEmpty }.keys) }

    /// Takes the loudspeakers of `zones` (empty: every zone) for an emergency at once: the call playing
    /// there is cut off and calls wait. Its sound follows with `emergencyAudio`, so that the cut does not
    /// wait for the message to be synthesised.
    public func startEmergency(broadcast: Int64, announcement: Int64, zones: [String]) {
        var sinks: [String: String] = [:]
        for zone in zones.isEmpty ? speakers.keys.sorted() : zones {
            guard let sink = speakers[zone]?.sink, sinks[sink] == nil else { continue }
            sinks[sink] = zone
        }
        for (sink, zone) in sinks {
            emergencies[sink, default: []].removeAll { $0.broadcast == broadcast }
            emergencies[sink, default: []].append(EmergencyState(broadcast: broadcast, announcement: announcement, zone: zone))
            if let current = playing[sink] { current.task.cancel() }
            wake(sink)
        }
    }

    /// The sound of an emergency begun with `startEmergency`; said at once, then every `emergencyRepeat`.
    public func emergencyAudio(broadcast: Int64, _ audio: PCM) {
        for (sink, states) in emergencies {
            guard let index = states.firstIndex(where: { $0.broadcast == broadcast }) else { continue }
            emergencies[sink]![index].audio = audio
            emergencies[sink]![index].next = .now
            wake(sink)
        }
    }

    /// Releases the loudspeakers: a saying in progress stops at once, and the calls held back are said
    /// or dropped as `heldCalls` says, each outcome reported.
    public func endEmergency(broadcast: Int64) {
        for (sink, states) in emergencies where states.contains(where: { $0.broadcast == broadcast }) {
            emergencies[sink] = states.filter { $0.broadcast != broadcast }
            if let current = playing[sink], current.request.broadcast == broadcast { current.task.cancel() }
            if emergencies[sink]!.isEmpty {
                emergencies[sink] = nil
                releaseHeldCalls(sink)
            }
            wake(sink)
        }
    }

    private func releaseHeldCalls(_ sink: String) {
        queues[sink] = (queues[sink] ?? []).compactMap(held)
    }

    /// A call an emergency held back, once it is over: kept (with the longer age limit) or dropped,
    /// as `heldCalls` says; a drop is reported.
    private func held(_ request: AnnouncementRequest) -> AnnouncementRequest? {
        switch settings.heldCalls {
        case .drop:
            report(.finished(request, .dropped, reason: "Tidak diumumkan: tertahan oleh siaran darurat (pengaturan: dibuang)."))
            return nil
        case .play where ContinuousClock.now - request.requestedAt > settings.heldCallMaxAge:
            report(.finished(request, .dropped,
                             reason: "Tidak diumumkan: tertahan oleh siaran darurat lebih dari \(Self.seconds(settings.heldCallMaxAge)) detik."))
            return nil
        case .play:
            var kept = request
            kept.heldAgeLimit = settings.heldCallMaxAge
            return kept
        }
    }

    private func serve(_ sink: String) async {
        while !stopped, !Task.isCancelled {
            if let emergency = emergencies[sink]?.last {
                await sayEmergency(emergency, on: sink)
                continue
            }
            guard var next = queues[sink]?.first else {
                await withCheckedContinuation { waiter in
                    if stopped { waiter.resume() } else { idle[sink] = waiter }
                }
                continue
            }
            let limit = next.heldAgeLimit ?? settings.maxAge
            if ContinuousClock.now - next.requestedAt > limit {
                queues[sink]!.removeFirst()
                report(.finished(next, .dropped, reason: "Tidak diumumkan: sudah menunggu lebih dari \(Self.seconds(limit)) detik di antrean pengeras suara."))
                continue
            }
            guard output.status.isConnected else {
                // Woken early by an emergency, which must not wait for the sound server's check.
                await waitForChange(sink, upTo: settings.reconnectCheck)
                continue
            }
            queues[sink]!.removeFirst()
            if let render = next.renderLater {
                do {
                    next.audio = try render()
                    next.renderLater = nil
                } catch {
                    report(.finished(next, .failed, reason: "Tidak bisa dirender: \(error)"))
                    continue
                }
            }
            report(.started(next))
            let output = output
            let volume = speakers[next.zone]?.volume ?? 1
            let audio = next.audio
            let task = Task { try await output.play(audio, sink: sink == Self.defaultSink ? nil : sink, volume: volume) }
            playing[sink] = (next, task)
            let watchdog = Task {
                try await Task.sleep(for: .seconds(audio.seconds) + settings.stallMargin)
                stalled.insert(sink)
                task.cancel()
            }
            let result = await task.result
            watchdog.cancel()
            // Taken at once: a watchdog that fired as the play succeeded must not mark the next failure.
            let wasStalled = stalled.remove(sink) != nil
            playing[sink] = nil
            switch result {
            case .success:
                report(.finished(next, .played, reason: nil))
            case .failure where wasStalled:
                await retry(next, on: sink, after: "PulseAudio tidak memutarnya sampai selesai (sink macet atau ditangguhkan).")
            case .failure(let error) where error is CancellationError:
                report(.finished(next, .interrupted, reason: "Terpotong oleh siaran darurat; diulang setelahnya bila belum kedaluwarsa."))
                // The emergency may already be over (one that ended as it began): the held-call rule
                // then applies to this call now, as it did to the others.
                if emergencies[sink]?.isEmpty ?? true {
                    if let kept = held(next) { putBack(kept) }
                } else {
                    putBack(next)
                }
            case .failure(let error):
                // A missing sink is retried too: after a restart of the sound server, or a speaker plugged
                // back in, the sink can appear a moment after the connection.
                await retry(next, on: sink, after: "\(error)")
            }
        }
    }

    /// One saying of the newest emergency on a sink when its time has come; otherwise waits for that
    /// time or for a change (its end, a newer one, its sound arriving).
    private func sayEmergency(_ emergency: EmergencyState, on sink: String) async {
        guard let audio = emergency.audio else { return await waitForChange(sink, upTo: nil) }
        let now = ContinuousClock.now
        guard emergency.next <= now else { return await waitForChange(sink, upTo: emergency.next - now) }
        guard output.status.isConnected else { return await waitForChange(sink, upTo: settings.reconnectCheck) }
        var request = AnnouncementRequest(id: emergency.announcement, zone: emergency.zone, urgency: .emergency, audio: audio)
        request.broadcast = emergency.broadcast
        report(.started(request))
        let output = output
        let volume = speakers[emergency.zone]?.volume ?? 1
        let task = Task { try await output.play(audio, sink: sink == Self.defaultSink ? nil : sink, volume: volume) }
        playing[sink] = (request, task)
        let began = ContinuousClock.now
        let watchdog = Task {
            try await Task.sleep(for: .seconds(audio.seconds) + settings.stallMargin)
            stalled.insert(sink)
            task.cancel()
        }
        let result = await task.result
        watchdog.cancel()
        let wasStalled = stalled.remove(sink) != nil
        playing[sink] = nil
        let still = emergencies[sink]?.contains { $0.broadcast == emergency.broadcast } ?? false
        switch result {
        case .success:
            report(.finished(request, .played, reason: nil))
        case .failure where wasStalled:
            report(.finished(request, .failed, reason: "PulseAudio tidak memutarnya sampai selesai (sink macet atau ditangguhkan). Dicoba lagi."))
        case .failure(let error) where error is CancellationError:
            report(.finished(request, .interrupted, reason: still ? "Diganti siaran darurat yang lebih baru." : "Siaran darurat diakhiri."))
        case .failure(let error):
            report(.finished(request, .failed, reason: "\(error) Dicoba lagi."))
        }
        guard still, let index = emergencies[sink]?.firstIndex(where: { $0.broadcast == emergency.broadcast }) else { return }
        if case .failure(let error) = result, wasStalled || !(error is CancellationError) {
            let failures = emergencies[sink]![index].failures + 1
            emergencies[sink]![index].failures = failures
            let backoff = settings.retryDelay * (1 << min(failures - 1, 10))
            emergencies[sink]![index].next = .now + min(backoff, settings.emergencyRepeat)
        } else {
            emergencies[sink]![index].failures = 0
            emergencies[sink]![index].next = max(began + settings.emergencyRepeat, .now + settings.emergencyMinimumGap)
        }
    }

    /// Sleeps until something for this sink changes, or `timeout` passes.
    private func waitForChange(_ sink: String, upTo timeout: Duration?) async {
        await withCheckedContinuation { waiter in
            if stopped { return waiter.resume() }
            idle[sink] = waiter
            guard let timeout else { return }
            inTimedWait.insert(sink)
            let deadline = ContinuousClock.now + timeout
            if let armed = timers[sink], armed.deadline <= deadline { return }
            timersArmed += 1
            let number = timersArmed
            timers[sink] = (deadline, number)
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                self.timerFired(sink, number: number)
            }
        }
    }

    /// Ends the sink's wait if it is a timed one. A timer replaced by an earlier one has nothing to do;
    /// an untimed wait (for a change only) is not cut short.
    private func timerFired(_ sink: String, number: UInt64) {
        guard timers[sink]?.number == number else { return }
        timers[sink] = nil
        if inTimedWait.contains(sink) { wake(sink) }
    }

    /// Ends the sink's wait, whatever it waits for.
    private func wake(_ sink: String) {
        inTimedWait.remove(sink)
        idle.removeValue(forKey: sink)?.resume()
    }

    /// Logs a failed attempt and, unless the request has failed too often, tries it again shortly.
    private func retry(_ request: AnnouncementRequest, on sink: String, after reason: String) async {
        var request = request
        request.failures += 1
        guard request.failures < settings.maxFailures else {
            report(.finished(request, .failed, reason: "\(reason) Tidak dicoba lagi setelah \(request.failures) kali."))
            return
        }
        report(.finished(request, .failed, reason: reason))
        putBack(request)
        await waitForChange(sink, upTo: settings.retryDelay)
    }

    /// Back at the front of the requests of its urgency, to be played (again) as soon as possible;
    /// unless the same ticket's call already waits, which will say it.
    private func putBack(_ request: AnnouncementRequest) {
        guard let sink = speakers[request.zone]?.sink else { return }
        if let ticket = request.ticket, queues[sink]?.contains(where: { $0.ticket?.id == ticket.id }) == true { return }
        let position = queues[sink]?.firstIndex { $0.urgency <= request.urgency } ?? queues[sink]?.endIndex ?? 0
        queues[sink, default: []].insert(request, at: position)
    }

    private static func seconds(_ duration: Duration) -> Int { Int(duration.components.seconds) }
}
