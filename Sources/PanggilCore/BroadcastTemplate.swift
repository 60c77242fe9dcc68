import Foundation

/// A ready-made message, so that in an emergency nobody has to compose a sentence: "evacuate", "an
/// earthquake", "the power is out". Texts may hold `{name}` blanks, filled when it is broadcast.
public struct BroadcastTemplate: Sendable, Equatable {
    /// A slug, as used by `POST /api/broadcasts {"template": "evakuasi"}`.
    public var id: String
    /// The button's label on the admin page.
    public var title: String
    public var kind: BroadcastKind
    public var text: String
    public var english: String?

    public init(id: String, title: String, kind: BroadcastKind, text: String, english: String? = nil) {
        self.id = id
        self.title = title
        self.kind = kind
        self.text = text
        self.english = english
    }

    /// The names of the blanks, in order of first appearance.
    public var blanks: [String] {
        var names: [String] = []
        for text in [text, english ?? ""] {
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                let name = String(rest[rest.index(after: open)..<close])
                if !name.isEmpty, !names.contains(name) { names.append(name) }
                rest = rest[rest.index(after: close)...]
            }
        }
        return names
    }

    /// The texts with every blank filled; a blank left without a value is refused.
    public func filled(_ values: [String: String]) throws -> (text: String, english: String?) {
        let missing = blanks.filter { (values[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        guard missing.isEmpty else {
            throw QueueError(.invalidBroadcast, "Templat '\(id)' perlu diisi: \(missing.joined(separator: ", ")).")
        }
        func fill(_ text: String) -> String {
            blanks.reduce(text) { $0.replacingOccurrences(of: "{\($1)}", with: values[$1]!.trimmingCharacters(in: .whitespaces)) }
        }
        return (fill(text), english.map(fill))
    }

    /// A broadcast of this template with its blanks filled, for `zones` (empty: every zone); a `kind`,
    /// `text` or `english` given replaces the template's. The template's English says the template's
    /// words, so a text of one's own drops it unless an English text is given too.
    public func draft(_ values: [String: String], zones: [String] = [], kind: BroadcastKind? = nil, text: String? = nil,
                      english: String? = nil) throws -> BroadcastDraft {
        let filled = try filled(values)
        return BroadcastDraft(kind: kind ?? self.kind, text: text ?? filled.text,
                              english: english ?? (text == nil ? filled.english : nil), zones: zones)
    }

    /// Shipped with Panggil; a site file's template with the same id replaces one of these.
    public static let standard: [BroadcastTemplate] = [
        BroadcastTemplate(
            id: "evakuasi", title: "Evakuasi gedung", kind: .emergency,
            text: "Perhatian, perhatian. Keadaan darurat. Seluruh pengunjung dan petugas harap segera meninggalkan gedung melalui jalur evakuasi terdekat. Tetap tenang, jangan menggunakan lift, dan ikuti arahan petugas.",
            english: "Attention please. This is an emergency. Everyone must leave the building now by the nearest evacuation route. Stay calm, do not use the lift, and follow the staff's directions."),
        BroadcastTemplate(
            id: "gempa", title: "Gempa bumi", kind: .emergency,
            text: "Perhatian, perhatian. Terjadi gempa bumi. Tetap tenang, berlindung di bawah meja yang kokoh dan jauhi kaca. Setelah guncangan berhenti, keluar melalui jalur evakuasi. Jangan menggunakan lift.",
            english: "Attention please. An earthquake is happening. Stay calm, take cover under a sturdy table and keep away from glass. When the shaking stops, leave by the evacuation route. Do not use the lift."),
        BroadcastTemplate(
            id: "listrik-padam", title: "Listrik padam / lift berhenti", kind: .emergency,
            text: "Perhatian. Listrik padam dan lift tidak berfungsi. Harap tetap tenang dan gunakan tangga. Pelayanan dilanjutkan setelah listrik menyala kembali, dan nomor antrian Anda tetap berlaku.",
            english: "Attention please. The power is out and the lift is not working. Please stay calm and use the stairs. Service will resume when the power is back, and your queue number remains valid."),
        BroadcastTemplate(
            id: "loket-tutup", title: "Loket tutup sementara", kind: .notice,
            text: "Mohon maaf, loket {loket} tutup sementara. Silakan menunggu, nomor antrian Anda tetap berlaku.",
            english: "We are sorry, counter {loket} is closed for a while. Please wait; your queue number remains valid."),
    ]
}

/// What an emergency does to the loudspeakers.
public struct EmergencySettings: Sendable, Equatable {
    /// What happens to the calls made while an emergency holds the loudspeakers.
    public enum HeldCalls: String, Sendable, CaseIterable {
        /// Said afterwards, in order, unless older than `heldCallMaxAgeSeconds` by then.
        case play
        /// Dropped when the emergency ends (each logged as such).
        case drop
    }

    /// From the start of one saying of the message to the start of the next.
    public var repeatSeconds: Int
    public var heldCalls: HeldCalls
    public var heldCallMaxAgeSeconds: Int
    /// The shipped templates, with the site file's additions and replacements.
    public var templates: [BroadcastTemplate]

    public static let repeatRange = 5...600
    public static let heldCallMaxAgeRange = 5...3600

    public init(repeatSeconds: Int = 30, heldCalls: HeldCalls = .play, heldCallMaxAgeSeconds: Int = 300,
                templates: [BroadcastTemplate] = BroadcastTemplate.standard) {
        self.repeatSeconds = repeatSeconds
        self.heldCalls = heldCalls
        self.heldCallMaxAgeSeconds = heldCallMaxAgeSeconds
        self.templates = templates
    }

    public func template(_ id: String) -> BroadcastTemplate? {
        templates.first { $0.id == id }
    }
}
