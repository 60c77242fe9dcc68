/// A screen's setup, named in the site file so that a TV is pointed at it by typing one short URL
/// (`/d/lobi`): which page it shows, what part of the hall it follows, and how.
public struct Display: Sendable, Equatable {
    public enum Layout: String, Sendable, CaseIterable {
        /// A landscape wall TV (1920×1080): the latest call very large, recent calls, counters, queues.
        case hall
        /// The same for a vertical screen (1080×1920).
        case portrait
        /// One counter's screen above the desk.
        case counter
    }

    public enum Theme: String, Sendable, CaseIterable {
        case dark, light
    }

    /// The URL name: lowercase letters, digits and dashes.
    public var name: String
    /// A heading for the screen; the zone's name when unset.
    public var title: String?
    public var layout: Layout
    /// Filters, combined as on the event stream.
    public var zone: String?
    public var services: [String]?
    public var counters: [Int]?
    /// The counter a `counter` layout shows.
    public var counter: Int?
    public var theme: Theme
    public var language: String
    /// Plays its zone's calls through the TV's own speakers (for halls without PulseAudio loudspeakers).
    public var speaker: Bool

    public init(name: String, title: String? = nil, layout: Layout, zone: String? = nil, services: [String]? = nil,
                counters: [Int]? = nil, counter: Int? = nil, theme: Theme = .dark, language: String = "id",
                speaker: Bool = false) {
        self.name = name
        self.title = title
        self.layout = layout
        self.zone = zone
        self.services = services
        self.counters = counters
        self.counter = counter
        self.theme = theme
        self.language = language
        self.speaker = speaker
    }
}
