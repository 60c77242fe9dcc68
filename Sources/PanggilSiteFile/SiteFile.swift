import Foundation
import PanggilCore
import Yams

/// A site file that cannot be used, with every problem found in it.
public struct SiteFileError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var problems: [SiteProblem]

    public var description: String {
        "Berkas situs \(source) tidak valid:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Reads the YAML site file (see `docs/site-file.md`) into a validated `Site`.
public enum SiteFile {
    public static func load(path: String) throws -> Site {
        try parse(text(at: path), source: path)
    }

    /// The file's text, or a `SiteFileError` that says why it cannot be read.
    public static func text(at path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SiteFileError(source: path, problems: [SiteProblem("(berkas)", "tidak bisa dibaca: \(error.localizedDescription)")])
        }
    }

    /// The embedded demo site (MPP Kota Tegal), used when no file is given.
    public static func demo() -> Site {
        // The demo is part of the binary and covered by tests, so a failure here is a programming error.
        try! parse(demoYAML, source: "(demo)")
    }

    public static func parse(_ yaml: String, source: String = "(teks)") throws -> Site {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw SiteFileError(source: source, problems: [SiteProblem("(berkas)", "berkas kosong")])
            }
            root = node
        } catch let error as SiteFileError {
            throw error
        } catch {
            throw SiteFileError(source: source, problems: [SiteProblem("(yaml)", "\(error)")])
        }
        var reader = Reader()
        let site = reader.site(root)
        let problems = reader.problems + (site?.problems() ?? [])
        guard let site, problems.isEmpty else {
            throw SiteFileError(source: source, problems: problems)
        }
        return site
    }
}

/// Walks the YAML tree, collecting every problem rather than stopping at the first, so that one run
/// of `panggil serve` shows an installer everything to fix.
private struct Reader {
    var problems: [SiteProblem] = []

    mutating func fail(_ field: String, _ message: String) {
        problems.append(SiteProblem(field, message))
    }

    mutating func site(_ node: Node) -> Site? {
        guard let map = mapping(node, "(akar)", allowed: [
            "name", "timezone", "languages", "enforce_hours", "call_policy", "hours", "speech",
            "zones", "agencies", "services", "counters", "displays", "logo", "breaks", "holidays", "announcements",
            "emergency", "retention_days",
        ]) else { return nil }
        let name = string(map["name"], "name") ?? ""
        var timeZone = TimeZone(identifier: "Asia/Jakarta")!
        if let id = string(map["timezone"], "timezone", required: false) {
            if let zone = TimeZone(identifier: id) { timeZone = zone } else {
                fail("timezone", "zona waktu '\(id)' tidak dikenal (contoh: Asia/Jakarta, Asia/Makassar, Asia/Jayapura)")
            }
        }
        let languages = map["languages"].map { list($0, "languages").enumerated().compactMap { string($1, "languages[\($0)]") } } ?? ["id"]
        let enforceHours = bool(map["enforce_hours"], "enforce_hours") ?? true
        let policy = map["call_policy"].flatMap { callPolicy($0, "call_policy") } ?? .priorityFirst
        let hours = map["hours"].flatMap { weeklyHours($0, "hours") }
        let speech = map["speech"].flatMap { speechSettings($0, "speech") } ?? SpeechSettings()

        let zones = list(map["zones"], "zones").enumerated().compactMap { zone($1, "zones[\($0)]") }
        let agencies = list(map["agencies"], "agencies").enumerated().compactMap { agency($1, "agencies[\($0)]") }
        let services = list(map["services"], "services").enumerated().compactMap { service($1, "services[\($0)]") }
        let counters = list(map["counters"], "counters").enumerated().compactMap { counter($1, "counters[\($0)]") }
        let displays = map["displays"].map { list($0, "displays").enumerated().compactMap { display($1, "displays[\($0)]") } } ?? []
        let logo = string(map["logo"], "logo", required: false)
        let breaks = map["breaks"].map { list($0, "breaks").enumerated().compactMap { scheduledBreak($1, "breaks[\($0)]") } } ?? []
        let holidays = map["holidays"].map { list($0, "holidays").enumerated().compactMap { holiday($1, "holidays[\($0)]") } } ?? []
        let announcements = map["announcements"].flatMap { scheduleAnnouncements($0, "announcements") } ?? ScheduleAnnouncements()
        let emergency = map["emergency"].flatMap { emergencySettings($0, "emergency") } ?? EmergencySettings()
        var retentionDays = Site.defaultRetentionDays
        if let days = int(map["retention_days"], "retention_days") {
            if days >= Site.shortestRetentionDays { retentionDays = days } else {
                fail("retention_days", "minimal \(Site.shortestRetentionDays) hari, agar laporan bulan lalu selalu ada (bawaan: \(Site.defaultRetentionDays))")
            }
        }
        return Site(name: name, timeZone: timeZone, languages: languages, agencies: agencies, services: services,
                    counters: counters, zones: zones, callPolicy: policy, hours: hours, enforceHours: enforceHours,
                    speech: speech, displays: displays, logo: logo, breaks: breaks, holidays: holidays,
                    announcements: announcements, emergency: emergency, retentionDays: retentionDays)
    }

