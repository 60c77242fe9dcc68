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
func panggil(_ arguments: [String], in directory: URL? = nil) async throws -> Finished {
    let process = Process()
    process.executableURL = Fixtures.panggilBinary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting, so that a chatty process cannot fill the pipe and stall; on threads of their
    // own, since a blocking read must not hold one of the few threads every other test runs on.
    async let stdout = readToEnd(out)
    async let stderr = readToEnd(err)
    let (o, e) = await (stdout, stderr)
    process.waitUntilExit()
    return Finished(status: process.terminationStatus, stdout: String(decoding: o ?? Data(), as: UTF8.self),
                    stderr: String(decoding: e ?? Data(), as: UTF8.self))
}

private func readToEnd(_ pipe: Pipe) async -> Data? {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: try? pipe.fileHandleForReading.readToEnd()) }
    }
}

/// `panggil serve` in the background on a free port, stopped when the test ends.
final class RunningServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(arguments: [String], in directory: URL) async throws {
        port = Int.random(in: 20_000...60_000)
        process.executableURL = Fixtures.panggilBinary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "\(port)"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
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

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
