/// How a site wants its calls said.
public struct SpeechStyle: Sendable, Equatable {
    public enum NumberStyle: String, Sendable, Equatable {
        /// `A-012` is said *dua belas*.
        case value
        /// `A-012` is said *nol satu dua*.
        case digits
    }

    public var numbers: NumberStyle
    /// Whether the service's spoken name follows the ticket number.
    public var sayService: Bool

    public init(numbers: NumberStyle = .value, sayService: Bool = false) {
        self.numbers = numbers
        self.sayService = sayService
    }
}

/// A site's choices for its loudspeakers.
public struct SpeechSettings: Sendable, Equatable {
    public var style: SpeechStyle
    /// How many times each call is said (the chime once, before the first).
    public var repeats: Int
    /// A call not yet played after this many seconds (the loudspeakers were down) is dropped, not said late.
    public var maxAgeSeconds: Int
    /// The languages a call is said in, one after the other; nil: the site's first language only.
    public var languages: [String]?

    public static let repeatRange = 1...3
    public static let maxAgeRange = 5...3600

    public init(style: SpeechStyle = SpeechStyle(), repeats: Int = 1, maxAgeSeconds: Int = 120, languages: [String]? = nil) {
        self.style = style
        self.repeats = repeats
        self.maxAgeSeconds = maxAgeSeconds
        self.languages = languages
    }
}

/// One word or fixed phrase of an announcement: what a voice pack plays (`clip`) and what a screen or a
/// speech synthesiser reads (`text`).
public struct SpokenWord: Sendable, Equatable {
    public var clip: String
    public var text: String

    public init(clip: String, text: String) {
        self.clip = clip
        self.text = text
    }
}

/// A call or recall in words: sentences of parts, each part a run of words said without a pause.
/// *"Nomor antrian, A, dua belas. Silakan menuju loket tiga."*
public struct Announcement: Sendable, Equatable {
    public var language: String
    /// Sentences → parts → words. A short pause falls between parts, a longer one between sentences.
    public var sentences: [[[SpokenWord]]]

    public var text: String {
        sentences.map { sentence in
            let said = sentence.map { $0.map(\.text).joined(separator: " ") }.joined(separator: ", ")
            return said.prefix(1).uppercased() + said.dropFirst() + "."
        }.joined(separator: " ")
    }

    /// Every clip the announcement needs, in order.
    public var clips: [String] { sentences.flatMap { $0.flatMap { $0.map(\.clip) } } }

    /// The call of `ticket` to `counter`; a recall starts with *panggilan ulang*.
    public static func call(
        ticket: TicketLabel, counter: Counter, service: Service?, recall: Bool = false,
        style: SpeechStyle = SpeechStyle(), language: String = "id"
    ) -> Announcement {
        let english = language == "en"
        func word(_ text: String) -> SpokenWord {
            SpokenWord(clip: text.lowercased().replacingOccurrences(of: " ", with: "-"), text: text)
        }
        func number(_ n: Int, places: Int) -> [SpokenWord] {
            let words: [String]
            switch style.numbers {
            case .value: words = english ? NumberWords.english(n) : NumberWords.indonesian(n)
            case .digits: words = NumberWords.digits(n, places: places, language: language)
            }
            return words.map(word)
        }
        // A screen shows the letter itself; the clip says its name (*huruf-ka* for K).
        let names = LetterNames.names(of: ticket.prefix, language: language)
        let letters = zip(ticket.prefix.uppercased(), names).map { letter, name in
            SpokenWord(clip: "huruf-" + name.replacingOccurrences(of: " ", with: "-"), text: String(letter))
        }
        var first: [[SpokenWord]] = [[word(english ? "queue number" : "nomor antrian")]]
        first.append(letters)
        first.append(number(min(ticket.number, NumberWords.range.upperBound), places: 3))
        if style.sayService, let service {
            first.append([SpokenWord(clip: "layanan-\(service.code.lowercased())", text: service.spokenName)])
        }
        let destination = english ? englishDestination(counter.destination) : counter.destination
        let second: [[SpokenWord]] = [
            [word(english ? "please proceed to" : "silakan menuju"), word(destination)] + number(counter.number, places: 1),
        ]
        var sentences = [first, second]
        if recall { sentences.insert([[word(english ? "repeated call" : "panggilan ulang")]], at: 0) }
        return Announcement(language: language, sentences: sentences)
    }

    static func englishDestination(_ word: String) -> String {
        switch word.lowercased() {
        case "loket": "counter"
        case "meja": "desk"
        case "ruang": "room"
        default: word
        }
    }
}
