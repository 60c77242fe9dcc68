import Foundation
import PanggilCore
import PanggilSiteFile

/// Sites, clocks and files for tests.
public enum Fixtures {
    public static let wib = TimeZone(identifier: "Asia/Jakarta")!

    /// A local time in WIB: `wib("2026-11-30 08:30")` (a Monday).
    public static func wib(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = wib
        formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    /// A small hall: service A (quota 5, weekday hours with a Friday break), B (always open, no quota),
    /// P (priority-heavy); counters 1–2 serve A and B, 3 serves B, 4 serves P.
    public static let smallSiteYAML = """
        name: Hall Uji
        timezone: Asia/Jakarta
        call_policy: priority_first
        zones:
          - {id: z1, name: Lantai 1, sink: z1}
          - {id: z2, name: Lantai 2, sink: z2}
        agencies:
          - {id: dukcapil, name: Disdukcapil}
          - {id: samsat, name: Samsat}
        services:
          - code: A
            name: KTP
            agency: dukcapil
            daily_quota: 5
            hours: {senin-kamis: "08.00-15.00", jumat: ["08.00-11.00", "13.00-15.00"]}
          - {code: B, name: KK, agency: dukcapil}
          - {code: P, name: Pajak, agency: samsat}
        counters:
          - {number: 1, zone: z1, services: [A, B]}
          - {number: 2, zone: z1, services: [A, B]}
          - {number: 3, zone: z2, services: [B], destination: meja}
          - {number: 4, zone: z2, services: [P]}
        displays:
          - {name: lobi, layout: hall, zone: z1}
          - {name: lantai-2, layout: portrait, zone: z2, theme: light, speaker: true}
          - {name: meja-3, layout: counter, counter: 3}
        """

    public static var smallSite: Site { try! SiteFile.parse(smallSiteYAML) }

    /// The small hall open on weekdays 08.00–15.00, with the Friday prayer break, a Monday meeting for
    /// service P (not announced), Christmas closed, the closing announced 15 minutes ahead; English too.
    public static let scheduledSiteYAML = smallSiteYAML + """

        languages: [id, en]
        hours: {senin-jumat: "08.00-15.00"}
        breaks:
          - {name: Istirahat sholat Jumat, days: jumat, time: "11.30-13.00"}
          - {name: Rapat pagi, days: [senin], time: "08.00-08.30", services: [P], announce: false}
        holidays:
          - {date: 2026-12-25, name: Hari Raya Natal}
        announcements: {before_closing_minutes: 15}
        """

    public static var scheduledSite: Site { try! SiteFile.parse(scheduledSiteYAML) }

    /// One service `A` without quota or hours and `counters` counters all serving it.
    public static func busySite(counters: Int, services: [String] = ["A"], policy: CallPolicy = .priorityFirst) -> Site {
        Site(
            name: "Hall Sibuk", timeZone: wib,
            agencies: [Agency(id: "x", name: "Instansi X")],
            services: services.map { Service(code: $0, name: "Layanan \($0)", agency: "x") },
            counters: (1...counters).map { Counter(number: $0, zone: "z", services: services) },
            zones: [Zone(id: "z", name: "Zona", sink: "z")],
            callPolicy: policy)
    }

    /// A fresh directory under the system's temporary directory.
    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("panggil-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A path for a new store file in a fresh directory.
    public static func temporaryStorePath() -> String {
        temporaryDirectory().appendingPathComponent("panggil.sqlite").path
    }

    /// The repository's `audio` folder: the shipped voice packs and chime.
    public static var audioDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("audio")
    }

    /// The repository's `display-layouts` folder: the public pages.
    public static var layoutsDirectory: URL {
        audioDirectory.deletingLastPathComponent().appendingPathComponent("display-layouts")
    }

    /// The `panggil` binary built beside the test bundle (or `PANGGIL_BIN`).
    public static var panggilBinary: URL {
        if let path = ProcessInfo.processInfo.environment["PANGGIL_BIN"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the tests run as `<build>/debug/panggilPackageTests.xctest`; elsewhere inside a bundle.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("panggil").path),
              directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("panggil")
    }
}

/// A small, seedable generator so that a failing random run can be replayed.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
