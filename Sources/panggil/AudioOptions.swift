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

    /// The folder given, else `./audio`, else the `audio` folder of the checkout the program was built in.
    var audioDirectory: URL {
        shippedFolder("audio", given: audio, marker: "voices")
    }

    /// The site's voice, checked against every call the site can make: a missing clip stops here.
    func loadVoice(for site: Site) async throws -> CallVoice {
        try await CallVoice(site: site, audio: audioDirectory, synthesizer: EspeakProgram())
    }

    func pulseOutput(logger: Logger) -> PulseOutput {
        PulseOutput(server: pulseServer, logger: logger)
    }
}
