// Display latency benchmark (issue 5): `panggil serve` (release build) with the demo hall, and five
// display pages in headless Chromium following zone Lantai 1 (three `hall`, two `portrait`). Calls go
// through `POST /api/counters/N/call-next`, one every `--spacing-ms`, the counters in turn. Each page
// notes when its DOM shows each call (`PanggilDebug.shown`); measured from the call's commit (the
// event's `at`) and from sending the request, on the same machine's clock.
//
//   scripts/bench display [--calls 50] [--pages 5] [--spacing-ms 300] [--browsers]

import BenchSupport
import Foundation
import PanggilTesting
#if canImport(Glibc)
import Glibc
#endif

let calls = Int(option("--calls", "50"))!
let pageCount = Int(option("--pages", "5"))!
let spacing = Int(option("--spacing-ms", "300"))!
let port = Int(option("--port", "18400"))!
let panggilBinary = option("--panggil", ".build/release/panggil")
let work = URL(fileURLWithPath: option("--dir", "data/display-bench")).standardizedFileURL
func ms(_ value: Double) -> String { String(format: "%.1f ms", value) }
func wallMillis() -> Double { Date().timeIntervalSince1970 * 1000 }

try? FileManager.default.removeItem(at: work)
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)

let serverLog = work.appendingPathComponent("panggil.log")
let server = try startPanggilServe(binary: panggilBinary, arguments: [
    "--db", work.appendingPathComponent("bench.sqlite").path, "--host", "127.0.0.1", "--port", "\(port)", "--no-speakers",
], log: serverLog)
defer { server.terminate(); server.waitUntilExit() }
nonisolated(unsafe) var browser: Browser?

/// Stops what the benchmark started (a crash would leave the server holding the port) and exits.
func fail(_ message: String) -> Never {
    browser?.stop()
    server.terminate()
    server.waitUntilExit()
    FileHandle.standardError.write(Data("panggil-display-bench: \(message)\n".utf8))
    exit(1)
}

func http(_ method: String, _ path: String, _ body: String = "") -> (status: Int, response: String) {
    loopbackRequest(port: port, method: method, path: path, body: body)
}

var ready = false
for _ in 0..<300 {
    // A server already on the port (left by another run) would answer in place of ours.
    guard server.isRunning else { fail("panggil serve exited; is port \(port) taken? See \(serverLog.path)") }
    if http("GET", "/healthz").status == 200 { ready = true; break }
    usleep(50_000)
}
guard ready else { fail("panggil serve did not start; see \(serverLog.path)") }
signInAsAdmin(panggil: panggilBinary, storeArguments: ["--db", work.appendingPathComponent("bench.sqlite").path], port: port)

// The demo's Lantai 1: counters 1–9 serving A, B, C, D, E and S.
let counters = Array(1...9)
for service in ["A", "B", "C", "D", "E", "S"] {
    for _ in 0..<(calls / 3 + 5) { _ = http("POST", "/api/tickets", #"{"service": "\#(service)"}"#) }
}
for counter in counters { _ = http("POST", "/api/counters/\(counter)/open") }

let chromium = try await Browser.start()
browser = chromium
defer { chromium.stop() }
// By default the pages are windows of one Chromium; `--browsers` gives each its own Chromium (as
// five TVs would have, but here all on the same two cores).
let ownBrowsers = CommandLine.arguments.contains("--browsers")
var pages: [Page] = []
for index in 0..<pageCount {
    let portrait = index % 5 >= 3
    let (width, height) = portrait ? (1080, 1920) : (1920, 1080)
    let page = ownBrowsers || pages.isEmpty
        ? try await chromium.open(width: width, height: height)
        : try await pages[0].newWindow(width: width, height: height)
    try await page.go("http://127.0.0.1:\(port)" + (portrait ? "/layouts/portrait/?zone=lantai-1" : "/d/lobi"))
    guard try await page.wait(for: "document.querySelector('#connection').getAttribute('data-state') === 'online'",
                              timeout: .seconds(20)) else {
        let state = try await page.run("return [location.href, document.title, (document.querySelector('#fatal') || {}).textContent || '', String(window.PanggilDebug && window.PanggilDebug.status)];")
        fail("page \(index) did not come online: \(state ?? "?")")
    }
    pages.append(page)
}
try await Task.sleep(for: .seconds(2))

/// The ticket each counter holds, served and completed before the counter's next call.
var holding: [Int: Int] = [:]
var sent: [Double] = []
for index in 0..<calls {
    let counter = counters[index % counters.count]
    if let ticket = holding[counter] {
        _ = http("POST", "/api/tickets/\(ticket)/start")
        _ = http("POST", "/api/tickets/\(ticket)/complete")
    }
    let start = wallMillis()
    let (status, response) = http("POST", "/api/counters/\(counter)/call-next")
    guard status == 200, let body = response.range(of: "\r\n\r\n").map({ response[$0.upperBound...] }),
          let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], let id = json["id"] as? Int else {
        fail("call-next at counter \(counter) answered \(status): \(response)")
    }
    sent.append(start)
    holding[counter] = id
    try await Task.sleep(for: .milliseconds(spacing))
}
try await Task.sleep(for: .seconds(2))

// MARK: - Figures

var fromCommit: [Double] = []
var fromRequest: [Double] = []
var lastPage = [Double](repeating: 0, count: calls)
var missing = 0
for page in pages {
    let shown = try await page.run("return window.PanggilDebug.shown;") as? [[String: Any]] ?? []
    missing += max(0, calls - shown.count)
    for (index, entry) in shown.prefix(calls).enumerated() {
        guard let at = entry["at"] as? Double, let shownAt = entry["shownAt"] as? Double else { continue }
        fromCommit.append(shownAt - at)
        fromRequest.append(shownAt - sent[index])
        lastPage[index] = max(lastPage[index], shownAt - sent[index])
    }
}
for page in pages.reversed() { await page.close() }

func line(_ name: String, _ values: [Double]) {
    let sorted = values.sorted()
    print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) p50 \(ms(percentile(sorted, 50)))  p95 \(ms(percentile(sorted, 95)))  max \(ms(sorted.last ?? .nan))  (\(values.count) samples)")
}
print("Display latency — \(pageCount) pages in headless Chromium, \(ownBrowsers ? "each its own browser" : "windows of one browser") (\(pageCount - pageCount * 2 / 5) hall, \(pageCount * 2 / 5) portrait), \(calls) calls, one every \(spacing) ms")
line("call committed → page DOM shows it", fromCommit)
line("call-next request sent → page DOM shows it", fromRequest)
line("call-next sent → last of the pages shows it", lastPage)
print("calls missing on a page: \(missing)")
