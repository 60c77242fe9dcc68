/// One mistake in a site description, named by its field path (`services[3].code`).
public struct SiteProblem: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// The languages Panggil can show and speak.
public let supportedLanguages: Set<String> = ["id", "en"]

extension Site {
    /// Every inconsistency in the site, in file order. Start-up refuses a site with any.
    public func problems() -> [SiteProblem] {
        var problems: [SiteProblem] = []
        func check(_ ok: Bool, _ field: String, _ message: @autoclosure () -> String) {
            if !ok { problems.append(SiteProblem(field, message())) }
        }

        check(!name.trimmingCharacters(in: .whitespaces).isEmpty, "name", "nama situs kosong")
        check(!languages.isEmpty, "languages", "minimal satu bahasa (id)")
        for (i, language) in languages.enumerated() {
            check(supportedLanguages.contains(language), "languages[\(i)]",
                  "bahasa '\(language)' tidak didukung (pilih: id, en)")
        }
        for (i, language) in (speech.languages ?? []).enumerated() {
            check(supportedLanguages.contains(language), "speech.languages[\(i)]",
                  "bahasa '\(language)' tidak didukung (pilih: id, en)")
        }
        check(speech.languages?.isEmpty != true, "speech.languages", "minimal satu bahasa")
        check(SpeechSettings.repeatRange.contains(speech.repeats), "speech.repeat",
              "\(speech.repeats) kali di luar \(SpeechSettings.repeatRange.lowerBound)–\(SpeechSettings.repeatRange.upperBound)")
        check(SpeechSettings.maxAgeRange.contains(speech.maxAgeSeconds), "speech.max_age_seconds",
              "\(speech.maxAgeSeconds) detik di luar \(SpeechSettings.maxAgeRange.lowerBound)–\(SpeechSettings.maxAgeRange.upperBound)")
        if case .interleave(let n) = callPolicy {
            check(n >= 1, "call_policy", "jumlah tiket reguler per tiket prioritas harus minimal 1, bukan \(n)")
        }
        if let hours { problems += hours.problems(field: "hours") }

        check(!zones.isEmpty, "zones", "minimal satu zona")
        // Zones may share a sink (one set of loudspeakers for several display areas): they then share
        // the loudspeakers' queue and never talk over each other.
        var zoneIDs: [String: Int] = [:]
        for (i, zone) in zones.enumerated() {
            check(!zone.id.isEmpty, "zones[\(i)].id", "id zona kosong")
            if let first = zoneIDs[zone.id] {
                problems.append(SiteProblem("zones[\(i)].id", "id zona '\(zone.id)' sudah dipakai oleh zones[\(first)]"))
            } else { zoneIDs[zone.id] = i }
            check(!zone.sink.isEmpty, "zones[\(i)].sink", "nama sink PulseAudio kosong")
            check((0...100).contains(zone.volume), "zones[\(i)].volume", "volume \(zone.volume) di luar 0–100 (persen)")
        }

        check(!agencies.isEmpty, "agencies", "minimal satu instansi")
        var agencyIDs: [String: Int] = [:]
        for (i, agency) in agencies.enumerated() {
            check(!agency.id.isEmpty, "agencies[\(i)].id", "id instansi kosong")
            check(!agency.name.isEmpty, "agencies[\(i)].name", "nama instansi kosong")
            if let first = agencyIDs[agency.id] {
                problems.append(SiteProblem("agencies[\(i)].id", "id instansi '\(agency.id)' sudah dipakai oleh agencies[\(first)]"))
            } else { agencyIDs[agency.id] = i }
        }

        check(!services.isEmpty, "services", "minimal satu layanan")
        var codes: [String: Int] = [:]
        for (i, service) in services.enumerated() {
            let field = "services[\(i)]"
            let isPrefix = (1...2).contains(service.code.count) && service.code.allSatisfy { $0.isASCII && $0.isUppercase }
            check(isPrefix, "\(field).code", "prefix '\(service.code)' harus satu atau dua huruf kapital (A, B, … AB)")
            if let first = codes[service.code] {
                problems.append(SiteProblem("\(field).code", "prefix '\(service.code)' sudah dipakai oleh services[\(first)]"))
            } else { codes[service.code] = i }
            check(!service.name.isEmpty, "\(field).name", "nama layanan kosong")
            check(agencyIDs[service.agency] != nil, "\(field).agency", "instansi '\(service.agency)' tidak ada di agencies")
            // Numbers are spoken up to 9999, so no day can number more tickets than that.
            if let quota = service.dailyQuota {
                check((1...9999).contains(quota), "\(field).daily_quota", "kuota harian harus 1 sampai 9999, bukan \(quota)")
            }
            check((1...480).contains(service.typicalServiceMinutes), "\(field).typical_minutes",
                  "lama layanan harus 1 sampai 480 menit, bukan \(service.typicalServiceMinutes)")
            if let hours = service.hours { problems += hours.problems(field: "\(field).hours") }
        }

        check(!counters.isEmpty, "counters", "minimal satu loket")
        var numbers: [Int: Int] = [:]
        for (i, counter) in counters.enumerated() {
            let field = "counters[\(i)]"
            check((1...9999).contains(counter.number), "\(field).number", "nomor loket harus 1 sampai 9999, bukan \(counter.number)")
            if let first = numbers[counter.number] {
                problems.append(SiteProblem("\(field).number", "nomor loket \(counter.number) sudah dipakai oleh counters[\(first)]"))
            } else { numbers[counter.number] = i }
            check(zoneIDs[counter.zone] != nil, "\(field).zone", "zona '\(counter.zone)' tidak ada di zones")
            check(!counter.services.isEmpty, "\(field).services", "loket harus melayani minimal satu layanan")
            for (j, code) in counter.services.enumerated() {
                check(codes[code] != nil, "\(field).services[\(j)]", "layanan '\(code)' tidak ada di services")
                check(!counter.services[..<j].contains(code), "\(field).services[\(j)]", "layanan '\(code)' disebut dua kali")
            }
            check(!counter.destination.isEmpty, "\(field).destination", "kata tujuan kosong (loket, meja, ruang)")
        }
        for (i, service) in services.enumerated() where !counters.contains(where: { $0.services.contains(service.code) }) {
            problems.append(SiteProblem("services[\(i)]", "layanan '\(service.code)' tidak dilayani loket mana pun"))
        }
        problems += displayProblems(zoneIDs: zoneIDs, codes: codes, numbers: numbers)
        problems += scheduleProblems(codes: codes)
        return problems
    }

