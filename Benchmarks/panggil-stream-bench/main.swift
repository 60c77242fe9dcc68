// Event-stream fan-out benchmark (issue 3): N subscribers hold one stream each over loopback; K calls
// are published one by one through the real API over one kept-open connection; every subscriber's
// receive time of every event is recorded. nginx + nchan carries the same load at the same time, its
// events taking turns with Panggil's, and the ratios are printed.
//
//   scripts/bench stream [--subscribers 1000,5000,10000] [--events 100] [--interval-ms 100] [--serve-args "..."]

import BenchSupport
import CEpoll
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Clock, options, processes

let sizes = option("--subscribers", "1000,5000,10000").split(separator: ",").compactMap { Int($0) }
let events = Int(option("--events", "100"))!
let interval = Int(option("--interval-ms", "100"))!
let workDirectory = URL(fileURLWithPath: option("--dir", "data/stream-bench")).standardizedFileURL
let panggilBinary = option("--panggil", ".build/release/panggil")
let serveArguments = option("--serve-args", "").split(separator: " ").map(String.init)

/// Resident memory of processes, in bytes (VmRSS).
func residentBytes(_ pids: [Int32]) -> Int {
    pids.reduce(0) { total, pid in
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return total }
        return total + kilobytes * 1024
    }
}

/// CPU time (user + system) of processes, in seconds.
func cpuSeconds(_ pids: [Int32]) -> Double {
    pids.reduce(0) { total, pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return total }
        // Fields after the command name: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return total }
        return total + (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

func childPids(of parent: Int32) -> [Int32] {
    guard let text = try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8) else { return [] }
    return text.split(separator: " ").compactMap { Int32($0) }
}

func cpuSecondsOfThisProcess() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// One blocking HTTP/1.1 request on a fresh connection; returns the status code.
func httpRequest(port: Int, method: String, path: String, body: String = "") -> Int {
    loopbackRequest(port: port, method: method, path: path, body: body).status
}

/// One HTTP/1.1 connection kept open for every publish, as a staff console's browser keeps its
/// connection: a publish then measures the request, not a TCP handshake and teardown.
final class KeepAliveConnection {
    let port: Int
    private var fd: Int32 = -1

    init(port: Int) { self.port = port }
    deinit { if fd >= 0 { close(fd) } }

    private func connectIfNeeded() -> Bool {
        if fd < 0 { fd = connectLoopback(port: port) }
        return fd >= 0
    }

    /// Sends one request and reads its whole response (by `Content-Length`); returns the status code.
    func request(method: String, path: String, body: String = "") -> Int {
        guard connectIfNeeded() else { return 0 }
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\(requestHeaders)\r\n\(body)"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { close(fd); fd = -1; return 0 }
            response += buffer[0..<count]
            guard let end = response.firstRange(of: Array("\r\n\r\n".utf8)) else { continue }
            let head = String(decoding: response[..<end.lowerBound], as: UTF8.self).lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            guard response.count - end.upperBound >= length else { continue }
            if head.contains("connection: close") { close(fd); fd = -1 }
            return Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
    }
}

/// A server left over from an interrupted run would answer in place of the one just started.
func stillRunning(_ process: Process, _ name: String, port: Int) throws {
    usleep(200_000)
    guard process.isRunning else {
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(name) exited at start; is another server on port \(port)?"])
    }
}

func waitUntilListening(port: Int, path: String) throws {
    for _ in 0..<600 {
        if httpRequest(port: port, method: "GET", path: path) > 0 { return }
        usleep(50_000)
    }
    throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "nothing listens on \(port)"])
}

// MARK: - Subscribers

/// Receive times, `times[subscriber * slots + event]`, written by the reader thread alone: when the
/// event arrived in the subscriber's socket (the kernel's stamp) and when the reader read it.
final class Recorder: @unchecked Sendable {
    let slots: Int
    let times: UnsafeMutableBufferPointer<UInt64>
    let readTimes: UnsafeMutableBufferPointer<UInt64>
    /// Reads that came without a kernel stamp, and were timed when read instead.
    let unstamped = Atomic<Int>(0)
    let ready: UnsafeMutableBufferPointer<UInt8>
    /// Reads per subscriber once the timed events began, and the bytes they brought.
    let reads: UnsafeMutableBufferPointer<Int>
    let bytes: UnsafeMutableBufferPointer<Int>
    /// Set just before the first timed event: what arrives earlier (the end of a long snapshot, the
    /// heartbeats while the other streams connect) is not the events' traffic.
    let timing = Atomic<Bool>(false)

