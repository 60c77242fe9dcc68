import Foundation

/// Says free text: notices, emergencies, and service names the voice pack has no recording of.
public protocol SpeechSynthesizer: Sendable {
    /// `text` said in `language` (`id`, `en`), as mono PCM.
    func synthesize(_ text: String, language: String) throws -> PCM
}

public struct SynthesisFailed: Error, CustomStringConvertible {
    public var description: String
}

/// The `espeak-ng` program, with the voice and speed the shipped packs were made with, so that
/// synthesised words sound like the clips around them. The text goes in on standard input, never as
/// an argument, so that no text can be taken for an option.
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

    public func synthesize(_ text: String, language: String) throws -> PCM {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["-v", language, "-s", String(wordsPerMinute), "--stdout"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // (A program that exits without reading makes this throw; `panggil` ignores SIGPIPE.)
        try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let wav = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SynthesisFailed(description: "espeak-ng gagal (\(process.terminationStatus)): \(message)")
        }
        // espeak-ng writes its WAV header before it knows the length; the reader takes what follows.
        return try WAVFile.read(wav)
    }
}
