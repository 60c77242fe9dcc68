import Foundation

/// A public service hall: its agencies, services, counters and zones, as read from the site file.
public struct Site: Sendable, Equatable {
    public var name: String
    public var timeZone: TimeZone
    /// Spoken and displayed languages, the first one being the default (`id`, optionally `en`).
    public var languages: [String]
    public var agencies: [Agency]
    public var services: [Service]
    public var counters: [Counter] {
        didSet { counterNumbersByService = Self.counterNumbersByService(counters) }
    }
    /// The numbers of the counters calling from each service, kept with `counters`: every event's queue
    /// line counts the open ones, and a scan of every counter's services each time adds up.
    public private(set) var counterNumbersByService: [String: [Int]]
    public var zones: [Zone]
    public var callPolicy: CallPolicy
    /// Opening hours for every service that does not declare its own. `nil` means always open.
    public var hours: WeeklyHours?
    /// When false, opening hours are shown but tickets are issued at any time.
    public var enforceHours: Bool
    /// How calls are said on the loudspeakers.
    public var speech: SpeechSettings
    /// Named screen setups, opened as `/d/{name}`.
    public var displays: [Display]
    /// An image file shown on the displays (resolved against the site file's folder); the shipped
    /// mark when unset.
    public var logo: String?
    /// Recurring breaks (the Friday prayer break) and closed days.
    public var breaks: [ScheduledBreak]
    public var holidays: [Holiday]
    public var announcements: ScheduleAnnouncements
    public var emergency: EmergencySettings
    /// How many local days of the event log (and so of reports) are kept; older days are pruned.
    public var retentionDays: Int

    /// A year and a month: this month's report can still be set beside the same month last year.
    public static let defaultRetentionDays = 400
    /// Never less than a month, so that the last full month's report is always there.
    public static let shortestRetentionDays = 31

    public init(
        name: String, timeZone: TimeZone, languages: [String] = ["id"], agencies: [Agency], services: [Service],
        counters: [Counter], zones: [Zone], callPolicy: CallPolicy = .priorityFirst, hours: WeeklyHours? = nil,
        enforceHours: Bool = true, speech: SpeechSettings = SpeechSettings(), displays: [Display] = [], logo: String? = nil,
        breaks: [ScheduledBreak] = [], holidays: [Holiday] = [], announcements: ScheduleAnnouncements = ScheduleAnnouncements(),
        emergency: EmergencySettings = EmergencySettings(), retentionDays: Int = Site.defaultRetentionDays
    ) {
        self.name = name
        self.timeZone = timeZone
        self.languages = languages
        self.agencies = agencies
        self.services = services
        self.counters = counters
        counterNumbersByService = Self.counterNumbersByService(counters)
        self.zones = zones
        self.callPolicy = callPolicy
        self.hours = hours
        self.enforceHours = enforceHours
        self.speech = speech
        self.displays = displays
        self.logo = logo
        self.breaks = breaks
        self.holidays = holidays
        self.announcements = announcements
        self.emergency = emergency
        self.retentionDays = retentionDays
    }

    public func service(_ code: String) -> Service? {
        let code = code.uppercased()
        return services.first { $0.code == code }
    }

    public func counter(_ number: Int) -> Counter? {
        counters.first { $0.number == number }
    }

    public func zone(_ id: String) -> Zone? {
        zones.first { $0.id == id }
    }

    public func display(_ name: String) -> Display? {
        displays.first { $0.name == name }
    }

    /// The languages calls are said in, in order.
    public var spokenLanguages: [String] {
        speech.languages ?? Array(languages.prefix(1))
    }

    /// The hours that apply to a service: its own, else the site's.
    public func hours(of service: Service) -> WeeklyHours? {
        service.hours ?? hours
    }

    /// Counters that serve a service, in site-file order.
    public func counters(serving code: String) -> [Counter] {
        counters.filter { $0.services.contains(code) }
    }

    private static func counterNumbersByService(_ counters: [Counter]) -> [String: [Int]] {
        var numbers: [String: [Int]] = [:]
        for counter in counters {
            for service in Set(counter.services) { numbers[service, default: []].append(counter.number) }
        }
        return numbers
    }
}

/// An agency (*instansi*) with its own counters in the hall, e.g. Disdukcapil.
public struct Agency: Sendable, Equatable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// A service (*layanan*): what a citizen takes a ticket for.
public struct Service: Sendable, Equatable {
    /// The ticket prefix, one or two capital letters; also the service's identifier.
    public var code: String
    public var name: String
    /// How the service is said in a call, when the site chooses to say it.
    public var spokenName: String
    public var agency: String
    /// Tickets per local day; `nil` means no limit.
    public var dailyQuota: Int?
    public var hours: WeeklyHours?
    /// Used for wait estimates until the day has served tickets to measure.
    public var typicalServiceMinutes: Int

    public init(
        code: String, name: String, spokenName: String? = nil, agency: String, dailyQuota: Int? = nil,
        hours: WeeklyHours? = nil, typicalServiceMinutes: Int = 10
    ) {
        self.code = code
        self.name = name
        self.spokenName = spokenName ?? name
        self.agency = agency
        self.dailyQuota = dailyQuota
        self.hours = hours
        self.typicalServiceMinutes = typicalServiceMinutes
    }
}

/// A counter (*loket*, *meja*, *ruang*) where staff call and serve tickets.
public struct Counter: Sendable, Equatable {
    /// Unique in the site; what staff type and what the loudspeaker says.
    public var number: Int
    public var name: String
    public var zone: String
    /// Service codes this counter calls from.
    public var services: [String]
    /// The word spoken before the number: *loket*, *meja*, *ruang*.
    public var destination: String

    public init(number: Int, name: String? = nil, zone: String, services: [String], destination: String = "loket") {
        self.number = number
        self.destination = destination
        self.name = name ?? "\(destination.prefix(1).uppercased())\(destination.dropFirst()) \(number)"
        self.zone = zone
        self.services = services
    }
}

/// An area with its own loudspeakers and displays, e.g. *Lantai 1*.
public struct Zone: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The PulseAudio sink that drives this zone's loudspeakers.
    public var sink: String
    /// Loudness of announcements in this zone, in percent of full scale.
    public var volume: Int

    public init(id: String, name: String, sink: String, volume: Int = 100) {
        self.id = id
        self.name = name
        self.sink = sink
        self.volume = volume
    }
}

/// How call-next weighs priority tickets (elderly, disabled, pregnant) against regular ones.
public enum CallPolicy: Sendable, Equatable {
    /// Any waiting priority ticket is called before every regular one.
    case priorityFirst
    /// After `regularPerPriority` regular calls at a counter, its next call takes a priority ticket if one waits.
    case interleave(regularPerPriority: Int)
}
