import Foundation
import PanggilCore

/// An announcement rendered into one buffer, with where each clip sits in it.
public struct RenderedAnnouncement: Sendable {
    public var pcm: PCM
    /// Clip name, start and length in samples, in order.
    public var parts: [(clip: String, start: Int, count: Int)]

    public var durationMs: Int { Int((pcm.seconds * 1000).rounded()) }
}

/// Renders announcements: the chime, then the clips with fixed, short gaps. Measured lengths, no timers.
public struct Renderer: Sendable {
    public struct Gaps: Sendable, Equatable {
        public var afterChime = 0.30
        public var betweenWords = 0.04
        public var betweenParts = 0.15
        public var betweenSentences = 0.35

        public init() {}
    }

    public let pack: VoicePack
    public let chime: PCM?
    public var gaps = Gaps()
    /// Clips the site adds to the pack: service names synthesised at start-up.
    public var siteClips: [String: PCM] = [:]

    public init(pack: VoicePack, chime: PCM?) {
        self.pack = pack
        self.chime = chime.map { $0.resampled(to: pack.sampleRate) }
    }

    public struct MissingClip: Error, CustomStringConvertible {
        public var clip: String
        public var description: String { "klip '\(clip)' tidak ada di paket suara" }
    }

    public func render(_ announcement: Announcement, withChime: Bool = true) throws -> RenderedAnnouncement {
        var pcm = PCM(sampleRate: pack.sampleRate)
        var parts: [(clip: String, start: Int, count: Int)] = []
        if withChime, let chime {
            parts.append(("chime", 0, chime.samples.count))
            pcm.append(chime)
            pcm.appendSilence(seconds: gaps.afterChime)
        }
        for (s, sentence) in announcement.sentences.enumerated() {
            if s > 0 { pcm.appendSilence(seconds: gaps.betweenSentences) }
            for (p, part) in sentence.enumerated() {
                if p > 0 { pcm.appendSilence(seconds: gaps.betweenParts) }
                for (w, word) in part.enumerated() {
                    if w > 0 { pcm.appendSilence(seconds: gaps.betweenWords) }
                    guard let clip = pack.clip(word.clip) ?? siteClips[word.clip] else { throw MissingClip(clip: word.clip) }
                    parts.append((word.clip, pcm.samples.count, clip.samples.count))
                    pcm.append(clip)
                }
            }
        }
        return RenderedAnnouncement(pcm: pcm, parts: parts)
    }
}

extension RenderedAnnouncement {
    /// `self`, a pause of `gap` seconds, then `next`: a call said again, or in the next language.
    public mutating func append(_ next: RenderedAnnouncement, gap: Double) {
        pcm.appendSilence(seconds: gap)
        let offset = pcm.samples.count
        pcm.append(next.pcm)
        parts += next.parts.map { ($0.clip, $0.start + offset, $0.count) }
    }
}
