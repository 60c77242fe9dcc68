import Foundation

/// Measurements on mono 16-bit audio, for tests of what a sound server played: loudness, where sound
/// starts and ends, and where a known signal lies in a recording.
public enum AudioAnalysis {
    /// Root mean square in sample units (full scale is 32,767); 0 for no samples.
    public static func rms(_ samples: some Collection<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// The RMS of each whole window of `window` samples, in order.
    public static func envelope(_ samples: [Int16], window: Int) -> [Double] {
        precondition(window > 0)
        return samples.withUnsafeBufferPointer { samples in
            (0..<samples.count / window).map { index in
                var sum = 0.0
                for sample in samples[index * window..<(index + 1) * window] { sum += Double(sample) * Double(sample) }
                return (sum / Double(window)).squareRoot()
            }
        }
    }

    /// The largest magnitude, 0 for no samples.
    public static func peak(_ samples: some Collection<Int16>) -> Int {
        samples.reduce(0) { max($0, abs(Int($1))) }
    }

    /// The first sample at or after `start` whose magnitude exceeds `threshold`.
    public static func firstIndex(in samples: [Int16], above threshold: Int, from start: Int = 0) -> Int? {
        guard start < samples.count else { return nil }
        return samples[start...].firstIndex { abs(Int($0)) > threshold }
    }

    /// The last sample whose magnitude exceeds `threshold`.
    public static func lastIndex(in samples: [Int16], above threshold: Int) -> Int? {
        samples.lastIndex { abs(Int($0)) > threshold }
    }

    /// Where a known signal lies in a recording.
    public struct Match: Sendable, Equatable, CustomStringConvertible {
        /// The index in the recording of the reference's first sample.
        public var lag: Int
        /// The normalised cross-correlation at `lag`: 1 for the same waveform at any gain, about 0 for
        /// something unrelated (or silence).
        public var coefficient: Double

        public var description: String { "lag \(lag), r = \((coefficient * 1000).rounded() / 1000)" }
    }

    /// The lag at which `reference`, wholly inside `recording`, correlates best with it; nil when the
    /// recording is shorter than the reference.
    ///
    /// Every lag is tried, through the FFT: a search narrowed down on envelopes first can settle on the
    /// wrong stretch, because a sink's monitor does not record a stream exactly (a rewind when a stream
    /// starts can repeat its first few milliseconds), and a few seconds at 22,050 Hz correlated directly
    /// would take billions of multiplications.
    public static func bestMatch(of reference: [Int16], in recording: [Int16]) -> Match? {
        guard !reference.isEmpty, recording.count >= reference.count else { return nil }
        let referenceEnergy = reference.reduce(0.0) { $0 + Double($1) * Double($1) }
        guard referenceEnergy > 0 else { return Match(lag: 0, coefficient: 0) }
        let products = correlation(of: reference, in: recording)
        var energies = [0.0]
        energies.reserveCapacity(recording.count + 1)
        for sample in recording { energies.append(energies.last! + Double(sample) * Double(sample)) }

        var best = Match(lag: 0, coefficient: 0)
        for lag in 0...(recording.count - reference.count) {
            let energy = energies[lag + reference.count] - energies[lag]
            guard energy > 0 else { continue }
            let coefficient = products[lag] / (referenceEnergy * energy).squareRoot()
            if coefficient > best.coefficient { best = Match(lag: lag, coefficient: coefficient) }
        }
        return best
    }

    /// `result[lag]` is the sum over `i` of `reference[i] * recording[lag + i]`, for every lag at which
    /// the reference fits: the inverse transform of the recording's spectrum times the conjugate of the
    /// reference's, zero-padded so that no lag wraps around.
    private static func correlation(of reference: [Int16], in recording: [Int16]) -> [Double] {
        var size = 1
        while size < recording.count + reference.count { size <<= 1 }
        var heard = Spectrum(recording, size: size)
        var known = Spectrum(reference, size: size)
        heard.transform(inverse: false)
        known.transform(inverse: false)
        for index in 0..<size {
            let (a, b) = (heard.real[index], heard.imaginary[index])
            let (c, d) = (known.real[index], -known.imaginary[index])
            heard.real[index] = a * c - b * d
            heard.imaginary[index] = a * d + b * c
        }
        heard.transform(inverse: true)
        return Array(heard.real[0...(recording.count - reference.count)]).map { $0 / Double(size) }
    }

    /// An in-place radix-2 FFT over separate real and imaginary parts.
    private struct Spectrum {
        var real: [Double]
        var imaginary: [Double]

        init(_ samples: [Int16], size: Int) {
            real = [Double](repeating: 0, count: size)
            imaginary = [Double](repeating: 0, count: size)
            for (index, sample) in samples.enumerated() { real[index] = Double(sample) }
        }

        /// Unscaled in both directions; the caller divides by the size after the inverse.
        mutating func transform(inverse: Bool) {
            let size = real.count
            real.withUnsafeMutableBufferPointer { real in
                imaginary.withUnsafeMutableBufferPointer { imaginary in
                    var j = 0
                    for i in 1..<size {
                        var bit = size >> 1
                        while j & bit != 0 {
                            j ^= bit
                            bit >>= 1
                        }
                        j |= bit
                        if i < j {
                            real.swapAt(i, j)
                            imaginary.swapAt(i, j)
                        }
                    }
                    var length = 2
                    while length <= size {
                        let angle = (inverse ? 2 : -2) * Double.pi / Double(length)
                        let (stepReal, stepImaginary) = (cos(angle), sin(angle))
                        var start = 0
                        while start < size {
                            var (twiddleReal, twiddleImaginary) = (1.0, 0.0)
                            for offset in 0..<length / 2 {
                                let even = start + offset, odd = even + length / 2
                                let oddReal = real[odd] * twiddleReal - imaginary[odd] * twiddleImaginary
                                let oddImaginary = real[odd] * twiddleImaginary + imaginary[odd] * twiddleReal
                                real[odd] = real[even] - oddReal
                                imaginary[odd] = imaginary[even] - oddImaginary
                                real[even] += oddReal
                                imaginary[even] += oddImaginary
                                (twiddleReal, twiddleImaginary) = (
                                    twiddleReal * stepReal - twiddleImaginary * stepImaginary,
                                    twiddleReal * stepImaginary + twiddleImaginary * stepReal)
                            }
                            start += length
                        }
                        length <<= 1
                    }
                }
            }
        }
    }
}
