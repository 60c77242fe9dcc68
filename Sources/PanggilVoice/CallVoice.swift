import Foundation
import PanggilCore

/// Everything a site needs to say its calls: a voice pack per spoken language, the chime, the service
/// names and the site's speech settings. Built once at start-up; building it proves that every call
/// the site can make can be said, so that a missing clip stops the server at start rather than
/// silencing a call in the afternoon.
public struct CallVoice: Sendable {
    public let site: Site
    private let renderers: [Renderer]
    /// Says broadcasts' free text; nil where espeak-ng is not installed (emergencies then sound the
    /// alarm alone, and spoken notices are skipped with a logged reason).
    let synthesizer: (any SpeechSynthesizer)?
    let chime: PCM?
    /// Broadcasts already rendered, so that a ready-made emergency sounds without waiting for
    /// espeak-ng (a cold start of which can take most of a second).
    let rendered = RenderedBroadcasts()

    /// The pause between a call and its repetition, or its saying in the next language.
    public static let pauseBetweenSayings = 0.8

    /// `audio` holds `voices/<language>/` and `chimes/ding-dong.wav`. The synthesiser says service names
    /// that the pack has no `layanan-<code>` recording of (when the site says service names at all).
    public init(site: Site, audio: URL, synthesizer: (any SpeechSynthesizer)?) async throws {
        self.site = site
        var problems: [String] = []
        let chimeURL = audio.appendingPathComponent("chimes/ding-dong.wav")
        var chime: PCM?
        if !FileManager.default.fileExists(atPath: chimeURL.path) {
            problems.append("bel \(chimeURL.path) tidak ada")
        } else {
            do {
                chime = try WAVFile.read(Data(contentsOf: chimeURL))
            } catch {
                problems.append("bel \(chimeURL.path) tidak terbaca: \(error)")
            }
        }
        let destinations = Array(Set(Vocabulary.destinations + site.counters.map(\.destination))).sorted()
        var renderers: [Renderer] = []
        for language in site.spokenLanguages {
            let pack: VoicePack
            do {
                pack = try VoicePack(directory: audio.appendingPathComponent("voices/\(language)"), language: language,
                                     destinations: destinations)
            } catch let error as VoicePackError {
                problems += error.problems
                continue
            }
            var renderer = Renderer(pack: pack, chime: chime)
            if site.speech.style.sayService {
                for service in site.services {
                    let clip = Self.serviceClip(service)
                    guard pack.clip(clip) == nil else { continue }
                    guard let synthesizer else {
                        problems.append("klip '\(clip)' (\(service.spokenName)) tidak ada di paket \(language), dan espeak-ng tidak terpasang untuk mengucapkannya")
                        continue
                    }
                    do {
                        let said = try await synthesizer.synthesize(service.spokenName, language: language)
                            .resampled(to: pack.sampleRate).trimmed()
                        if said.samples.isEmpty {
                            problems.append("nama layanan '\(service.spokenName)' diucapkan hening oleh espeak-ng")
                        }
                        renderer.siteClips[clip] = said
                    } catch {
                        problems.append("nama layanan '\(service.spokenName)' tidak bisa diucapkan: \(error)")
                    }
                }
            }
            renderers.append(renderer)
        }
        guard problems.isEmpty else { throw VoicePackError(problems: problems) }
        self.renderers = renderers
        self.synthesizer = synthesizer
        self.chime = chime
    }

    /// The clip that says a service's name: a site may record it, else it is synthesised.
    public static func serviceClip(_ service: Service) -> String { "layanan-\(service.code.lowercased())" }

    /// The call in each spoken language, in order. `service` is the queue the ticket is in now (it
    /// differs from its prefix after a transfer); nil: the service of the prefix.
    public func announcements(ticket: TicketLabel, service: String? = nil, counter: Counter, recall: Bool) -> [Announcement] {
        renderers.map { renderer in
            Announcement.call(ticket: ticket, counter: counter, service: site.service(service ?? ticket.prefix), recall: recall,
                              style: site.speech.style, language: renderer.pack.language)
        }
    }

    /// The logged call or recall `event` as the loudspeakers say it; nil for any other event.
    public func render(call event: QueueEvent) throws -> RenderedAnnouncement? {
        guard event.type == .ticketCalled || event.type == .ticketRecalled, let ticket = event.ticket,
              let counter = event.counter.flatMap(site.counter) else { return nil }
        return try render(ticket: TicketLabel(prefix: ticket.prefix, number: ticket.number), service: ticket.service,
                          counter: counter, recall: event.type == .ticketRecalled)
    }

    /// One buffer: the chime, then the call in each spoken language, all of it as many times as the
    /// site says calls.
    public func render(ticket: TicketLabel, service: String? = nil, counter: Counter, recall: Bool) throws -> RenderedAnnouncement {
        let sayings = announcements(ticket: ticket, service: service, counter: counter, recall: recall)
        var rendered: RenderedAnnouncement?
        for _ in 0..<site.speech.repeats {
            for (renderer, announcement) in zip(renderers, sayings) {
                let part = try renderer.render(announcement, withChime: rendered == nil)
                if rendered == nil { rendered = part } else { rendered!.append(part, gap: Self.pauseBetweenSayings) }
            }
        }
        return rendered!
    }
}
