// Spoken-call latency benchmark (issue 4): `panggil serve` (release build) plays its calls through a
// private PulseAudio daemon with one null sink per zone; each zone's monitor is recorded with parecord.
// For each call: the time from sending `POST /api/counters/N/call-next` to the first non-silent sample
// arriving from the zone's monitor. Zones take turns so that each call starts on a quiet sink (a call
// lasts about 7 s; each zone gets one every zones × spacing) while the other zones may still be
// speaking, as on a busy day. Also: rendering time per announcement, in-process.
//
// Then emergencies (issue 7): while a call is being said in zone 1, an emergency for zone 1 is posted
// through the API; measured is the time from sending it to the alarm's first stretch arriving from the
// zone's monitor (the call cut off, the alarm in its place).
//
//   scripts/bench voice [--calls 30] [--zones 3] [--spacing-ms 3500] [--emergencies 8]

import BenchSupport
import Foundation
import PanggilCore
import PanggilSiteFile
import PanggilVoice
#if canImport(Glibc)
import Glibc
#endif

let calls = Int(option("--calls", "30"))!
let emergencies = Int(option("--emergencies", "8"))!
let zones = Int(option("--zones", "3"))!
let spacing = Int(option("--spacing-ms", "3500"))!
let port = Int(option("--port", "18300"))!
let panggilBinary = option("--panggil", ".build/release/panggil")
let audioDirectory = URL(fileURLWithPath: option("--audio", "audio"))
let work = URL(fileURLWithPath: option("--dir", "data/voice-bench")).standardizedFileURL
let sampleRate = 22_050
/// A recorded sample louder than this is sound; an idle null sink's monitor records exact zeros.
let threshold: Int16 = 64
func ms(_ value: Double) -> String { String(format: "%.1f ms", value) }

try? FileManager.default.removeItem(at: work)
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)

func run(_ tool: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text
}

// MARK: - The sound server

let sinks = (1...zones).map { "zona_\($0)" }
let pulseDirectory = work.appendingPathComponent("pulse")
try FileManager.default.createDirectory(at: pulseDirectory, withIntermediateDirectories: true)
let socket = pulseDirectory.appendingPathComponent("native").path
let pulseServer = "unix:\(socket)"
var pulseEnvironment = ProcessInfo.processInfo.environment
for (name, path) in ["HOME": "", "XDG_RUNTIME_DIR": "", "PULSE_RUNTIME_PATH": "run", "PULSE_STATE_PATH": "state"] {
    pulseEnvironment[name] = pulseDirectory.appendingPathComponent(path).path
}
// Daemonised: the daemon closes every descriptor it inherits, which a parent watching it would take
// for its exit.
_ = try run("pulseaudio", ["-n", "--daemonize=yes", "--exit-idle-time=-1", "--use-pid-file=no", "--system=no",
                           "--log-target=file:\(pulseDirectory.path)/pulseaudio.log",
                           "--load=module-native-protocol-unix socket=\(socket) auth-anonymous=1"]
                          + sinks.map { "--load=module-null-sink sink_name=\($0)" }, environment: pulseEnvironment)
var pulseVersion = ""
for _ in 0..<100 {
    let info = try run("pactl", ["--server=\(pulseServer)", "info"])
    if let line = info.split(separator: "\n").first(where: { $0.hasPrefix("Server Version:") }) {
        pulseVersion = String(line.dropFirst("Server Version:".count)).trimmingCharacters(in: .whitespaces)
        break
    }
    usleep(100_000)
}
guard !pulseVersion.isEmpty else { fatalError("the private PulseAudio daemon did not start; see \(pulseDirectory.path)/pulseaudio.log") }
defer { _ = try? run("pactl", ["--server=\(pulseServer)", "exit"]) }

