/// Cardinal numbers as words, 0–9999: what a loudspeaker says and which clips it strings together.
public enum NumberWords {
    public static let range = 0...9999

    private static let indonesianUnits = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]

    /// Indonesian: `12` → `dua belas`, `111` → `seratus sebelas`, `2024` → `dua ribu dua puluh empat`.
    /// *Se-* replaces *satu* before *puluh*, *belas*, *ratus* and *ribu*, as one word.
    public static func indonesian(_ n: Int) -> [String] {
        precondition(range.contains(n), "numbers are spoken from 0 to 9999, not \(n)")
        if n < 10 { return [indonesianUnits[n]] }
        return indonesianAbove9(n)
    }

    private static func indonesianAbove9(_ n: Int) -> [String] {
        switch n {
        case 0: return []
        case 1..<10: return [indonesianUnits[n]]
        case 10: return ["sepuluh"]
        case 11: return ["sebelas"]
        case 12..<20: return [indonesianUnits[n - 10], "belas"]
        case 20..<100: return [indonesianUnits[n / 10], "puluh"] + indonesianAbove9(n % 10)
        case 100..<1000: return (n / 100 == 1 ? ["seratus"] : [indonesianUnits[n / 100], "ratus"]) + indonesianAbove9(n % 100)
        default: return (n / 1000 == 1 ? ["seribu"] : [indonesianUnits[n / 1000], "ribu"]) + indonesianAbove9(n % 1000)
        }
    }

    private static let englishUnits = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ]
    private static let englishTens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    /// English: `24` → `twenty four`, `2024` → `two thousand twenty four` (one word per clip).
    public static func english(_ n: Int) -> [String] {
        precondition(range.contains(n), "numbers are spoken from 0 to 9999, not \(n)")
        if n == 0 { return ["zero"] }
        return englishAbove0(n)
    }

    private static func englishAbove0(_ n: Int) -> [String] {
        switch n {
        case 0: return []
        case 1..<20: return [englishUnits[n]]
        case 20..<100: return [englishTens[n / 10]] + englishAbove0(n % 10)
        case 100..<1000: return [englishUnits[n / 100], "hundred"] + englishAbove0(n % 100)
        default: return [englishUnits[n / 1000], "thousand"] + englishAbove0(n % 1000)
        }
    }

    /// Digit by digit, for sites that prefer it: `7` with three places → `nol nol tujuh`.
    public static func digits(_ n: Int, places: Int = 3, language: String = "id") -> [String] {
        let text = String(n)
        let padded = String(repeating: "0", count: max(0, places - text.count)) + text
        return padded.map { digit in
            let value = Int(String(digit))!
            return language == "en" ? englishUnits[value] : indonesianUnits[value]
        }
    }
}

/// Letters as they are said aloud, for ticket prefixes: Indonesian *A a, B be, … K ka, Q ki, V fe,
/// X eks, Z zet*; English *A, bee, cee …*.
public enum LetterNames {
    private static let indonesian: [Character: String] = [
        "A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "ef", "G": "ge", "H": "ha", "I": "i", "J": "je",
        "K": "ka", "L": "el", "M": "em", "N": "en", "O": "o", "P": "pe", "Q": "ki", "R": "er", "S": "es", "T": "te",
        "U": "u", "V": "fe", "W": "we", "X": "eks", "Y": "ye", "Z": "zet",
    ]
    private static let english: [Character: String] = [
        "A": "a", "B": "bee", "C": "cee", "D": "dee", "E": "e", "F": "ef", "G": "gee", "H": "aitch", "I": "i",
        "J": "jay", "K": "kay", "L": "el", "M": "em", "N": "en", "O": "o", "P": "pee", "Q": "cue", "R": "ar",
        "S": "ess", "T": "tee", "U": "you", "V": "vee", "W": "double you", "X": "ex", "Y": "why", "Z": "zed",
    ]

    /// One name per letter of the prefix (`AB` → `a`, `be`).
    public static func names(of prefix: String, language: String = "id") -> [String] {
        let table = language == "en" ? english : indonesian
        return prefix.uppercased().compactMap { table[$0] }
    }
}
