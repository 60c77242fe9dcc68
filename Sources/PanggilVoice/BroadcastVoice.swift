import Foundation
import PanggilCore

/// How broadcasts sound: an emergency opens with an alarm no one can mistake for the call chime, then
/// the message in each of the site's languages; a spoken notice opens with the chime.
extension CallVoice {
    public struct NoSynthesizer: Error, CustomStringConvertible {
        public var description: String { "espeak-ng tidak terpasang, teks siaran tidak bisa diucapkan" }
    }

    /// The broadcast as one buffer. An emergency without a synthesiser is the alarm alone, which still
    /// tells everyone to look at the screens; a notice without one cannot be said and throws.
    public func render(broadcast: Broadcast) async throws -> PCM {
        let key = RenderedBroadcasts.key(broadcast, languages: site.languages)
        if let ready = rendered[key] { return ready }
        let pcm = try await renderAnew(broadcast)
        rendered[key] = pcm
        return pcm
    }

    /// Renders the site's ready-made messages (those without blanks) ahead, at start-up.
    public func prepareTemplates() async {
        for template in site.emergency.templates where template.blanks.isEmpty {
            let broadcast = Broadcast(id: 0, kind: template.kind, text: template.text, english: template.english, zones: [],
                                      startedAt: Date(), spoken: true)
            _ = try? await render(broadcast: broadcast)
        }
    }

    private func renderAnew(_ broadcast: Broadcast) async throws -> PCM {
        let rate = VoicePack.sampleRate
        var out = PCM(sampleRate: rate)
        if broadcast.kind == .emergency {
            out.append(Alarm.tone(sampleRate: rate))
        } else if let chime {
            out.append(chime.resampled(to: rate))
        }
        guard let synthesizer else {
            if broadcast.kind == .emergency { return out }
            throw NoSynthesizer()
        }
        var sayings = [("id", broadcast.text)]
        if let english = broadcast.english, site.languages.contains("en") { sayings.append(("en", english)) }
        for (language, text) in sayings {
            out.append(.silence(seconds: language == "id" ? 0.5 : Self.pauseBetweenSayings, sampleRate: rate))
            out.append(try await synthesizer.synthesize(SpokenText.forSpeech(text, language: language), language: language)
                .resampled(to: rate).trimmed())
        }
        return out
    }
}

/// Rendered broadcasts by what they say; a few dozen at most (the templates and recent notices).
final class RenderedBroadcasts: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: PCM] = [:]
    private var order: [String] = []
    private let capacity = 32

    static func key(_ broadcast: Broadcast, languages: [String]) -> String {
        [broadcast.kind.rawValue, broadcast.text, languages.contains("en") ? broadcast.english ?? "" : ""].joined(separator: "\u{1F}")
    }

    subscript(key: String) -> PCM? {
        get { lock.withLock { entries[key] } }
        set {
            lock.withLock {
                guard let newValue else { return }
                if entries.updateValue(newValue, forKey: key) == nil { order.append(key) }
                if order.count > capacity { entries[order.removeFirst()] = nil }
            }
        }
    }
}

/// The building's alarm: a two-tone "hi-lo" signal, three cycles, about 2.7 s.
public enum Alarm {
    public static let high = 960.0
    public static let low = 770.0

    public static func tone(sampleRate: Int, cycles: Int = 3) -> PCM {
        var samples: [Int16] = []
        let half = Int(0.45 * Double(sampleRate))
        let ramp = Int(0.01 * Double(sampleRate))
        for _ in 0..<cycles {
            for frequency in [high, low] {
                for i in 0..<half {
                    // Short ramps at each end: a tone that starts or stops at full level clicks.
                    let envelope = min(1, Double(min(i, half - 1 - i)) / Double(ramp))
                    let value = sin(2 * Double.pi * frequency * Double(i) / Double(sampleRate)) * 0.6 * envelope
                    samples.append(Int16(value * Double(Int16.max)))
                }
            }
        }
        return PCM(sampleRate: sampleRate, samples: samples)
    }
}

/// Text made fit for a speech synthesiser: times written the Indonesian way (`11.30`) are said as
/// words (*sebelas tiga puluh*), which espeak-ng would otherwise read as a decimal number.
public enum SpokenText {
    public static func forSpeech(_ text: String, language: String) -> String {
        let words = language == "en" ? NumberWords.english : NumberWords.indonesian
        var out = ""
        var rest = Substring(text)
        while let match = rest.firstMatch(of: /\b([01]?\d|2[0-4])\.([0-5]\d)\b/) {
            out += rest[..<match.range.lowerBound]
            let hour = Int(match.output.1)!, minute = Int(match.output.2)!
            var said = words(hour)
            if minute > 0 {
                if language == "en", minute < 10 { said.append("oh") }
                said += words(minute)
            } else if language == "en" {
                said.append("o'clock")
            }
            out += said.joined(separator: " ")
            rest = rest[match.range.upperBound...]
        }
        return out + rest
    }
}
