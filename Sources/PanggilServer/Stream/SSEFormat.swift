/// The `text/event-stream` wire format (WHATWG HTML, "Server-sent events"), byte for byte.
public enum SSEFormat {
    /// One event: `id:`, `event:`, one `data:` line per line of `data`, and the blank line that ends it.
    /// `id` and `event` cannot carry line breaks or NUL (a client would misread them), so they are removed;
    /// `data` may hold any text: CR, LF and CRLF each start a new `data:` line, which a client joins with LF.
    public static func event(id: String?, type: String?, data: String) -> String {
        var out = ""
        out.reserveCapacity(data.utf8.count + 64)
        if let id { out += "id: \(fieldValue(id))\n" }
        if let type { out += "event: \(fieldValue(type))\n" }
        if data.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            for line in lines(of: data) { out += "data: \(line)\n" }
        } else {
            // One line, as every JSON event is: no need to take it apart.
            out += "data: "
            out += data
            out += "\n"
        }
        return out + "\n"
    }

    /// A comment: ignored by clients, it keeps proxies and idle-connection timers from closing the stream.
    public static func comment(_ text: String = "") -> String {
        lines(of: text).map { ":\($0.isEmpty ? "" : " \($0)")\n" }.joined() + "\n"
    }

    /// How long a client waits before reconnecting, in milliseconds.
    public static func retry(milliseconds: Int) -> String {
        "retry: \(max(0, milliseconds))\n\n"
    }

    static func fieldValue(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else { return text }
        return String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }.map(Character.init))
    }

    /// Splits at CRLF, CR or LF; an empty text is one empty line (so that an empty `data` still dispatches).
    static func lines(of text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.unicodeScalars.startIndex
        var index = start
        let scalars = text.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\r" || scalar == "\n" {
                result.append(Substring(scalars[start..<index]))
                var next = scalars.index(after: index)
                if scalar == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                start = next
                index = next
            } else {
                index = scalars.index(after: index)
            }
        }
        result.append(Substring(scalars[start..<scalars.endIndex]))
        return result
    }
}
