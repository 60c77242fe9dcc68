/// JSON written by hand, byte for byte what `JSONEncoder.api` writes (keys sorted by their UTF-8
/// bytes, `/` unescaped, control characters as `\n`-style or `\u00xx` escapes, everything else as is),
/// for the one value made on every call's way to the displays: the stream's event. `JSONEncoder` takes
/// a tenth of a millisecond for it on a small server, before the first display can be written to;
/// this takes a few microseconds. Tests hold the two to the same bytes.
struct JSONText {
    private(set) var bytes: [UInt8] = []
    /// Whether the object or array being written has a member yet (one level per open bracket).
    private var hasMember: [Bool] = []

    init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// An object; `body` writes its members, in sorted key order.
    mutating func object(_ body: (inout JSONText) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    mutating func array<S: Sequence>(_ elements: S, _ element: (inout JSONText, S.Element) -> Void) {
        open(UInt8(ascii: "["))
        for item in elements {
            separate()
            element(&self, item)
        }
        close(UInt8(ascii: "]"))
    }

    // MARK: Members, in sorted key order; nil values are left out, as `encodeIfPresent` does.

    mutating func member(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        write(value)
    }

    mutating func member(_ key: StaticString, _ value: Int64?) {
        guard let value else { return }
        self.key(key)
        write(value)
    }

    mutating func member(_ key: StaticString, _ value: Int?) {
        member(key, value.map(Int64.init))
    }

    mutating func member(_ key: StaticString, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    mutating func member(_ key: StaticString, _ strings: [String]) {
        self.key(key)
        array(strings) { $0.write($1) }
    }

    /// A member whose value `body` writes (an object or an array).
    mutating func member(_ key: StaticString, _ body: (inout JSONText) -> Void) {
        self.key(key)
        body(&self)
    }

    // MARK: Values

    mutating func write(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func write(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    // MARK: Punctuation

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    private mutating func separate() {
        if hasMember[hasMember.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasMember[hasMember.count - 1] = true
    }

    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        hasMember.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        hasMember.removeLast()
    }
}