    /// `{name: Istirahat sholat Jumat, days: jumat, time: "11.30-13.00", services: [A], announce: true}`.
    mutating func scheduledBreak(_ node: Node, _ field: String) -> ScheduledBreak? {
        guard let map = mapping(node, field, allowed: ["name", "days", "time", "services", "announce"]) else { return nil }
        var days: Set<Weekday> = []
        let dayNodes = map["days"].map { $0.sequence.map(Array.init) ?? [$0] } ?? []
        if map["days"] == nil { fail("\(field).days", "wajib diisi (contoh: jumat, atau [senin, kamis], atau senin-kamis)") }
        for (i, dayNode) in dayNodes.enumerated() {
            days.formUnion(self.days(dayNode.string ?? "", "\(field).days[\(i)]") ?? [])
        }
        var time = TimeRange(start: TimeOfDay(minutes: 0), end: TimeOfDay(minutes: 1))
        if let text = string(map["time"], "\(field).time") {
            if let range = TimeRange(parsing: text) { time = range } else {
                fail("\(field).time", "rentang jam '\(text)' tidak valid (contoh: 11.30-13.00)")
            }
        }
        let services = map["services"].map {
            list($0, "\(field).services").enumerated().compactMap { string($1, "\(field).services[\($0)]")?.uppercased() }
        } ?? []
        return ScheduledBreak(name: string(map["name"], "\(field).name") ?? "", days: days, time: time, services: services,
                              announce: bool(map["announce"], "\(field).announce") ?? true)
    }

    /// `{date: 2026-12-25, name: Hari Raya Natal}`.
    mutating func holiday(_ node: Node, _ field: String) -> Holiday? {
        guard let map = mapping(node, field, allowed: ["date", "name"]) else { return nil }
        guard let text = string(map["date"], "\(field).date") else { return nil }
        guard let date = LocalDate(iso: text) else {
            fail("\(field).date", "tanggal '\(text)' tidak valid (tulis TTTT-BB-HH, contoh: 2026-12-25)")
            return nil
        }
        return Holiday(date: date, name: string(map["name"], "\(field).name") ?? "")
    }

    /// `{before_closing_minutes: 15}`; `false` turns the closing reminder off.
    mutating func scheduleAnnouncements(_ node: Node, _ field: String) -> ScheduleAnnouncements? {
        guard let map = mapping(node, field, allowed: ["before_closing_minutes"]) else { return nil }
        guard let value = map["before_closing_minutes"] else { return ScheduleAnnouncements() }
        if ["false", "no", "tidak"].contains(value.scalar?.string.lowercased() ?? "") {
            return ScheduleAnnouncements(beforeClosingMinutes: nil)
        }
        return ScheduleAnnouncements(beforeClosingMinutes: int(value, "\(field).before_closing_minutes") ?? 15)
    }

