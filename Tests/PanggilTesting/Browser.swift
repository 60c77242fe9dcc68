import BenchSupport
import Foundation

/// A real headless Chromium driven through chromedriver (W3C WebDriver over HTTP), for tests and
/// benchmarks of the display pages. One `Browser` is one chromedriver; each `Page` is a Chromium of
/// its own with one window.
public final class Browser: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let driver: ChildProcess
    private let base: URL
    private let log: URL

    /// Starts chromedriver on a free loopback port and waits until it answers. One browser test runs
    /// at a time: several Chromiums at once would starve the other suites' timing on two cores.
    public static func start() async throws -> Browser {
        await Turns.shared.acquire()
        do {
            return try await launch()
        } catch {
            await Turns.shared.release()
            throw error
        }
    }

    private static func launch() async throws -> Browser {
        let executable = try PulseDaemon.executable("chromedriver")
        let port = try freePort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("chromedriver-\(port).log")
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = environment["HOME"] ?? "/tmp"
        let driver = try ChildProcess(executable, ["--port=\(port)", "--allowed-ips=127.0.0.1"],
                                      environment: environment, output: log.path, errors: log.path)
        let browser = Browser(driver: driver, base: URL(string: "http://127.0.0.1:\(port)")!, log: log)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let status = try? await browser.request("GET", "/status"),
               (status["value"] as? [String: Any])?["ready"] as? Bool == true {
                return browser
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        driver.terminate()
        throw Failure(description: "chromedriver did not start; see \(log.path)")
    }

    private init(driver: ChildProcess, base: URL, log: URL) {
        self.driver = driver
        self.base = base
        self.log = log
    }

    deinit { stop() }

    /// A new headless Chromium with a window of the given size. Sound plays without a touch unless
    /// `autoplay` is false (as on a real TV, where the page must ask for one).
    public func open(width: Int = 1920, height: Int = 1080, autoplay: Bool = true) async throws -> Page {
        var arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=\(width),\(height)", "--hide-scrollbars", "--no-first-run",
                         "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                         "--lang=id-ID"]
        if autoplay { arguments.append("--autoplay-policy=no-user-gesture-required") }
        var options: [String: Any] = ["args": arguments]
        if let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) {
            options["binary"] = binary
        }
        let reply = try await request("POST", "/session", [
            "capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]],
        ])
        guard let value = reply["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            throw Failure(description: "chromedriver refused a session: \(reply)")
        }
        let page = Page(browser: self, session: id)
        // --window-size sets the outer window; the page must get exactly the size asked for.
        try await page.resizeViewport(width: width, height: height)
        return page
    }

    private let stopped = NSLock()
    private var isStopped = false

    /// Ends chromedriver and its browsers and gives the next browser test its turn.
    public func stop() {
        let first = stopped.withLock { () -> Bool in
            defer { isStopped = true }
            return !isStopped
        }
        guard first else { return }
        driver.terminate(grace: 1)
        Task { await Turns.shared.release() }
    }

    /// Browser tests, one after another.
    actor Turns {
        static let shared = Turns()
        private var busy = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func acquire() async {
            guard busy else {
                busy = true
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
    }

    @discardableResult
    func request(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        // A plain socket on a thread of its own: Foundation's URLSession on Linux fails on chromedriver's
        // replies ("Failed writing header"), and a blocking call must not hold a concurrency thread.
        let payload = try body.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) } ?? ""
        let port = base.port ?? 0
        let data: Data = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try Self.exchange(port: port, method: method, path: path, body: payload) }) }.start()
        }
        let json = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
        if let value = json["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "webdriver \(method) \(path): \(error): \(value["message"] ?? "")")
        }
        return json
    }

    /// One request on a fresh connection; the reply's body, read to its `Content-Length` (chromedriver
    /// keeps connections open whatever the request says).
    private static func exchange(port: Int, method: String, path: String, body: String) throws -> Data {
        let fd = connectLoopback(port: port)
        guard fd >= 0 else { throw Failure(description: "webdriver \(method) \(path): cannot connect") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        var bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeMutableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "webdriver \(method) \(path): send failed") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var length: Int?
        var chunked = false
        while true {
            if let end = headerEnd {
                if let length, response.count - end >= length { return Data(response[end..<(end + length)]) }
                if chunked, response.suffix(5) == Array("0\r\n\r\n".utf8) {
                    return Data(StreamClient.dechunk(Array(response[end...])))
                }
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 {
                guard let end = headerEnd else { throw Failure(description: "webdriver \(method) \(path): no answer") }
                return Data(response[end...])
            }
            response += buffer[0..<count]
            if headerEnd == nil, let range = response.firstRange(of: Array("\r\n\r\n".utf8)) {
                headerEnd = range.upperBound
                let head = String(decoding: response[..<range.lowerBound], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") {
                    if line.hasPrefix("content-length:") { length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) }
                    if line.hasPrefix("transfer-encoding:") && line.contains("chunked") { chunked = true }
                }
            }
        }
    }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "no socket") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// One browser window showing one page.
public final class Page: @unchecked Sendable {
    private let browser: Browser
    private let session: String
    /// Several windows of one Chromium share a session, whose commands go to its current window.
    private let windows: Windows
    private let handle: String?

    final class Windows: @unchecked Sendable {
        let lock = NSLock()
        var current: String?
    }

    init(browser: Browser, session: String, windows: Windows = Windows(), handle: String? = nil) {
        self.browser = browser
        self.session = session
        self.windows = windows
        self.handle = handle
    }