    init(subscribers: Int, slots: Int) {
        self.slots = slots
        times = .allocate(capacity: subscribers * slots)
        times.initialize(repeating: 0)
        readTimes = .allocate(capacity: subscribers * slots)
        readTimes.initialize(repeating: 0)
        ready = .allocate(capacity: subscribers)
        ready.initialize(repeating: 0)
        reads = .allocate(capacity: subscribers)
        reads.initialize(repeating: 0)
        bytes = .allocate(capacity: subscribers)
        bytes.initialize(repeating: 0)
    }

    deinit {
        times.deallocate()
        readTimes.deallocate()
        ready.deallocate()
        reads.deallocate()
        bytes.deallocate()
    }
}

/// Counts events by the `\ndata: ` that starts each one's data line: no parsing beyond a byte matcher,
/// so that the client costs little next to the server under test.
struct EventScanner {
    static let pattern: [UInt8] = Array("\ndata: ".utf8)
    static let endOfHead: [UInt8] = Array("\r\n\r\n".utf8)

    let index: Int
    let recorder: Recorder
    /// Events before the first timed one (Panggil's snapshot).
    let skip: Int
    var matched = 0
    var headMatched = 0
    var headDone = false
    var seen = 0

    init(index: Int, recorder: Recorder, skip: Int) {
        self.index = index
        self.recorder = recorder
        self.skip = skip
    }

    mutating func scan(_ bytes: UnsafeRawBufferPointer, arrived: UInt64, read: UInt64) {
        if recorder.timing.load(ordering: .relaxed) {
            recorder.reads[index] += 1
            recorder.bytes[index] += bytes.count
        }
        var position = 0
        while !headDone, position < bytes.count {
            let byte = bytes[position]
            position += 1
            headMatched = byte == Self.endOfHead[headMatched] ? headMatched + 1 : (byte == 13 ? 1 : 0)
            if headMatched == 4 {
                headDone = true
                matched = 1  // the body starts at a line start
                if skip == 0 { recorder.ready[index] = 1 }
            }
        }
        // The body: from line break to line break (memchr) rather than byte by byte, so that the
        // load generator's cost per event hardly depends on how long the event is.
        while position < bytes.count {
            if matched == 0 {
                guard let found = memchr(bytes.baseAddress! + position, 10, bytes.count - position) else { return }
                position = bytes.baseAddress!.distance(to: UnsafeRawPointer(found)) + 1
                matched = 1
                continue
            }
            guard bytes[position] == Self.pattern[matched] else {
                matched = 0  // looked at again: it may start a line
                continue
            }
            matched += 1
            position += 1
            if matched == Self.pattern.count {
                matched = 0
                seen += 1
                if seen == skip { recorder.ready[index] = 1 }
                let slot = seen - skip - 1
                if slot >= 0, slot < recorder.slots {
                    recorder.times[index * recorder.slots + slot] = arrived
                    recorder.readTimes[index * recorder.slots + slot] = read
                }
            }
        }
    }
}

/// The load generator's subscribers: plain sockets, and one thread in `epoll_wait` reading them all.
/// Each read carries the kernel's stamp of when the bytes arrived in the socket (`SO_TIMESTAMPNS`;
/// NIO has no way to hand it over), and an event's latency is taken to that moment. The moment the
/// reader got round to the socket is kept as well: on two cores shared with the servers the reader
/// waits for a core, and that wait would be counted against whichever server keeps both cores busier.
final class StreamReader: @unchecked Sendable {
    private struct Stream {
        var fd: Int32
        var scanner: EventScanner
    }