    /// `{repeat_seconds: 30, held_calls: play, held_call_max_age_seconds: 300, templates: [...]}`.
    mutating func emergencySettings(_ node: Node, _ field: String) -> EmergencySettings? {
        guard let map = mapping(node, field, allowed: ["repeat_seconds", "held_calls", "held_call_max_age_seconds", "templates"]) else {
            return nil
        }
        var settings = EmergencySettings()
        settings.repeatSeconds = int(map["repeat_seconds"], "\(field).repeat_seconds") ?? settings.repeatSeconds
        if let text = string(map["held_calls"], "\(field).held_calls", required: false) {
            if let value = EmergencySettings.HeldCalls(rawValue: text) { settings.heldCalls = value } else {
                fail("\(field).held_calls", "'\(text)' tidak dikenal (pilih: play, drop)")
            }
        }
        settings.heldCallMaxAgeSeconds = int(map["held_call_max_age_seconds"], "\(field).held_call_max_age_seconds")
            ?? settings.heldCallMaxAgeSeconds
        var ids: Set<String> = []
        let templates = map["templates"].map { list($0, "\(field).templates") } ?? []
        for (i, node) in templates.enumerated() {
            let itemField = "\(field).templates[\(i)]"
            guard let item = mapping(node, itemField, allowed: ["id", "title", "kind", "text", "text_en"]) else { continue }
            var kind = BroadcastKind.emergency
            if let text = string(item["kind"], "\(itemField).kind", required: false) {
                if let value = BroadcastKind(rawValue: text) { kind = value } else {
                    fail("\(itemField).kind", "jenis '\(text)' tidak dikenal (pilih: notice, emergency)")
                }
            }
            let template = BroadcastTemplate(
                id: string(item["id"], "\(itemField).id") ?? "", title: string(item["title"], "\(itemField).title") ?? "",
                kind: kind, text: string(item["text"], "\(itemField).text") ?? "",
                english: string(item["text_en"], "\(itemField).text_en", required: false))
            let slug = !template.id.isEmpty && template.id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
            if !slug { fail("\(itemField).id", "id templat '\(template.id)' harus huruf kecil, angka atau '-' (contoh: banjir)") }
            if !ids.insert(template.id).inserted { fail("\(itemField).id", "id templat '\(template.id)' disebut dua kali") }
            for (key, text) in [("text", template.text), ("text_en", template.english ?? "-")]
            where text.trimmingCharacters(in: .whitespaces).isEmpty || text.count > Broadcast.maxTextLength {
                fail("\(itemField).\(key)", "teks harus 1 sampai \(Broadcast.maxTextLength) huruf")
            }
            // Same id as a shipped one: the site's wording replaces it, in its place.
            if let index = settings.templates.firstIndex(where: { $0.id == template.id }) {
                settings.templates[index] = template
            } else {
                settings.templates.append(template)
            }
        }
        return settings
    }

    /// `{numbers: value, say_service: false, repeat: 1, max_age_seconds: 120, languages: [id]}`.
    mutating func speechSettings(_ node: Node, _ field: String) -> SpeechSettings? {
        guard let map = mapping(node, field, allowed: ["numbers", "say_service", "repeat", "max_age_seconds", "languages"]) else { return nil }
        var settings = SpeechSettings()
        if let text = string(map["numbers"], "\(field).numbers", required: false) {
            if let style = SpeechStyle.NumberStyle(rawValue: text) { settings.style.numbers = style } else {
                fail("\(field).numbers", "cara menyebut nomor '\(text)' tidak dikenal (pilih: value, digits)")
            }
        }
        settings.style.sayService = bool(map["say_service"], "\(field).say_service") ?? false
        settings.repeats = int(map["repeat"], "\(field).repeat") ?? settings.repeats
        settings.maxAgeSeconds = int(map["max_age_seconds"], "\(field).max_age_seconds") ?? settings.maxAgeSeconds
        settings.languages = map["languages"].map { list($0, "\(field).languages").enumerated().compactMap { string($1, "\(field).languages[\($0)]") } }
        return settings
    }

    mutating func zone(_ node: Node, _ field: String) -> Zone? {
        guard let map = mapping(node, field, allowed: ["id", "name", "sink", "volume"]) else { return nil }
        let id = string(map["id"], "\(field).id") ?? ""
        return Zone(id: id, name: string(map["name"], "\(field).name", required: false) ?? id,
                    sink: string(map["sink"], "\(field).sink") ?? "", volume: int(map["volume"], "\(field).volume") ?? 100)
    }

