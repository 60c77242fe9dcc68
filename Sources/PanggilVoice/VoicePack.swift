import Foundation
import PanggilCore

/// A voice pack that cannot be used, naming the clip and the file.
public struct VoicePackError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public var description: String {
        "Paket suara tidak lengkap:\n" + problems.map { "  - \($0)" }.join()
    }
}

private extension Array where Element == String {
    func join() -> String { joined(separator: "\n") }
}

/// A folder of WAV clips with a `manifest.json`, loaded into memory at one sample rate with each clip's
/// silence trimmed. Loading checks it against everything announcements can ask for. Clips beyond the
/// vocabulary are loaded too: a site's recording of a service name (`layanan-a`) is used instead of
/// synthesising it.
public struct VoicePack: Sendable {
    public let language: String
    public let sampleRate: Int
    private let clips: [String: PCM]

    public static let sampleRate = 22_050

    /// `destinations`: the words the site's counters use (*loket*, *meja*, *ruang*, or its own).
    public init(directory: URL, language: String, destinations: [String] = Vocabulary.destinations,
                sampleRate: Int = VoicePack.sampleRate) throws {
        self.language = language
        self.sampleRate = sampleRate
        let manifestURL = directory.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: manifestURL),
              let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = manifest["clips"] as? [String: [String: Any]] else {
            throw VoicePackError(problems: ["\(manifestURL.path): manifest tidak ada atau tidak terbaca"])
        }
        var clips: [String: PCM] = [:]
        var problems: [String] = []
        for word in Vocabulary.words(language: language, destinations: destinations) where entries[word.clip] == nil {
            problems.append("klip '\(word.clip)' (\(word.text)) tidak ada di manifest")
        }
        for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
            guard let file = entry["file"] as? String else {
                problems.append("klip '\(name)': manifest tidak menyebut berkasnya (\"file\")")
                continue
            }
            let url = directory.appendingPathComponent(file)
            do {
                clips[name] = try WAVFile.read(Data(contentsOf: url)).resampled(to: sampleRate).trimmed()
                if clips[name]!.samples.isEmpty { problems.append("klip '\(name)' (\(url.path)) hening") }
            } catch {
                problems.append("klip '\(name)' (\(url.path)) tidak terbaca: \(error)")
            }
        }
        guard problems.isEmpty else { throw VoicePackError(problems: problems) }
        self.clips = clips
    }

    public func clip(_ name: String) -> PCM? { clips[name] }
}