    private func scheduleProblems(codes: [String: Int]) -> [SiteProblem] {
        var problems: [SiteProblem] = []
        func check(_ ok: Bool, _ field: String, _ message: @autoclosure () -> String) {
            if !ok { problems.append(SiteProblem(field, message())) }
        }
        for (i, pause) in breaks.enumerated() {
            let field = "breaks[\(i)]"
            check(!pause.name.trimmingCharacters(in: .whitespaces).isEmpty, "\(field).name", "nama istirahat kosong")
            check(!pause.days.isEmpty, "\(field).days", "minimal satu hari")
            for (j, code) in pause.services.enumerated() {
                check(codes[code] != nil, "\(field).services[\(j)]", "layanan '\(code)' tidak ada di services")
            }
        }
        var dates: [LocalDate: Int] = [:]
        for (i, holiday) in holidays.enumerated() {
            check(!holiday.name.trimmingCharacters(in: .whitespaces).isEmpty, "holidays[\(i)].name", "nama hari libur kosong")
            if let first = dates[holiday.date] {
                problems.append(SiteProblem("holidays[\(i)].date", "tanggal \(holiday.date) sudah disebut di holidays[\(first)]"))
            } else { dates[holiday.date] = i }
        }
        if let minutes = announcements.beforeClosingMinutes {
            let range = ScheduleAnnouncements.beforeClosingRange
            check(range.contains(minutes), "announcements.before_closing_minutes",
                  "\(minutes) menit di luar \(range.lowerBound)–\(range.upperBound)")
        }
        check(EmergencySettings.repeatRange.contains(emergency.repeatSeconds), "emergency.repeat_seconds",
              "\(emergency.repeatSeconds) detik di luar \(EmergencySettings.repeatRange.lowerBound)–\(EmergencySettings.repeatRange.upperBound)")
        check(EmergencySettings.heldCallMaxAgeRange.contains(emergency.heldCallMaxAgeSeconds), "emergency.held_call_max_age_seconds",
              "\(emergency.heldCallMaxAgeSeconds) detik di luar \(EmergencySettings.heldCallMaxAgeRange.lowerBound)–\(EmergencySettings.heldCallMaxAgeRange.upperBound)")
        return problems
    }