    mutating func agency(_ node: Node, _ field: String) -> Agency? {
        guard let map = mapping(node, field, allowed: ["id", "name"]) else { return nil }
        return Agency(id: string(map["id"], "\(field).id") ?? "", name: string(map["name"], "\(field).name") ?? "")
    }

    mutating func service(_ node: Node, _ field: String) -> Service? {
        guard let map = mapping(node, field, allowed: [
            "code", "name", "spoken_name", "agency", "daily_quota", "hours", "typical_minutes",
        ]) else { return nil }
        return Service(
            code: string(map["code"], "\(field).code") ?? "",
            name: string(map["name"], "\(field).name") ?? "",
            spokenName: string(map["spoken_name"], "\(field).spoken_name", required: false),
            agency: string(map["agency"], "\(field).agency") ?? "",
            dailyQuota: int(map["daily_quota"], "\(field).daily_quota"),
            hours: map["hours"].flatMap { weeklyHours($0, "\(field).hours") },
            typicalServiceMinutes: int(map["typical_minutes"], "\(field).typical_minutes") ?? 10)
    }

    mutating func counter(_ node: Node, _ field: String) -> Counter? {
        guard let map = mapping(node, field, allowed: ["number", "name", "zone", "services", "destination"]) else { return nil }
        guard let number = int(map["number"], "\(field).number", required: true) else { return nil }
        let services = list(map["services"], "\(field).services").enumerated()
            .compactMap { string($1, "\(field).services[\($0)]")?.uppercased() }
        return Counter(number: number, name: string(map["name"], "\(field).name", required: false),
                       zone: string(map["zone"], "\(field).zone") ?? "", services: services,
                       destination: string(map["destination"], "\(field).destination", required: false) ?? "loket")
    }

