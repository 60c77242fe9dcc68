import Foundation

/// A time of day in minutes after local midnight; 24.00 (1440) is allowed as the end of a range.
public struct TimeOfDay: Sendable, Equatable, Comparable, Hashable, CustomStringConvertible {
    public var minutes: Int

    public init(minutes: Int) {
        self.minutes = minutes
    }

    public init?(hour: Int, minute: Int) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 1440 else { return nil }
        self.minutes = hour * 60 + minute
    }

    /// Reads `08:00`, `8.00` or `08.30` (Indonesian writes the time with a dot).
    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == ":" || $0 == "." })
        guard parts.count == 2, parts[1].count == 2, (1...2).contains(parts[0].count),
              let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }

    /// Indonesian style: `08.00`.
    public var description: String {
        "\(twoDigits(minutes / 60)).\(twoDigits(minutes % 60))"
    }
}

/// A half-open range of local time, `start..<end`.
public struct TimeRange: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var start: TimeOfDay
    public var end: TimeOfDay

    public init(start: TimeOfDay, end: TimeOfDay) {
        self.start = start
        self.end = end
    }

    /// Reads `08:00-15:00` (also with dots or an en dash).
    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "–" })
        guard parts.count == 2, let start = TimeOfDay(parsing: String(parts[0])),
              let end = TimeOfDay(parsing: String(parts[1])), start < end else { return nil }
        self.init(start: start, end: end)
    }

    public func contains(_ time: TimeOfDay) -> Bool { start <= time && time < end }

    public var description: String { "\(start)–\(end)" }
}

/// Days of the week, Monday first as in Indonesian calendars, with their Indonesian names.
public enum Weekday: Int, Sendable, CaseIterable, Comparable {
    case senin = 1, selasa, rabu, kamis, jumat, sabtu, minggu

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    public var indonesianName: String {
        switch self {
        case .senin: "Senin"
        case .selasa: "Selasa"
        case .rabu: "Rabu"
        case .kamis: "Kamis"
        case .jumat: "Jumat"
        case .sabtu: "Sabtu"
        case .minggu: "Minggu"
        }
    }

    /// Accepts Indonesian names (`senin`, `jumat`/`jum'at`) and English ones (`monday`, `mon`).
    public init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: "'", with: "").trimmingCharacters(in: .whitespaces)
        let names: [String: Weekday] = [
            "senin": .senin, "selasa": .selasa, "rabu": .rabu, "kamis": .kamis, "jumat": .jumat, "sabtu": .sabtu,
            "minggu": .minggu, "ahad": .minggu,
            "monday": .senin, "tuesday": .selasa, "wednesday": .rabu, "thursday": .kamis, "friday": .jumat,
            "saturday": .sabtu, "sunday": .minggu,
            "mon": .senin, "tue": .selasa, "wed": .rabu, "thu": .kamis, "fri": .jumat, "sat": .sabtu, "sun": .minggu,
        ]
        guard let day = names[key] else { return nil }
        self = day
    }

    /// From Foundation's Gregorian weekday, where 1 is Sunday.
    public init(gregorian: Int) {
        self = gregorian == 1 ? .minggu : Weekday(rawValue: gregorian - 1)!
    }
}

/// Opening hours for each day of the week; a day that is absent is closed.
public struct WeeklyHours: Sendable, Equatable {
    public var days: [Weekday: [TimeRange]]

    public init(days: [Weekday: [TimeRange]]) {
        self.days = days
    }

    public func isOpen(on day: Weekday, at time: TimeOfDay) -> Bool {
        days[day, default: []].contains { $0.contains(time) }
    }

    /// `Senin 08.00–15.00; Jumat 08.00–11.00, 13.00–15.00`, for messages to citizens and staff.
    public var summary: String {
        let open = Weekday.allCases.filter { !(days[$0] ?? []).isEmpty }
        if open.isEmpty { return "tutup setiap hari" }
        // Consecutive days with the same ranges read as one span: "Senin–Kamis 08.00–15.00".
        var spans: [(first: Weekday, last: Weekday, ranges: [TimeRange])] = []
        for day in open {
            let ranges = days[day]!
            if let last = spans.last, last.ranges == ranges, last.last.rawValue + 1 == day.rawValue {
                spans[spans.count - 1].last = day
            } else {
                spans.append((day, day, ranges))
            }
        }
        return spans.map { span in
            let name = span.first == span.last
                ? span.first.indonesianName : "\(span.first.indonesianName)–\(span.last.indonesianName)"
            return "\(name) " + span.ranges.map(\.description).joined(separator: ", ")
        }.joined(separator: "; ")
    }
}
