import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Says free text: notices, emergencies, and service names the voice pack has no recording of.
public protocol SpeechSynthesizer: Sendable {
    /// `text` said in `language` (`id`, `en`), as mono PCM.
    func synthesize(_ text: String, language: String) async throws -> PCM
}

public struct SynthesisFailed: Error, CustomStringConvertible {
    public var description: String
}

/// The `espeak-ng` program, with the voice and speed the shipped packs were made with, so that
/// synthesised words sound like the clips around them. The text goes in on standard input, never as
/// an argument, so that no text can be taken for an option. Run through swift-subprocess, which waits
/// for the child without holding a thread (Foundation's `Process` on Linux is not safe to use from
/// several threads at once, and a server renders from several).
public struct EspeakProgram: SpeechSynthesizer {
    public let executable: URL
    public var wordsPerMinute = 150

    /// Nil when `espeak-ng` is not installed.
    public init?(searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") {
        guard let directory = searchPath.split(separator: ":").first(where: {
            FileManager.default.isExecutableFile(atPath: "\($0)/espeak-ng")
        }) else { return nil }
        executable = URL(fileURLWithPath: "\(directory)/espeak-ng")
    }

    public func synthesize(_ text: String, language: String) async throws -> PCM {
        let result = try await Subprocess.run(
            .path(FilePath(executable.path)),
            arguments: ["-v", language, "-s", String(wordsPerMinute), "--stdout"],
            input: .string(text),
            // A minute of speech is 2.6 MB at espeak-ng's 22,050 Hz; nothing said here is that long.
            output: .bytes(limit: 32 << 20),
            error: .string(limit: 64 << 10))
        guard result.terminationStatus == .exited(0) else {
            throw SynthesisFailed(description: "espeak-ng gagal (\(result.terminationStatus)): \(result.standardError)")
        }
        // espeak-ng writes its WAV header before it knows the length; the reader takes what follows.
        return try WAVFile.read(Data(result.standardOutput))
    }
}