/// One zone's monitor, recorded as it arrives: samples, and when each read arrived.
final class Monitor: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var samples: [Int16] = []
    private var reads: [(end: Int, at: UInt64)] = []

    init(sink: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["parecord", "--server=\(pulseServer)", "--device=\(sink).monitor", "--raw", "--format=s16le",
                             "--channels=1", "--rate=\(sampleRate)", "--latency-msec=5"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4_096)
            var carry: UInt8?
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                let now = monotonicNanos()
                guard count > 0 else { return }
                var bytes = Array(buffer[0..<count])
                if let first = carry { bytes.insert(first, at: 0); carry = nil }
                if bytes.count % 2 == 1 { carry = bytes.removeLast() }
                let decoded = stride(from: 0, to: bytes.count, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
                lock.withLock {
                    samples += decoded
                    reads.append((samples.count, now))
                }
            }
        }
    }

    var count: Int { lock.withLock { samples.count } }

    /// When the first sound at or after sample `start` arrived from the monitor. (A null sink's monitor
    /// sends nothing while no stream plays and then a burst, so the read's arrival is taken as it is,
    /// not corrected for the samples after the sound: a slight overestimate, never an underestimate.)
    func firstSound(from start: Int) -> UInt64? {
        lock.withLock {
            guard start < samples.count, let index = samples[start...].firstIndex(where: { abs(Int($0)) > Int(threshold) }),
                  let read = reads.first(where: { $0.end > index }) else { return nil }
            return read.at
        }
    }

    /// When the first 20 ms of the alarm's high tone at or after sample `start` arrived: a stretch as
    /// loud as the alarm whose zero crossings give 960 Hz, which neither speech nor the chime sustains.
    func firstAlarm(from start: Int) -> UInt64? {
        lock.withLock {
            let window = sampleRate / 50
            var index = start
            while index + window <= samples.count {
                let stretch = samples[index..<(index + window)]
                let crossings = zip(stretch, stretch.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
                let hertz = Double(crossings) / 2 * 50
                let loud = stretch.map { abs(Int($0)) }.max() ?? 0
                if abs(hertz - Alarm.high) < 60, loud > 15_000, let read = reads.first(where: { $0.end > index }) { return read.at }
                index += window / 4
            }
            return nil
        }
    }

    func stop() { process.terminate() }
}

// MARK: - The server

var site = """
    name: Bench
    enforce_hours: false
    zones:

    """
for (index, sink) in sinks.enumerated() { site += "  - {id: z\(index + 1), name: Lantai \(index + 1), sink: \(sink)}\n" }
site += """
    agencies: [{id: x, name: X}]
    services: [{code: A, name: Layanan A, agency: x}]
    counters:

    """
for number in 1...calls { site += "  - {number: \(number), zone: z\((number - 1) % zones + 1), services: [A]}\n" }
let siteFile = work.appendingPathComponent("bench.yaml")
try site.write(to: siteFile, atomically: true, encoding: .utf8)

let serverLog = work.appendingPathComponent("panggil.log")
let server = try startPanggilServe(binary: panggilBinary, arguments: [
    "--config", siteFile.path, "--db", work.appendingPathComponent("bench.sqlite").path, "--host", "127.0.0.1",
    "--port", "\(port)", "--pulse-server", pulseServer, "--audio", audioDirectory.path,
], log: serverLog)
defer { server.terminate(); server.waitUntilExit() }

func http(_ method: String, _ path: String, _ body: String = "") -> (status: Int, response: String) {
    loopbackRequest(port: port, method: method, path: path, body: body)
}

