import Foundation

/// A calendar day in the site's timezone. Tickets are numbered per service per local day.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The local day that contains `instant` in `timeZone`.
    public init(_ instant: Date, in timeZone: TimeZone) {
        let parts = Self.calendar(timeZone).dateComponents([.year, .month, .day], from: instant)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        guard day <= Self.daysIn(month: month, year: year) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Gregorian month lengths; computed rather than asked of a `Calendar`, because every row read
    /// from the store parses a date.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> LocalDate {
        let utc = TimeZone(identifier: "UTC")!
        let calendar = Self.calendar(utc)
        let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
        return LocalDate(calendar.date(byAdding: .day, value: days, to: noon)!, in: utc)
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    // Hand-built: `String(format:)` showed up as a tenth of a command's time in profiles.
    public var description: String { "\(year)-\(twoDigits(month))-\(twoDigits(day))" }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected YYYY-MM-DD, got \(text)")
        }
        self = date
    }
}

func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}

/// Where an instant falls in the site's week: the local day, weekday and time of day.
public struct LocalMoment: Sendable, Equatable {
    public var date: LocalDate
    public var weekday: Weekday
    public var time: TimeOfDay

    public init(_ instant: Date, in timeZone: TimeZone) {
        let parts = LocalDate.calendar(timeZone).dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: instant)
        date = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
        weekday = Weekday(gregorian: parts.weekday!)
        time = TimeOfDay(minutes: parts.hour! * 60 + parts.minute!)
    }
}

/// Wall-clock time, injected so that midnight and opening hours can be tested without waiting.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that tests set and advance by hand.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) {
        current = start
    }

    public func now() -> Date {
        lock.withLock { current }
    }

    public func set(_ instant: Date) {
        lock.withLock { current = instant }
    }

    public func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}
