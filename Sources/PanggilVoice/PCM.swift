import Foundation

/// Mono 16-bit audio at one sample rate: what announcements are rendered into and played from.
public struct PCM: Sendable, Equatable {
    public var sampleRate: Int
    public var samples: [Int16]

    public init(sampleRate: Int, samples: [Int16] = []) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    public var seconds: Double { Double(samples.count) / Double(sampleRate) }

    public static func silence(seconds: Double, sampleRate: Int) -> PCM {
        var pcm = PCM(sampleRate: sampleRate)
        pcm.appendSilence(seconds: seconds)
        return pcm
    }

    public mutating func append(_ other: PCM) {
        precondition(other.sampleRate == sampleRate, "append needs one sample rate")
        samples += other.samples
    }

    /// Appends `seconds` of silence, as `append(.silence(...))` does, without a buffer of its own.
    public mutating func appendSilence(seconds: Double) {
        samples.append(contentsOf: repeatElement(0, count: Int((seconds * Double(sampleRate)).rounded())))
    }

    /// Without the quiet before the first and after the last sound (below `threshold` of full scale).
    public func trimmed(threshold: Double = 0.01) -> PCM {
        let limit = Int16(Double(Int16.max) * threshold)
        guard let first = samples.firstIndex(where: { abs(Int($0)) > limit }),
              let last = samples.lastIndex(where: { abs(Int($0)) > limit }) else { return PCM(sampleRate: sampleRate) }
        return PCM(sampleRate: sampleRate, samples: Array(samples[first...last]))
    }

    /// At another sample rate, by linear interpolation: clips recorded at 44.1 or 48 kHz join the pack's rate.
    public func resampled(to rate: Int) -> PCM {
        guard rate != sampleRate, !samples.isEmpty else { return PCM(sampleRate: rate, samples: samples) }
        let count = Int((Double(samples.count) * Double(rate) / Double(sampleRate)).rounded())
        let step = Double(sampleRate) / Double(rate)
        var out = [Int16](repeating: 0, count: count)
        for i in 0..<count {
            let position = Double(i) * step
            let index = min(Int(position), samples.count - 1)
            let next = min(index + 1, samples.count - 1)
            let fraction = position - Double(index)
            out[i] = Int16((Double(samples[index]) * (1 - fraction) + Double(samples[next]) * fraction).rounded())
        }
        return PCM(sampleRate: rate, samples: out)
    }
}

/// RIFF/WAVE files of 16-bit PCM, mono or stereo (mixed down).
public enum WAVFile {
    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ data: Data) throws -> PCM {
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw Unreadable(description: "bukan berkas WAV")
        }
        var format: (channels: Int, rate: Int, bits: Int, code: Int)?
        var at = 12
        while at + 8 <= bytes.count {
            let size = u32(at + 4)
            let body = at + 8
            guard body + size <= bytes.count || bytes[at..<at + 4].elementsEqual("data".utf8) else { break }
            if bytes[at..<at + 4].elementsEqual("fmt ".utf8), size >= 16 {
                format = (u16(body + 2), u32(body + 4), u16(body + 14), u16(body))
            } else if bytes[at..<at + 4].elementsEqual("data".utf8) {
                guard let format else { throw Unreadable(description: "bagian fmt tidak ada sebelum data") }
                guard format.code == 1 || format.code == 0xFFFE, format.bits == 16, (1...2).contains(format.channels) else {
                    throw Unreadable(description: "harus PCM 16-bit mono atau stereo (ini \(format.bits)-bit, \(format.channels) kanal)")
                }
                let end = min(bytes.count, body + size)
                var samples: [Int16] = []
                samples.reserveCapacity((end - body) / 2 / format.channels)
                var index = body
                while index + 2 * format.channels <= end {
                    if format.channels == 1 {
                        samples.append(Int16(bitPattern: UInt16(u16(index))))
                    } else {
                        let left = Int(Int16(bitPattern: UInt16(u16(index)))), right = Int(Int16(bitPattern: UInt16(u16(index + 2))))
                        samples.append(Int16((left + right) / 2))
                    }
                    index += 2 * format.channels
                }
                return PCM(sampleRate: format.rate, samples: samples)
            }
            at = body + size + (size % 2)
        }
        throw Unreadable(description: "bagian data tidak ada")
    }

    public static func data(_ pcm: PCM) -> Data {
        var out = Data()
        func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { out.append(contentsOf: $0) } }
        func u16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { out.append(contentsOf: $0) } }
        let bytes = pcm.samples.count * 2
        out.append(contentsOf: "RIFF".utf8); u32(36 + bytes); out.append(contentsOf: "WAVE".utf8)
        out.append(contentsOf: "fmt ".utf8); u32(16); u16(1); u16(1); u32(pcm.sampleRate); u32(pcm.sampleRate * 2); u16(2); u16(16)
        out.append(contentsOf: "data".utf8); u32(bytes)
        pcm.samples.withUnsafeBufferPointer { buffer in
            for sample in buffer { withUnsafeBytes(of: sample.littleEndian) { out.append(contentsOf: $0) } }
        }
        return out
    }
}