    private let epoll = epoll_create1(0)
    private let streams: UnsafeMutablePointer<Stream>
    private let capacity: Int
    private var count = 0
    private let stopping = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        self.capacity = capacity
        streams = .allocate(capacity: capacity)
        Thread.detachNewThread { [self] in readAll() }
    }

    /// Opens one stream: connects, asks for `path`, and hands the socket to the reader thread.
    func open(port: Int, path: String, scanner: EventScanner) throws {
        precondition(count < capacity)
        let fd = connectLoopback(port: port) { fd in
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, bench_so_timestampns(), &one, socklen_t(MemoryLayout<Int32>.size))
        }
        guard fd >= 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot connect to \(port): errno \(errno)"])
        }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        (streams + count).initialize(to: Stream(fd: fd, scanner: scanner))
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = UInt64(count)
        count += 1
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
    }

    /// Level-triggered, one read per readiness: a stream with more waits for the next round, behind the
    /// others that are ready.
    private func readAll() {
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        let control = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 16)
        let vector = UnsafeMutablePointer<iovec>.allocate(capacity: 1)
        let ready = UnsafeMutablePointer<epoll_event>.allocate(capacity: 256)
        defer {
            buffer.deallocate()
            control.deallocate()
            vector.deallocate()
            ready.deallocate()
            stopped.signal()
        }
        while !stopping.load(ordering: .relaxed) {
            let found = epoll_wait(epoll, ready, 256, 50)
            for item in 0..<Int(Swift.max(found, 0)) {
                let stream = streams + Int(ready[item].data.u64)
                vector.pointee = iovec(iov_base: buffer, iov_len: size)
                var message = msghdr()
                message.msg_iov = vector
                message.msg_iovlen = 1
                message.msg_control = control
                message.msg_controllen = 256
                let count = recvmsg(stream.pointee.fd, &message, 0)
                let read = realtimeNanos()
                guard count > 0 else {
                    if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        epoll_ctl(epoll, EPOLL_CTL_DEL, stream.pointee.fd, nil)
                    }
                    continue
                }
                var arrived = bench_received_at(&message)
                if arrived == 0 {
                    stream.pointee.scanner.recorder.unstamped.add(1, ordering: .relaxed)
                    arrived = read
                }
                stream.pointee.scanner.scan(UnsafeRawBufferPointer(start: buffer, count: count), arrived: arrived, read: read)
            }
        }
    }

    /// Stops the reader and closes every stream.
    func closeAll() {
        stopping.store(true, ordering: .relaxed)
        stopped.wait()
        for index in 0..<count { close(streams[index].fd) }
        streams.deinitialize(count: count)
        streams.deallocate()
        close(epoll)
    }
}

/// The kernel stamps received bytes with the real-time clock; publish times are taken on it too.
func realtimeNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

struct Target {
    var name: String
    var port: Int
    var subscribePath: String
    /// Events a stream sends before the timed ones.
    var skip: Int
    var publish: (Int) -> Int
    var pids: () -> [Int32]
}

struct Result {
    var p50 = 0.0, p99 = 0.0, max = 0.0
    /// The same latencies to the moment the load generator read the event.
    var readP50 = 0.0, readP99 = 0.0
    var unstamped = 0
    var lastP50 = 0.0, lastMax = 0.0
    var bytesPerSubscriber = 0.0
    var missing = 0
    var readsPerEvent = 0.0
    /// Bytes on the wire per event and subscriber (HTTP chunk framing included): both servers should
    /// send about the same, or the load generator's work differs.
    var bytesPerEvent = 0.0
    /// The server's CPU time per published event, in milliseconds.
    var serverCPUPerEvent = 0.0
}

/// One server under load: its subscribers, what they received, and when each event was published.
final class Side {
    let target: Target
    let subscribers: Int
    let recorder: Recorder
    var before = 0, idle = 0
    var published: [UInt64] = []
    var cpuBefore = 0.0, cpu = 0.0

    init(_ target: Target, subscribers: Int) {
        self.target = target
        self.subscribers = subscribers
        recorder = Recorder(subscribers: subscribers, slots: events)
    }

