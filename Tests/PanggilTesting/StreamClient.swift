import BenchSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP client for event streams: it sends one GET and records every byte the server sends, on a
/// thread of its own, so that tests see the stream exactly as it arrives (or stop reading on purpose).
public final class StreamClient: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var received: [UInt8] = []
    private var ended = false
    private var reading = true

    /// Connects to 127.0.0.1:`port` and asks for `path`. `receiveBuffer` shrinks the socket's receive
    /// buffer, and `read: false` never reads: a client that stops keeping up.
    public init(port: Int, path: String, headers: [String: String] = [:], receiveBuffer: Int32? = nil, read: Bool = true) throws {
        fd = connectLoopback(port: port) { fd in
            if var size = receiveBuffer {
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            }
        }
        guard fd >= 0 else { throw POSIXError(.ECONNREFUSED) }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        reading = read
        if read {
            Thread.detachNewThread { [self] in readLoop() }
        }
    }

    private func readLoop() {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            lock.withLock { received.append(contentsOf: chunk[0..<count]) }
        }
        lock.withLock { ended = true }
    }

    /// Everything received so far.
    public var bytes: [UInt8] { lock.withLock { received } }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    /// Whether the server closed the connection.
    public var isEnded: Bool { lock.withLock { ended } }

    /// The response body: what follows the first blank line of the HTTP head (chunked framing removed).
    public var body: [UInt8] {
        let all = bytes
        guard let end = all.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else { return [] }
        let head = String(decoding: all[..<end], as: UTF8.self).lowercased()
        let rest = Array(all[end...])
        return head.contains("transfer-encoding: chunked") ? Self.dechunk(rest) : rest
    }

    public var head: String {
        let all = bytes
        guard let end = all.firstRange(of: Array("\r\n\r\n".utf8))?.lowerBound else { return "" }
        return String(decoding: all[..<end], as: UTF8.self)
    }

    static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lineEnd = data[index...].firstRange(of: Array("\r\n".utf8)) else { break }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { break }
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard start + size <= data.count else {
                out += data[start...]
                break
            }
            out += data[start..<start + size]
            index = start + size + 2
        }
        return out
    }

    /// Waits until `condition` holds on the body text, or `timeout` passes; returns whether it held.
    public func wait(timeout: Duration = .seconds(5), until condition: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(String(decoding: body, as: UTF8.self)) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(String(decoding: body, as: UTF8.self))
    }

    /// Waits until the server closes the connection (reading whatever is left if this client never read).
    public func waitForEnd(timeout: Duration = .seconds(5)) async -> Bool {
        if !reading {
            reading = true
            Thread.detachNewThread { [self] in readLoop() }
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if isEnded { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return isEnded
    }

    public func disconnect() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    deinit {
        close(fd)
    }
}

/// Events as a client sees them: `id`, `event`, `data`, from the body text (LF-separated lines).
public struct SeenEvent: Equatable, Sendable {
    public var id: String?
    public var type: String?
    public var data: String
}

public func parseEvents(_ text: String) -> [SeenEvent] {
    var events: [SeenEvent] = []
    for block in text.components(separatedBy: "\n\n") where !block.isEmpty {
        var id: String?, type: String?, data: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
            else if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
            else if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
        }
        if !data.isEmpty { events.append(SeenEvent(id: id, type: type, data: data.joined(separator: "\n"))) }
    }
    return events
}

/// The events in `body` as an independent parser reads them: sseclient-py (Python), fed in 7-byte
/// pieces so that lines and events are split across reads the way a network splits them.
public func thirdPartyEvents(_ body: [UInt8]) async throws -> [SeenEvent] {
    let file = Fixtures.temporaryDirectory().appendingPathComponent("stream.bin")
    try Data(body).write(to: file)
    let script = """
        import json, sys, sseclient
        data = open(sys.argv[1], 'rb').read()
        chunks = (data[i:i + 7] for i in range(0, len(data), 7))
        for event in sseclient.SSEClient(chunks).events():
            print(json.dumps({"id": event.id, "event": event.event, "data": event.data}))
        """
    let run = try await runToEnd(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, file.path])
    guard run.status == 0 else {
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "sseclient-py failed (scripts/setup-debian installs it): \(run.stderr)"])
    }
    return try run.stdout.split(separator: "\n").map { line in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        return SeenEvent(id: object["id"] as? String, type: object["event"] as? String, data: object["data"] as? String ?? "")
    }
}