    private func displayProblems(zoneIDs: [String: Int], codes: [String: Int], numbers: [Int: Int]) -> [SiteProblem] {
        var problems: [SiteProblem] = []
        var names: [String: Int] = [:]
        var speakers: [String: Int] = [:]
        for (i, display) in displays.enumerated() {
            let field = "displays[\(i)]"
            func fail(_ key: String, _ message: String) { problems.append(SiteProblem("\(field)\(key)", message)) }
            let slug = !display.name.isEmpty && display.name.count <= 40
                && display.name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
            if !slug { fail(".name", "nama tampilan '\(display.name)' harus huruf kecil, angka atau '-' (contoh: lobi-1)") }
            if let first = names[display.name] {
                fail(".name", "nama tampilan '\(display.name)' sudah dipakai oleh displays[\(first)]")
            } else { names[display.name] = i }
            if let zone = display.zone, zoneIDs[zone] == nil { fail(".zone", "zona '\(zone)' tidak ada di zones") }
            for (j, code) in (display.services ?? []).enumerated() where codes[code] == nil {
                fail(".services[\(j)]", "layanan '\(code)' tidak ada di services")
            }
            for (j, number) in (display.counters ?? []).enumerated() where numbers[number] == nil {
                fail(".counters[\(j)]", "loket \(number) tidak ada di counters")
            }
            if display.layout == .counter {
                if let number = display.counter {
                    if numbers[number] == nil { fail(".counter", "loket \(number) tidak ada di counters") }
                } else {
                    fail(".counter", "tampilan loket harus menyebut nomor loketnya (counter: 3)")
                }
            } else if display.counter != nil {
                fail(".counter", "hanya untuk layout counter; tampilan lain memakai counters: [..]")
            }
            if !supportedLanguages.contains(display.language) {
                fail(".language", "bahasa '\(display.language)' tidak didukung (pilih: id, en)")
            }
            if display.speaker {
                // Two TVs of one zone both playing every call would talk over each other.
                if let zone = display.zone {
                    if let first = speakers[zone] {
                        fail(".speaker", "zona '\(zone)' sudah punya tampilan bersuara: displays[\(first)]; hanya satu per zona")
                    } else { speakers[zone] = i }
                } else {
                    fail(".speaker", "tampilan bersuara harus menyebut zonanya (zone: ...)")
                }
            }
        }
        return problems
    }
}

extension WeeklyHours {
    func problems(field: String) -> [SiteProblem] {
        var problems: [SiteProblem] = []
        for day in Weekday.allCases {
            let ranges = (days[day] ?? []).sorted { $0.start < $1.start }
            for (a, b) in zip(ranges, ranges.dropFirst()) where b.start < a.end {
                problems.append(SiteProblem("\(field).\(day.indonesianName.lowercased())",
                                            "jam \(a) dan \(b) bertumpang tindih"))
            }
        }
        return problems
    }
}
