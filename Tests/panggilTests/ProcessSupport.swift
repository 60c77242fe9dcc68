import Foundation
import PanggilTesting
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct Finished {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `panggil` with arguments to the end.
func panggil(_ arguments: [String], in directory: URL? = nil, input: String? = nil) async throws -> Finished {
    // Waiting for a process blocks its thread: on a thread of its own, since the concurrency runtime's
    // few threads are shared by every test running at the time and holding one stalls the others.
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try runPanggil(arguments, in: directory, input: input) }) }
    }
}

private func runPanggil(_ arguments: [String], in directory: URL?, input: String?) throws -> Finished {
    let process = Process()
    process.executableURL = Fixtures.panggilBinary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : stdin
    try process.run()
    if let input {
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
    }
    // Read both before waiting, so that a chatty process cannot fill a pipe and stall.
    let errors = Collected()
    let errorsRead = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        errors.data = try? err.fileHandleForReading.readToEnd()
        errorsRead.signal()
    }
    let o = try? out.fileHandleForReading.readToEnd()
    errorsRead.wait()
    let e = errors.data
    process.waitUntilExit()
    return Finished(status: process.terminationStatus, stdout: String(decoding: o ?? Data(), as: UTF8.self),
                    stderr: String(decoding: e ?? Data(), as: UTF8.self))
}

/// Written by one thread, read by another after a semaphore says it is done.
private final class Collected: @unchecked Sendable {
    var data: Data?
}

/// `panggil serve` in the background on a free port, stopped when the test ends.
final class RunningServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    /// On `port` when given: a restarted server comes back where its displays look for it.
    init(arguments: [String], in directory: URL, port requested: Int? = nil) async throws {
        port = requested ?? Int.random(in: 20_000...60_000)
        process.executableURL = Fixtures.panggilBinary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "\(port)"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Loose: a debug build starting beside other servers on a busy machine can take a while.
        for _ in 0..<600 {
            if (try? await get("/healthz")) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "server did not start on \(port)"])
    }

    func get(_ path: String) async throws -> [String: Any] {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw URLError(.badServerResponse) }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// As a power cut would: no shutdown, no goodbye to the streams.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
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
        var login = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/api/login")!)
        login.httpMethod = "POST"
        login.httpBody = Data(#"{"name": "admin", "password": "\#(password)"}"#.utf8)
        login.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (_, response) = try await URLSession(configuration: .ephemeral).data(for: login)
        guard let setCookie = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Set-Cookie") else {
            throw URLError(.userAuthenticationRequired)
        }
        return (server, String(setCookie.split(separator: ";")[0]))
    }
}
