import PanggilTesting
import Testing
@testable import PanggilServer

@Suite("SSE encoding")
struct SSEFormatTests {
    @Test(arguments: [
        ("{}", "data: {}\n"),
        ("", "data: \n"),
        ("a\nb", "data: a\ndata: b\n"),
        ("a\r\nb", "data: a\ndata: b\n"),
        ("a\rb", "data: a\ndata: b\n"),
        ("a\n", "data: a\ndata: \n"),
        ("\r\n\r\n", "data: \ndata: \ndata: \n"),
        (" leading space", "data:  leading space\n"),
        ("Lantai 2 — antrian ü 🙂", "data: Lantai 2 — antrian ü 🙂\n"),
    ])
    func dataIsSplitIntoLines(data: String, lines: String) {
        #expect(SSEFormat.event(id: "7", type: "ticket.called", data: data) == "id: 7\nevent: ticket.called\n" + lines + "\n")
    }

    @Test func idAndTypeCannotBreakTheFrame() {
        #expect(SSEFormat.event(id: "1\r\n2\u{0}3", type: "ticket.\ncalled\r", data: "x") == "id: 123\nevent: ticket.called\ndata: x\n\n")
        #expect(SSEFormat.event(id: nil, type: nil, data: "x") == "data: x\n\n")
    }

    @Test func commentsAndRetry() {
        #expect(SSEFormat.comment() == ":\n\n")
        #expect(SSEFormat.comment("heartbeat") == ": heartbeat\n\n")
        #expect(SSEFormat.comment("a\nb") == ": a\n: b\n\n")
        #expect(SSEFormat.retry(milliseconds: 3000) == "retry: 3000\n\n")
    }

    /// An independent parser reads back exactly what was encoded (with CR and CRLF read as LF).
    @Test func aThirdPartyParserReadsItBack() async throws {
        let samples = ["{}", "", "a\nb", "a\r\nb", "a\rb", "Lantai 2 — 🙂", "x\n\ny", "tail\n"]
        let stream = SSEFormat.comment("hi") + SSEFormat.retry(milliseconds: 2500)
            + samples.enumerated().map { SSEFormat.event(id: "\($0)", type: "ticket.issued", data: $1) }.joined()
        let events = try await thirdPartyEvents(Array(stream.utf8))
        #expect(events.map(\.id) == samples.indices.map { "\($0)" })
        #expect(events.allSatisfy { $0.type == "ticket.issued" })
        #expect(events.map(\.data) == samples.map {
            $0.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        })
    }
}
