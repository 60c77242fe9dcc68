import Foundation
import PanggilTesting
import PanggilVoice
import Testing

/// The measuring tools the playback tests rely on, on signals whose answers are known.
@Suite("Audio analysis")
struct AudioAnalysisTests {
    @Test func theBestMatchFindsAShiftedQuieterCopyAndNothingInSilence() throws {
        let reference = tones([(523, 0.3), (659, 0.2), (784, 0.3)]).samples
        var recording = [Int16](repeating: 0, count: 3_217)
        recording += reference.map { $0 / 2 }
        recording += [Int16](repeating: 0, count: 5_000)
        let match = try #require(AudioAnalysis.bestMatch(of: reference, in: recording))
        #expect(match.lag == 3_217)
        #expect(match.coefficient > 0.999, "\(match)")

        // Another signal scores low, silence scores nothing, a short recording has no answer.
        let other = tones([(440, 0.2), (349, 0.35), (587, 0.25)], gap: 0.12).samples
        #expect(try #require(AudioAnalysis.bestMatch(of: other, in: recording)).coefficient < 0.5)
        #expect(AudioAnalysis.bestMatch(of: reference, in: [Int16](repeating: 0, count: 40_000))?.coefficient == 0)
        #expect(AudioAnalysis.bestMatch(of: reference, in: Array(recording.prefix(1_000))) == nil)
    }

    @Test func levelsAndEdges() {
        let samples: [Int16] = [0, 0, 3, -100, 200, -3, 0]
        #expect(AudioAnalysis.firstIndex(in: samples, above: 10) == 3)
        #expect(AudioAnalysis.firstIndex(in: samples, above: 10, from: 4) == 4)
        #expect(AudioAnalysis.lastIndex(in: samples, above: 10) == 4)
        #expect(AudioAnalysis.peak(samples) == 200)
        let square = [Int16](repeating: 1_000, count: 64) + [Int16](repeating: -500, count: 64)
        #expect(AudioAnalysis.rms(square) == (1_000.0 * 1_000 / 2 + 500.0 * 500 / 2).squareRoot())
        #expect(AudioAnalysis.envelope(square, window: 64) == [1_000, 500])
    }
}