    func connect(_ reader: StreamReader) async throws {
        before = residentBytes(target.pids())
        for index in 0..<subscribers {
            try reader.open(port: target.port, path: target.subscribePath,
                            scanner: EventScanner(index: index, recorder: recorder, skip: target.skip))
            if index % 250 == 249 {
                // Let the server catch up, as a hall's screens would arrive over minutes rather than at once.
                while (0...index).contains(where: { recorder.ready[$0] == 0 }) { try await Task.sleep(for: .milliseconds(5)) }
            }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while (0..<subscribers).contains(where: { recorder.ready[$0] == 0 }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func result() -> Result {
        var latencies: [Double] = []
        latencies.reserveCapacity(subscribers * events)
        var lastPerEvent: [Double] = []
        var readLatencies: [Double] = []
        readLatencies.reserveCapacity(subscribers * events)
        var missing = 0
        for event in 0..<events {
            var last = 0.0
            for subscriber in 0..<subscribers {
                let received = recorder.times[subscriber * events + event]
                if received == 0 { missing += 1; continue }
                let latency = Double(Int64(received) - Int64(published[event])) / 1e6
                latencies.append(latency)
                last = Swift.max(last, latency)
                readLatencies.append(Double(Int64(recorder.readTimes[subscriber * events + event]) - Int64(published[event])) / 1e6)
            }
            lastPerEvent.append(last)
        }
        latencies.sort()
        lastPerEvent.sort()
        readLatencies.sort()
        return Result(p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.last ?? .nan,
                      readP50: percentile(readLatencies, 50), readP99: percentile(readLatencies, 99),
                      unstamped: recorder.unstamped.load(ordering: .relaxed),
                      lastP50: percentile(lastPerEvent, 50), lastMax: lastPerEvent.last ?? .nan,
                      bytesPerSubscriber: Double(idle - before) / Double(subscribers), missing: missing,
                      readsPerEvent: Double(recorder.reads.reduce(0, +)) / Double(subscribers * events),
                      bytesPerEvent: Double(recorder.bytes.reduce(0, +)) / Double(subscribers * events),
                      serverCPUPerEvent: cpu / Double(events) * 1000)
    }
}

/// Both servers hold `subscribers` streams at once, and their events take turns (Panggil's, then
/// nchan's, each followed by a pause long enough for its fan-out to end), so that whatever else the
/// shared machine does at the time weighs on both alike. Returns the results and the load
/// generator's CPU use (share of one core) while events were published.
func run(_ sides: [Side]) async throws -> (results: [Result], clientCPU: Double) {
    let reader = StreamReader(capacity: sides.map(\.subscribers).reduce(0, +))
    for side in sides { try await side.connect(reader) }
    try await Task.sleep(for: .seconds(1))
    for side in sides { side.idle = residentBytes(side.target.pids()) }
    let subscribers = sides.map(\.subscribers).max() ?? 0
    // A 10,000-stream fan-out takes longer than 100 ms on two cores; the next event waits for it.
    let pause = Duration.milliseconds(Swift.max(interval, subscribers * 30 / 1000))

    let cpuBefore = cpuSecondsOfThisProcess()
    for side in sides { side.cpuBefore = cpuSeconds(side.target.pids()) }
    let wallBefore = monotonicNanos()
    for side in sides { side.recorder.timing.store(true, ordering: .relaxed) }
    for event in 0..<events {
        for side in sides {
            side.published.append(realtimeNanos())
            let status = side.target.publish(event)
            if !(200..<300).contains(status) { print("   \(side.target.name): publish \(event) answered \(status)") }
            try await Task.sleep(for: pause)
        }
    }
    try await Task.sleep(for: .seconds(2))
    for side in sides { side.cpu = cpuSeconds(side.target.pids()) - side.cpuBefore }
    let clientCPU = (cpuSecondsOfThisProcess() - cpuBefore) / (Double(monotonicNanos() - wallBefore) / 1e9)
    let results = sides.map { $0.result() }
    // Every descriptor back before the next round: at 10,000 streams the limit is near.
    reader.closeAll()
    try await Task.sleep(for: .seconds(1))
    return (results, clientCPU)
}

// MARK: - The two servers

try? FileManager.default.removeItem(at: workDirectory)
try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)

/// A hall with one service and enough counters that each published call comes from a free counter.
let counters = events
var site = """
    name: Bench
    timezone: Asia/Jakarta
    enforce_hours: false
    zones: [{id: z, name: Z, sink: z}]
    agencies: [{id: x, name: X}]
    services: [{code: A, name: Layanan A, agency: x}]
    counters:

    """
for number in 1...counters { site += "  - {number: \(number), zone: z, services: [A]}\n" }
let siteFile = workDirectory.appendingPathComponent("bench.yaml")
try site.write(to: siteFile, atomically: true, encoding: .utf8)

func startPanggil(port: Int) throws -> Process {
    let database = workDirectory.appendingPathComponent("panggil-\(port).sqlite").path
    let process = try startPanggilServe(
        binary: panggilBinary, arguments: ["--config", siteFile.path, "--db", database, "--host", "127.0.0.1", "--port", "\(port)"] + serveArguments,
        log: workDirectory.appendingPathComponent("panggil-\(port).log"))
    try waitUntilListening(port: port, path: "/healthz")
    try stillRunning(process, "panggil", port: port)
    signInAsAdmin(panggil: panggilBinary, storeArguments: ["--config", siteFile.path, "--db", database], port: port)
    for _ in 0..<events { _ = httpRequest(port: port, method: "POST", path: "/api/tickets", body: #"{"service": "A"}"#) }
    for number in 1...counters { _ = httpRequest(port: port, method: "POST", path: "/api/counters/\(number)/open") }
    return process
}

func startNchan(port: Int) throws -> Process {
    let prefix = workDirectory.appendingPathComponent("nginx")
    try FileManager.default.createDirectory(at: prefix.appendingPathComponent("logs"), withIntermediateDirectories: true)
    let configuration = """
        load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
        worker_processes auto;
        worker_rlimit_nofile 19000;
        pid \(prefix.path)/nginx.pid;
        error_log \(prefix.path)/logs/error.log warn;
        events { worker_connections 18000; }
        http {
            access_log off;
            client_body_temp_path \(prefix.path);
            server {
                listen 127.0.0.1:\(port);
                location = /sub { nchan_subscriber eventsource; nchan_channel_id bench; }
                location = /pub { nchan_publisher; nchan_channel_id bench; }
                location = /ping { return 200 "ok"; }
            }
        }
        """
    let file = prefix.appendingPathComponent("nginx.conf")
    try configuration.write(to: file, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
    process.arguments = ["-p", prefix.path, "-c", file.path, "-g", "daemon off;"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    try waitUntilListening(port: port, path: "/ping")
    try stillRunning(process, "nginx", port: port)
    return process
}

// Raise the descriptor limit for this process and the servers it starts: with both servers at 10,000
// subscribers the load generator holds 20,000 connections. Raising the hard limit needs the right to
// (CAP_SYS_RESOURCE); otherwise the soft limit goes as high as the hard one allows.
var limit = rlimit()
getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
let wanted = rlim_t(2 * (sizes.max() ?? 0) + 1_000), needed = rlim_t((sizes.max() ?? 0) + 1_000)
if limit.rlim_max < wanted {
    var raised = limit
    raised.rlim_max = wanted
    raised.rlim_cur = wanted
    if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
}
limit.rlim_cur = limit.rlim_max
setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
if limit.rlim_cur < needed {
    print("The descriptor limit is \(limit.rlim_cur); \(needed) are needed (run as root, or raise `ulimit -Hn`).")
    exit(1)
}
/// Both servers under load at once, their events taking turns, where this process may hold both sets
/// of streams; otherwise (10,000 each needs more than 20,000 descriptors) one server after the other.
let descriptors = limit.rlim_cur
func together(_ subscribers: Int) -> Bool { rlim_t(2 * subscribers + 1_000) <= descriptors }

/// The kept-open connections the calls are published over, and which counter calls next.
final class Publishers: @unchecked Sendable {
    let panggil: KeepAliveConnection
    let nchan: KeepAliveConnection
    var counter = 0

    init(panggil: KeepAliveConnection, nchan: KeepAliveConnection) {
        self.panggil = panggil
        self.nchan = nchan
    }
}

func panggilSide(_ process: Process, port: Int, subscribers: Int, publishers: Publishers) -> Side {
    Side(Target(name: "panggil", port: port, subscribePath: option("--panggil-path", "/api/events"), skip: 1,
                publish: { _ in
                    publishers.counter += 1
                    return publishers.panggil.request(method: "POST", path: "/api/counters/\(publishers.counter)/call-next")
                },
                pids: { [process.processIdentifier] }), subscribers: subscribers)
}

func nchanSide(_ process: Process, port: Int, subscribers: Int, publishers: Publishers) -> Side {
    Side(Target(name: "nchan", port: port, subscribePath: "/sub", skip: 0,
                publish: { _ in publishers.nchan.request(method: "POST", path: "/pub", body: sampleData) },
                pids: { [process.processIdentifier] + childPids(of: process.processIdentifier) }), subscribers: subscribers)
}

func stop(_ process: Process) {
    process.terminate()
    process.waitUntilExit()
}

// The nchan message is the data of a Panggil `ticket.called` event of this hall, queue line included,
// so that both send the same bytes (each line of the results shows the bytes per event it received).
let sampleData = #"{"at":"2026-11-29T14:05:00.000+07:00","counter":{"id":3,"name":"Loket 3","number":3,"zone":"z"},"queues":[{"agency":"x","code":"A","estimatedWaitMinutes":10,"name":"Layanan A","nowServing":{"id":3,"number":"A-003","priority":false,"service":{"code":"A","name":"Layanan A"}},"priorityWaiting":0,"waiting":97}],"seq":7162175000000003,"ticket":{"id":3,"number":"A-003","priority":false,"service":{"code":"A","name":"Layanan A"}},"ticketState":"called","type":"ticket.called"}"#

print("Event stream fan-out — \(ProcessInfo.processInfo.activeProcessorCount) cores; \(events) events per server, the two servers' events taking turns at least \(interval) ms apart; load generator: one thread in epoll_wait")
print("latency: publish request sent → event in the subscriber's socket (kernel receive stamp); last: until the last subscriber has the event; read: until the load generator read it")
for (round, subscribers) in sizes.enumerated() {
    let panggilPort = 18_000 + round * 2, nchanPort = 18_001 + round * 2
    let publishers = Publishers(panggil: KeepAliveConnection(port: panggilPort), nchan: KeepAliveConnection(port: nchanPort))
    let panggilResult: Result, nchanResult: Result, clientCPU: Double, mode: String
    if together(subscribers) {
        let panggil = try startPanggil(port: panggilPort), nginx = try startNchan(port: nchanPort)
        let (results, cpu) = try await run([panggilSide(panggil, port: panggilPort, subscribers: subscribers, publishers: publishers),
                                            nchanSide(nginx, port: nchanPort, subscribers: subscribers, publishers: publishers)])
        stop(panggil)
        stop(nginx)
        (panggilResult, nchanResult, clientCPU, mode) = (results[0], results[1], cpu, "both at once, events taking turns")
    } else {
        let panggil = try startPanggil(port: panggilPort)
        let (first, cpu1) = try await run([panggilSide(panggil, port: panggilPort, subscribers: subscribers, publishers: publishers)])
        stop(panggil)
        let nginx = try startNchan(port: nchanPort)
        let (second, cpu2) = try await run([nchanSide(nginx, port: nchanPort, subscribers: subscribers, publishers: publishers)])
        stop(nginx)
        (panggilResult, nchanResult, clientCPU, mode) = (first[0], second[0], max(cpu1, cpu2),
                                                         "one server after the other: both at once would need \(2 * subscribers + 1_000) descriptors")
    }

    func line(_ name: String, _ r: Result) -> String {
        String(format: "   %-8@ p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  last p50 %7.1f ms  last max %7.1f ms  %6.1f KB/subscriber  missing %d  reads/event %.2f  bytes/event %.0f  server CPU %5.1f ms/event",
               name as NSString, r.p50, r.p99, r.max, r.lastP50, r.lastMax, r.bytesPerSubscriber / 1024, r.missing, r.readsPerEvent, r.bytesPerEvent, r.serverCPUPerEvent)
    }
    print("\n\(subscribers) subscribers on each server (\(mode); load generator CPU \(Int((clientCPU * 100).rounded())) % of one core)")
    print(line("panggil", panggilResult))
    print(line("nchan", nchanResult))
    print(String(format: "   ratio    p50 %.2f  p99 %.2f  max %.2f  last p50 %.2f  last max %.2f  memory %.2f  (panggil / nchan)",
                 panggilResult.p50 / nchanResult.p50, panggilResult.p99 / nchanResult.p99, panggilResult.max / nchanResult.max,
                 panggilResult.lastP50 / nchanResult.lastP50, panggilResult.lastMax / nchanResult.lastMax,
                 panggilResult.bytesPerSubscriber / nchanResult.bytesPerSubscriber))
    print(String(format: "   read by the load generator: panggil p50 %.1f ms p99 %.1f ms, nchan p50 %.1f ms p99 %.1f ms; ratio p50 %.2f p99 %.2f",
                 panggilResult.readP50, panggilResult.readP99, nchanResult.readP50, nchanResult.readP99,
                 panggilResult.readP50 / nchanResult.readP50, panggilResult.readP99 / nchanResult.readP99))
    print(String(format: "   server CPU per event %.2f (panggil / nchan)", panggilResult.serverCPUPerEvent / nchanResult.serverCPUPerEvent))
    for (name, result) in [("panggil", panggilResult), ("nchan", nchanResult)] where result.unstamped > 0 {
        print("   \(name): \(result.unstamped) reads came without a kernel stamp and were timed when read")
    }
    fflush(nil)
}
