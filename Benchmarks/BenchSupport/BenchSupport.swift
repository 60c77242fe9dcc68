// What the benchmark programs share: a clock comparable between processes, percentiles, options, and
// plain HTTP requests over loopback.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds on the system-wide monotonic clock, comparable between processes on this machine.
public func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The `p`th percentile of sorted values (nearest rank).
public func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
}

/// The value after `name` on the command line, or `fallback`.
public func option(_ name: String, _ fallback: String) -> String {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}

/// A blocking TCP connection to 127.0.0.1 with Nagle off, or -1. `prepare` sets the socket's options
/// that must be in place before it connects.
public func connectLoopback(port: Int, prepare: (Int32) -> Void = { _ in }) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    prepare(fd)
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        return -1
    }
    return fd
}

/// One blocking HTTP/1.1 request to 127.0.0.1 on a fresh connection: the status code (0 when nothing
/// answered) and the whole response.
public func loopbackRequest(port: Int, method: String, path: String, body: String = "") -> (status: Int, response: String) {
    let fd = connectLoopback(port: port)
    guard fd >= 0 else { return (0, "") }
    defer { close(fd) }
    let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\(requestHeaders)\r\n\(body)"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    var response: [UInt8] = []
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        response += buffer[0..<count]
    }
    let text = String(decoding: response, as: UTF8.self)
    return (Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0, text)
}

/// Header lines every benchmark request carries (`Name: value\r\n` each): the session cookie of the
/// benchmark's admin once `signInAsAdmin` has run.
nonisolated(unsafe) public var requestHeaders = ""

/// Creates an admin `bench` in the store with `panggil user add` and signs in as it, so that the
/// benchmark's calls pass access control like a staff console's.
public func signInAsAdmin(panggil: String, storeArguments: [String], port: Int) {
    let password = "bench-password"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: panggil)
    process.arguments = ["user", "add", "--name", "bench", "--role", "admin"] + storeArguments
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { fatalError("cannot run \(panggil) user add: \(error)") }
    input.fileHandleForWriting.write(Data("\(password)\n".utf8))
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
    let (status, response) = loopbackRequest(port: port, method: "POST", path: "/api/login",
                                             body: #"{"name": "bench", "password": "\#(password)"}"#)
    guard status == 200, let line = response.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("set-cookie:") }),
          let cookie = line.dropFirst("set-cookie:".count).split(separator: ";").first else {
        fatalError("cannot sign in to panggil on port \(port): \(status) \(response)")
    }
    requestHeaders = "Cookie: \(cookie.trimmingCharacters(in: .whitespaces))\r\n"
}

/// Starts `panggil serve` with `arguments`, its output going to the file `log`.
public func startPanggilServe(binary: String, arguments: [String], log: URL) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["serve"] + arguments
    FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return process
}