    /// `{name: lobi, layout: hall, zone: lantai-1, theme: dark}`; see `docs/site-file.md`.
    mutating func display(_ node: Node, _ field: String) -> Display? {
        guard let map = mapping(node, field, allowed: [
            "name", "title", "layout", "zone", "services", "counters", "counter", "theme", "language", "speaker",
        ]) else { return nil }
        let name = string(map["name"], "\(field).name") ?? ""
        var layout = Display.Layout.hall
        if let text = string(map["layout"], "\(field).layout") {
            if let value = Display.Layout(rawValue: text) { layout = value } else {
                fail("\(field).layout", "layout '\(text)' tidak dikenal (pilih: \(Display.Layout.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        var theme = Display.Theme.dark
        if let text = string(map["theme"], "\(field).theme", required: false) {
            if let value = Display.Theme(rawValue: text) { theme = value } else {
                fail("\(field).theme", "tema '\(text)' tidak dikenal (pilih: dark, light)")
            }
        }
        let services = map["services"].map {
            list($0, "\(field).services").enumerated().compactMap { string($1, "\(field).services[\($0)]")?.uppercased() }
        }
        let counters = map["counters"].map {
            list($0, "\(field).counters").enumerated().compactMap { int($1, "\(field).counters[\($0)]", required: true) }
        }
        return Display(
            name: name, title: string(map["title"], "\(field).title", required: false), layout: layout,
            zone: string(map["zone"], "\(field).zone", required: false), services: services, counters: counters,
            counter: int(map["counter"], "\(field).counter"), theme: theme,
            language: string(map["language"], "\(field).language", required: false) ?? "id",
            speaker: bool(map["speaker"], "\(field).speaker") ?? false)
    }

    /// `priority_first`, or `interleave: 3` (three regular tickets, then one priority).
    mutating func callPolicy(_ node: Node, _ field: String) -> CallPolicy? {
        if let text = node.string, node.scalar != nil {
            if text == "priority_first" { return .priorityFirst }
            fail(field, "kebijakan '\(text)' tidak dikenal (pilih: priority_first, atau interleave: N)")
            return nil
        }
        guard let map = mapping(node, field, allowed: ["interleave"]) else { return nil }
        guard let n = int(map["interleave"], "\(field).interleave", required: true) else { return nil }
        return .interleave(regularPerPriority: n)
    }

    /// `{senin-kamis: "08.00-15.00", jumat: ["08.00-11.00", "13.00-15.00"]}`.
    mutating func weeklyHours(_ node: Node, _ field: String) -> WeeklyHours? {
        guard let map = node.mapping else {
            fail(field, "harus berupa daftar hari dan jam, contoh: {senin-jumat: \"08.00-15.00\"}")
            return nil
        }
        var hours: [Weekday: [TimeRange]] = [:]
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            let dayField = "\(field).\(key)"
            guard let span = days(key, dayField) else { continue }
            let texts: [(String, String)]
            if value.scalar != nil {
                texts = [(value.string ?? "", dayField)]
            } else if let items = value.sequence {
                texts = items.enumerated().map { ($1.string ?? "", "\(dayField)[\($0)]") }
            } else {
                fail(dayField, "harus berupa jam (\"08.00-15.00\") atau daftar jam")
                continue
            }
            var ranges: [TimeRange] = []
            for (text, itemField) in texts {
                if let range = TimeRange(parsing: text) { ranges.append(range) } else {
                    fail(itemField, "rentang jam '\(text)' tidak valid (contoh: 08.00-15.00, jam mulai sebelum jam selesai)")
                }
            }
            for day in span {
                if hours[day] != nil { fail(dayField, "hari \(day.indonesianName) disebut lebih dari sekali") }
                hours[day, default: []] += ranges
            }
        }
        return WeeklyHours(days: hours)
    }

    /// `senin`, or a span `senin-kamis`, as the days it names.
    mutating func days(_ key: String, _ field: String) -> [Weekday]? {
        let names = key.split(separator: "-", maxSplits: 1).map(String.init)
        guard let first = names.first.flatMap(Weekday.init(name:)),
              let last = (names.count == 2 ? Weekday(name: names[1]) : first), first <= last else {
            fail(field, "hari '\(key)' tidak dikenal (contoh: senin, senin-kamis, jumat, sabtu)")
            return nil
        }
        return Weekday.allCases.filter { first <= $0 && $0 <= last }
    }

    // MARK: Scalars

    mutating func mapping(_ node: Node?, _ field: String, allowed: Set<String>) -> [String: Node]? {
        guard let node else {
            fail(field, "wajib diisi")
            return nil
        }
        guard let map = node.mapping else {
            fail(field, "harus berupa pemetaan (kunci: nilai)")
            return nil
        }
        var result: [String: Node] = [:]
        for (key, value) in map {
            let name = key.string ?? ""
            if !allowed.contains(name) {
                // A typo such as `daily_qouta` must not silently leave a quota unset.
                fail(field == "(akar)" ? name : "\(field).\(name)",
                     "kunci tidak dikenal (yang dikenal: \(allowed.sorted().joined(separator: ", ")))")
            }
            result[name] = value
        }
        return result
    }

    mutating func list(_ node: Node?, _ field: String) -> [Node] {
        guard let node else {
            fail(field, "wajib diisi")
            return []
        }
        guard let items = node.sequence else {
            fail(field, "harus berupa daftar")
            return []
        }
        return Array(items)
    }

    mutating func string(_ node: Node?, _ field: String, required: Bool = true) -> String? {
        guard let node else {
            if required { fail(field, "wajib diisi") }
            return nil
        }
        guard node.scalar != nil, let text = node.string else {
            fail(field, "harus berupa teks")
            return nil
        }
        return text
    }

    mutating func int(_ node: Node?, _ field: String, required: Bool = false) -> Int? {
        guard let node else {
            if required { fail(field, "wajib diisi") }
            return nil
        }
        guard let text = node.scalar?.string, let value = Int(text) else {
            fail(field, "harus berupa bilangan bulat, bukan '\(node.scalar?.string ?? "…")'")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node?, _ field: String) -> Bool? {
        guard let node else { return nil }
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "ya": return true
        case "false", "no", "tidak": return false
        default:
            fail(field, "harus true atau false")
            return nil
        }
    }
}
