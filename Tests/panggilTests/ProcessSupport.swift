import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PanggilTesting

/// Runs `panggil` with arguments to the end.
func panggil(_ arguments: [String], in directory: URL? = nil, input: String? = nil) async throws -> Finished {
    try await runToEnd(Fixtures.panggilBinary, arguments, in: directory, input: input)
}

/// One answer of a test server.
struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
}

/// One request to a server on this machine, through the test run's one shared client. Throws when
/// there is no answer (refused, reset, timed out); any answer, whatever its status, is a `Reply`.
func http(_ method: HTTPMethod = .GET, port: Int, _ path: String, body: String? = nil, cookie: String? = nil,
          timeout: TimeAmount = .seconds(30)) async throws -> Reply {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = method
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    if let cookie { request.headers.add(name: "Cookie", value: cookie) }
    let response = try await HTTPClient.shared.execute(request, timeout: timeout)
    let bytes = try await response.body.collect(upTo: 64 << 20)
    return Reply(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
}

/// `panggil serve` in the background on a free port, stopped when the test ends. What it logs is in
/// `serve.log` in its directory.
final class RunningServer: @unchecked Sendable {
    let process: ChildProcess
    let port: Int
    let log: URL

    /// On `port` when given: a restarted server comes back where its displays look for it.
    init(arguments: [String], in directory: URL, port requested: Int? = nil) async throws {
        port = requested ?? Int.random(in: 20_000...60_000)
        log = directory.appendingPathComponent("serve.log")
        process = try ChildProcess(Fixtures.panggilBinary, ["serve", "--host", "127.0.0.1", "--port", "\(port)"] + arguments,
                                   directory: directory, output: log.path, errors: log.path)
        // Loose: a debug build starting beside other servers on a busy machine can take a while.
        for _ in 0..<600 {
            if (try? await get("/healthz")) != nil { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "server did not start on \(port): \(said)"])
    }

    /// A JSON object from a 200 answer; anything else throws.
    func get(_ path: String) async throws -> [String: Any] {
        let reply = try await http(port: port, path, timeout: .seconds(10))
        guard reply.status == 200 else { throw URLError(.badServerResponse) }
        return reply.json
    }

    /// As a power cut would: no shutdown, no goodbye to the streams.
    func kill() {
        process.signal(SIGKILL)
        _ = process.wait(timeout: 10)
    }

    /// SIGTERM, as the service manager stops it, and the exit code once it has gone (nil: still
    /// running after `timeout` seconds). Waits on a thread of its own.
    func terminate(timeout: TimeInterval = 30) async -> Int32? {
        process.signal(SIGTERM)
        return await exit(timeout: timeout)
    }

    /// The exit code once the server has gone by itself (nil: still running after `timeout` seconds).
    func exit(timeout: TimeInterval = 30) async -> Int32? {
        let process = self.process
        _ = try? await offloaded { process.wait(timeout: timeout) }
        return process.exitCode
    }

    func stop() {
        if process.isRunning { process.terminate(grace: 10) }
    }

    deinit { stop() }
}

extension RunningServer {
    /// A hall in `directory` from `siteYAML`, its admin made with the CLI (there is no default
    /// password), and the server started on it; the admin's session cookie comes with it.
    static func withAdmin(site siteYAML: String, in directory: URL, password: String) async throws -> (RunningServer, cookie: String) {
        try siteYAML.write(to: directory.appendingPathComponent("situs.yaml"), atomically: true, encoding: .utf8)
        let added = try await panggil(["user", "add", "--config", "situs.yaml", "--name", "admin", "--role", "admin"], in: directory,
                                      input: password + "\n")
        guard added.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: added.stderr]) }
        let server = try await RunningServer(arguments: ["--config", "situs.yaml", "--no-speakers"], in: directory)
        let login = try await http(.POST, port: server.port, "/api/login", body: #"{"name": "admin", "password": "\#(password)"}"#)
        guard let setCookie = login.headers.first(name: "Set-Cookie") else { throw URLError(.userAuthenticationRequired) }
        return (server, String(setCookie.split(separator: ";")[0]))
    }
}