var ready = false
for _ in 0..<300 {
    let (status, body) = http("GET", "/healthz")
    if status == 200, body.contains(#""state":"connected""#) { ready = true; break }
    usleep(50_000)
}
guard ready else { fatalError("panggil serve did not start with its loudspeakers connected; see \(serverLog.path)") }
signInAsAdmin(panggil: panggilBinary, storeArguments: ["--config", siteFile.path, "--db", work.appendingPathComponent("bench.sqlite").path],
              port: port)
for _ in 0..<calls { _ = http("POST", "/api/tickets", #"{"service": "A"}"#) }
for number in 1...calls { _ = http("POST", "/api/counters/\(number)/open") }

// MARK: - Calls

let monitors = try sinks.map { try Monitor(sink: $0) }
// An idle null sink renders up to two seconds ahead, and a monitor that joins then hears nothing for
// as long; suspending and resuming each sink once starts it afresh at its streams' latency.
for sink in sinks {
    _ = try run("pactl", ["--server=\(pulseServer)", "suspend-sink", sink, "1"])
    _ = try run("pactl", ["--server=\(pulseServer)", "suspend-sink", sink, "0"])
}
usleep(500_000)
var latencies: [Double] = []
var requestTimes: [Double] = []
var unheard = 0
print("Spoken calls — \(ProcessInfo.processInfo.activeProcessorCount) cores; PulseAudio \(pulseVersion), \(zones) null sinks; \(calls) calls, one every \(spacing) ms, zones in turn")
for number in 1...calls {
    let monitor = monitors[(number - 1) % zones]
    let start = monitor.count
    let sent = monotonicNanos()
    let (status, _) = http("POST", "/api/counters/\(number)/call-next")
    requestTimes.append(Double(monotonicNanos() - sent) / 1e6)
    if status != 200 { print("   call-next \(number) answered \(status)") }
    var heard: UInt64?
    let deadline = sent + 2_000_000_000
    while heard == nil, monotonicNanos() < deadline {
        usleep(2_000)
        heard = monitor.firstSound(from: start)
    }
    if let heard { latencies.append(Double(Int64(heard) - Int64(sent)) / 1e6) } else { unheard += 1 }
    if CommandLine.arguments.contains("--verbose") { print("   call \(number): \(heard.map { ms(Double(Int64($0) - Int64(sent)) / 1e6) } ?? "not heard")") }
    usleep(UInt32(max(0, spacing * 1_000 - Int((monotonicNanos() - sent) / 1_000))))
}

// MARK: - Emergencies

var preemptions: [Double] = []
var missed = 0
/// The JSON object of a raw HTTP response (headers, a blank line, the body).
func json(_ response: String) -> [String: Any]? {
    guard let split = response.range(of: "\r\n\r\n") else { return nil }
    return try? JSONSerialization.jsonObject(with: Data(response[split.upperBound...].utf8)) as? [String: Any]
}
func jsonID(_ response: String) -> Int? { json(response)?["id"] as? Int }
// Counter 1 still holds its call from above: free it.
if let board = json(http("GET", "/api/board").response),
   let counters = board["counters"] as? [[String: Any]],
   let held = (counters.first { $0["number"] as? Int == 1 }?["ticket"] as? [String: Any])?["id"] as? Int {
    _ = http("POST", "/api/tickets/\(held)/no-show")
}
usleep(6_000_000)                                                         // the last calls end
for round in 1...max(emergencies, 1) where emergencies > 0 {
    // Counter 1 (zone 1) calls; its previous ticket is marked absent to free it.
    _ = http("POST", "/api/tickets", #"{"service": "A"}"#)
    let monitor = monitors[0]
    let start = monitor.count
    let (status, body) = http("POST", "/api/counters/1/call-next")
    guard status == 200, let ticket = jsonID(body) else { print("   call-next for emergency round \(round) answered \(status)"); continue }
    var playing: UInt64?
    let deadline = monotonicNanos() + 2_000_000_000
    while playing == nil, monotonicNanos() < deadline { usleep(2_000); playing = monitor.firstSound(from: start) }
    usleep(700_000)                                                       // well into the call
    let from = monitor.count
    let sent = monotonicNanos()
    let (posted, reply) = http("POST", "/api/broadcasts", #"{"kind": "emergency", "text": "Uji darurat.", "zones": ["z1"]}"#)
    var heard: UInt64?
    let until = sent + 3_000_000_000
    while heard == nil, monotonicNanos() < until { usleep(2_000); heard = monitor.firstAlarm(from: max(start, from - sampleRate / 10)) }
    if let heard { preemptions.append(Double(Int64(heard) - Int64(sent)) / 1e6) } else { missed += 1 }
    if CommandLine.arguments.contains("--verbose") { print("   emergency \(round): \(heard.map { ms(Double(Int64($0) - Int64(sent)) / 1e6) } ?? "not heard")") }
    if posted == 201, let id = jsonID(reply) { _ = http("DELETE", "/api/broadcasts/\(id)") }
    _ = http("POST", "/api/tickets/\(ticket)/no-show")
    usleep(7_000_000)                                                     // the cut call is said again, whole
}
monitors.forEach { $0.stop() }

// MARK: - Rendering, in-process

let parsed = try SiteFile.parse(site)
let voice = try await CallVoice(site: parsed, audio: audioDirectory, synthesizer: nil)
var renderTimes: [Double] = []
var lengths: [Double] = []
for number in 1...max(calls, 30) {
    let began = monotonicNanos()
    let rendered = try voice.render(ticket: TicketLabel(prefix: "A", number: number * 37 % 1000),
                                    counter: parsed.counters[(number - 1) % parsed.counters.count], recall: number % 5 == 0)
    renderTimes.append(Double(monotonicNanos() - began) / 1e6)
    lengths.append(rendered.pcm.seconds)
}

latencies.sort()
requestTimes.sort()
renderTimes.sort()

print("call-next sent → first sound on the zone's monitor (\(latencies.count) calls heard, \(unheard) not within 2 s):")
print("   p50 \(ms(percentile(latencies, 50)))   p95 \(ms(percentile(latencies, 95)))   max \(ms(latencies.last ?? .nan))   (target p95 ≤ 150 ms: \(percentile(latencies, 95) <= 150 && unheard == 0 ? "met" : "NOT met"))")
print("the call-next request itself (sent → answer): p50 \(ms(percentile(requestTimes, 50)))   p95 \(ms(percentile(requestTimes, 95)))")
if emergencies > 0 {
    preemptions.sort()
    print("emergency posted during a call → its alarm on the zone's monitor (\(preemptions.count) heard, \(missed) not within 3 s):")
    print("   p50 \(ms(percentile(preemptions, 50)))   max \(ms(preemptions.last ?? .nan))   (target ≤ 200 ms: \((preemptions.last ?? .infinity) <= 200 && missed == 0 ? "met" : "NOT met"))")
}
print(String(format: "rendering one announcement (chime + call, %.1f s of audio): p50 %.3f ms   p95 %.3f ms",
             lengths.reduce(0, +) / Double(lengths.count), percentile(renderTimes, 50), percentile(renderTimes, 95)))
