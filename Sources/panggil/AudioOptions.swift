import ArgumentParser
import Foundation
import Logging
import PanggilCore
import PanggilPulse
import PanggilVoice

/// Where the voice packs are and which sound server plays them; shared by `serve` and `say`.
struct AudioOptions: ParsableArguments {
    @Option(name: .long, help: "Folder audio: paket suara (voices/<bahasa>) dan bel (chimes). Tanpa ini: ./audio, atau folder audio di samping program.")
    var audio: String?

    @Option(name: .long, help: "Server PulseAudio, mis. unix:/run/pulse/native. Tanpa ini: bawaan sistem (PULSE_SERVER).")
    var pulseServer: String?

    /// The folder given, else `./audio`, else the first `audio` folder above the program: a checkout's
    /// `.build/release/panggil` finds the repository's packs from any working directory.
    var audioDirectory: URL {
        if let audio { return URL(fileURLWithPath: audio) }
        let here = URL(fileURLWithPath: "audio")
        if FileManager.default.fileExists(atPath: here.appendingPathComponent("voices").path) { return here }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("audio")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("voices").path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return here
    }

    /// The site's voice, checked against every call the site can make: a missing clip stops here.
    func loadVoice(for site: Site) throws -> CallVoice {
        try CallVoice(site: site, audio: audioDirectory, synthesizer: EspeakProgram())
    }

    func pulseOutput(logger: Logger) -> PulseOutput {
        PulseOutput(server: pulseServer, logger: logger)
    }
}