    /// Another window of the same Chromium (cheaper than another browser: one browser and GPU
    /// process for all), with a viewport of the given size. Its pages run in the foreground.
    public func newWindow(width: Int, height: Int) async throws -> Page {
        if handle == nil {
            let current = try await browser.request("GET", "/session/\(session)/window")["value"] as? String
            windows.lock.withLock { windows.current = current }
        }
        let reply = try await browser.request("POST", "/session/\(session)/window/new", ["type": "window"])
        guard let id = (reply["value"] as? [String: Any])?["handle"] as? String else {
            throw Browser.Failure(description: "no new window: \(reply)")
        }
        let page = Page(browser: browser, session: session, windows: windows, handle: id)
        try await page.resizeViewport(width: width, height: height)
        return page
    }

    private func focus() async throws {
        guard let handle, windows.lock.withLock({ windows.current != handle }) else { return }
        try await browser.request("POST", "/session/\(session)/window", ["handle": handle])
        windows.lock.withLock { windows.current = handle }
    }

    public func go(_ url: String) async throws {
        try await focus()
        try await browser.request("POST", "/session/\(session)/url", ["url": url])
    }

    /// Runs `script` (a function body: `return …`) in the page and returns its JSON value.
    @discardableResult
    public func run(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await focus()
        let reply = try await browser.request("POST", "/session/\(session)/execute/sync", ["script": script, "args": arguments])
        let value = reply["value"]
        return value is NSNull ? nil : value
    }

    /// Polls a JavaScript condition (an expression) until it is true.
    public func wait(for condition: String, timeout: Duration = .seconds(5)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        repeat {
            if try await run("try { return !!(\(condition)); } catch (e) { return false; }") as? Bool == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        } while ContinuousClock.now < deadline
        return false
    }

    /// The trimmed text of the first element matching `selector`, or nil when there is none.
    public func text(_ selector: String) async throws -> String? {
        try await run("var e = document.querySelector(arguments[0]); return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null;",
                      [selector]) as? String
    }

    /// Whether the element is rendered and takes up space.
    public func isVisible(_ selector: String) async throws -> Bool {
        try await run("""
            var e = document.querySelector(arguments[0]);
            if (!e || e.hidden) return false;
            var s = getComputedStyle(e), r = e.getBoundingClientRect();
            return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
            """, [selector]) as? Bool ?? false
    }

    /// A real click (WebDriver's, as a finger or mouse would: it counts as a user gesture).
    public func click(_ selector: String) async throws {
        let element = try await find(selector)
        try await browser.request("POST", "/session/\(session)/element/\(element)/click", [:])
    }

    /// Two clicks as fast as a mouse's double click.
    public func doubleClick(_ selector: String) async throws {
        let element = try await find(selector)
        let click: [[String: Any]] = [["type": "pointerDown", "button": 0], ["type": "pointerUp", "button": 0]]
        try await browser.request("POST", "/session/\(session)/actions", ["actions": [[
            "type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"],
            "actions": [["type": "pointerMove", "duration": 0, "x": 0, "y": 0,
                         "origin": [Self.elementKey: element]]] + click + click,
        ]]])
    }

    /// Types into a field as a keyboard would.
    public func type(_ selector: String, _ text: String) async throws {
        let element = try await find(selector)
        try await browser.request("POST", "/session/\(session)/element/\(element)/value", ["text": text])
    }

    /// Presses one key: a character, or a WebDriver key code such as `Page.f1`.
    public func press(_ key: String) async throws {
        try await focus()
        try await browser.request("POST", "/session/\(session)/actions", ["actions": [[
            "type": "key", "id": "keyboard", "actions": [["type": "keyDown", "value": key], ["type": "keyUp", "value": key]],
        ]]])
    }

    public static let f1 = "\u{E031}"
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    private func find(_ selector: String) async throws -> String {
        try await focus()
        let found = try await browser.request("POST", "/session/\(session)/element", ["using": "css selector", "value": selector])
        guard let element = (found["value"] as? [String: Any])?[Self.elementKey] as? String else {
            throw Browser.Failure(description: "no element \(selector)")
        }
        return element
    }

    public func screenshot(to file: URL) async throws {
        try await focus()
        let reply = try await browser.request("GET", "/session/\(session)/screenshot")
        guard let base64 = reply["value"] as? String, let data = Data(base64Encoded: base64) else {
            throw Browser.Failure(description: "no screenshot")
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    func resizeViewport(width: Int, height: Int) async throws {
        for _ in 0..<3 {
            let inner = try await run("return [window.innerWidth, window.innerHeight];") as? [Int] ?? []
            guard inner.count == 2, inner != [width, height] else { return }
            let outer = try await run("return [window.outerWidth, window.outerHeight];") as? [Int] ?? [width, height]
            try await browser.request("POST", "/session/\(session)/window/rect", [
                "width": width + (outer[0] - inner[0]), "height": height + (outer[1] - inner[1]),
            ])
        }
    }

    public func close() async {
        if handle != nil {
            try? await focus()
            _ = try? await browser.request("DELETE", "/session/\(session)/window")
            windows.lock.withLock { windows.current = nil }
            return
        }
        _ = try? await browser.request("DELETE", "/session/\(session)")
    }
}

/// Where the test run keeps screenshots: `.build/screenshots`, beside the build products, not committed.
public enum Screenshots {
    public static var directory: URL {
        Fixtures.audioDirectory.deletingLastPathComponent().appendingPathComponent(".build/screenshots")
    }
}

/// Reads the QR code in an image file with zbarimg (Debian zbar-tools); empty when there is none.
public func decodeQRCode(in image: URL) async throws -> String {
    let read = try await runToEnd(URL(fileURLWithPath: "/usr/bin/zbarimg"), ["--quiet", "--raw", image.path])
    return read.stdout.trimmingCharacters(in: .newlines)
}
