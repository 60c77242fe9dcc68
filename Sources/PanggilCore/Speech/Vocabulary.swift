/// Every clip a voice pack must hold so that `Announcement.call` can say any ticket at any counter:
/// the fixed phrases, the number words, the letter names and the destination words. (A service's spoken
/// name is the site's own and is synthesised, not shipped.)
public enum Vocabulary {
    /// The destination words every pack ships.
    public static let destinations = ["loket", "meja", "ruang"]

    public static func words(language: String, destinations: [String] = destinations) -> [SpokenWord] {
        let english = language == "en"
        var texts: [String] = english
            ? ["queue number", "please proceed to", "repeated call"]
            : ["nomor antrian", "silakan menuju", "panggilan ulang"]
        let numbers = english ? NumberWords.english : NumberWords.indonesian
        for n in NumberWords.range { texts += numbers(n) }
        texts += destinations.map { english ? Announcement.englishDestination($0) : $0 }
        var seen: Set<String> = []
        var words: [SpokenWord] = []
        for text in texts {
            let clip = text.lowercased().replacingOccurrences(of: " ", with: "-")
            if seen.insert(clip).inserted { words.append(SpokenWord(clip: clip, text: text)) }
        }
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
            let name = LetterNames.names(of: String(letter), language: language)[0]
            words.append(SpokenWord(clip: "huruf-" + name.replacingOccurrences(of: " ", with: "-"), text: name))
        }
        return words
    }
}
