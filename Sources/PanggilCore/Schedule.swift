import Foundation

/// A recurring break in the day, such as the Friday prayer break: no tickets for its services, the
/// screens say so, and (optionally) the loudspeakers announce it when it begins.
public struct ScheduledBreak: Sendable, Equatable {
    /// What citizens read and hear: "Istirahat sholat Jumat".
    public var name: String
    public var days: Set<Weekday>
    public var time: TimeRange
    /// The services it stops; empty means every service.
    public var services: [String]
    /// Said on the loudspeakers when it begins (it is shown on the screens either way).
    public var announce: Bool

    public init(name: String, days: Set<Weekday>, time: TimeRange, services: [String] = [], announce: Bool = true) {
        self.name = name
        self.days = days
        self.time = time
        self.services = services
        self.announce = announce
    }

    public func applies(to service: String) -> Bool { services.isEmpty || services.contains(service) }
}

/// A day the hall is closed (a public holiday, *cuti bersama*), from the site file.
public struct Holiday: Sendable, Equatable {
    public var date: LocalDate
    public var name: String

    public init(date: LocalDate, name: String) {
        self.date = date
        self.name = name
    }
}

/// Spoken reminders the schedule produces by itself.
public struct ScheduleAnnouncements: Sendable, Equatable {
    /// Minutes before the hall's last closing time of the day to announce it; nil: never.
    public var beforeClosingMinutes: Int?

    public static let beforeClosingRange = 1...120

    public init(beforeClosingMinutes: Int? = 15) {
        self.beforeClosingMinutes = beforeClosingMinutes
    }
}

/// Whether a service takes tickets at a moment, and if not, why.
public enum Availability: Sendable, Equatable {
    case open
    case holiday(Holiday)
    case onBreak(ScheduledBreak)
    case outsideHours(WeeklyHours)
}

extension Site {
    public func holiday(on date: LocalDate) -> Holiday? {
        holidays.first { $0.date == date }
    }

    /// The break going on for a service at a moment, if any.
    public func activeBreak(for service: String, at moment: LocalMoment) -> ScheduledBreak? {
        breaks.first { $0.applies(to: service) && $0.days.contains(moment.weekday) && $0.time.contains(moment.time) }
    }

    public func availability(of service: Service, at moment: LocalMoment) -> Availability {
        if let holiday = holiday(on: moment.date) { return .holiday(holiday) }
        if let pause = activeBreak(for: service.code, at: moment) { return .onBreak(pause) }
        if let hours = hours(of: service), !hours.isOpen(on: moment.weekday, at: moment.time) { return .outsideHours(hours) }
        return .open
    }

    /// The notices the schedule posts by itself whose start falls in `(after, through]`: a break as it
    /// begins (said aloud when it is to be announced), and the hall's closing a few minutes ahead. Each
    /// lasts until the break or the day ends.
    public func scheduleNotices(after: Date, through: Date) -> [BroadcastDraft] {
        guard after < through else { return [] }
        var drafts: [BroadcastDraft] = []
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var day = calendar.startOfDay(for: after)
        while day <= through {
            let moment = LocalMoment(day, in: timeZone)
            if holiday(on: moment.date) == nil {
                for pause in breaks where pause.days.contains(moment.weekday) {
                    let start = at(pause.time.start, on: day, calendar)
                    guard after < start, start <= through else { continue }
                    drafts.append(breakNotice(pause, startsAt: start, until: at(pause.time.end, on: day, calendar)))
                }
                if let minutes = announcements.beforeClosingMinutes, let closing = hours?.days[moment.weekday]?.map(\.end).max() {
                    let end = at(closing, on: day, calendar)
                    let start = end.addingTimeInterval(-Double(minutes * 60))
                    if after < start, start <= through {
                        drafts.append(closingNotice(at: closing, minutes: minutes, startsAt: start, until: end))
                    }
                }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return drafts.sorted { ($0.startsAt ?? .distantPast) < ($1.startsAt ?? .distantPast) }
    }

    private func at(_ time: TimeOfDay, on day: Date, _ calendar: Calendar) -> Date {
        // Minutes after midnight; Indonesia has no daylight saving, and a site elsewhere that has would
        // be off by the shift on two days a year, which a notice can bear.
        day.addingTimeInterval(Double(time.minutes * 60))
    }

    private func breakNotice(_ pause: ScheduledBreak, startsAt: Date, until: Date) -> BroadcastDraft {
        let names = pause.services.compactMap { service($0)?.name }
        let whom = names.isEmpty ? "Pelayanan" : "Layanan " + names.joined(separator: ", ")
        let whomEnglish = names.isEmpty ? "Service" : "The service " + names.joined(separator: ", ")
        let zones = pause.services.isEmpty ? [] : zones(serving: pause.services)
        return BroadcastDraft(
            kind: .notice,
            text: "Perhatian. \(whom) istirahat (\(pause.name)) pukul \(pause.time.start) sampai \(pause.time.end). Terima kasih atas kesabaran Anda.",
            english: languages.contains("en")
                ? "Attention please. \(whomEnglish) is on a break (\(pause.name)) from \(pause.time.start) until \(pause.time.end). Thank you for your patience."
                : nil,
            zones: zones, startsAt: startsAt, until: until, spoken: pause.announce, occasion: .scheduledBreak, services: pause.services)
    }

    private func closingNotice(at closing: TimeOfDay, minutes: Int, startsAt: Date, until: Date) -> BroadcastDraft {
        BroadcastDraft(
            kind: .notice,
            text: "Perhatian. Pelayanan hari ini berakhir pukul \(closing), \(minutes) menit lagi. Terima kasih atas kunjungan Anda.",
            english: languages.contains("en")
                ? "Attention please. Service today ends at \(closing), in \(minutes) minutes. Thank you for your visit."
                : nil,
            zones: [], startsAt: startsAt, until: until, spoken: true, occasion: .closing)
    }

    /// The zones whose counters serve any of `services`, in site order.
    public func zones(serving services: [String]) -> [String] {
        zones.map(\.id).filter { zone in counters.contains { $0.zone == zone && !$0.services.filter(services.contains).isEmpty } }
    }
}
