import Foundation
import Hummingbird
import Logging
import NIOCore
import PanggilCore

/// The pages the public sees, from the `display-layouts` folder: each layout at `/layouts/...`, a
/// display profile of the site file at `/d/{name}`, a ticket's phone page at `/t/{code}`, the setup
/// page at `/`, and the site's logo at `/site/logo`. Profiles are JSON at `/api/displays`.
struct DisplayPages: Sendable {
    let site: Site
    /// Nil when the server runs without the pages (an API-only install): they answer 404 then.
    let layouts: URL?
    let logo: URL?

    private let files = FileIO()

    func register(on router: Router<PanggilRequestContext>) {
        router.get("api/displays") { _, _ in
            try JSONResponse(site.displays.map { DisplayJSON($0, site: site) })
        }
        router.get("api/displays/{name}") { _, context in
            try JSONResponse(try profile(context.parameters.require("name")))
        }
        router.get("d/{name}") { _, context in
            let name = try context.parameters.require("name")
            guard let display = site.display(name) else {
                return notFoundPage(title: "Tampilan tidak ditemukan",
                                    text: "Tidak ada tampilan bernama “\(name)” di situs ini. Daftar tampilan ada di halaman awal.")
            }
            return try await page("\(display.layout.rawValue)/index.html", context: context)
        }
        router.get("t/{code}") { _, context in
            try await page("phone/index.html", context: context)
        }
        router.get("/") { _, context in
            try await page("index.html", context: context)
        }
        // The staff console, the ticket kiosk and the admin page: the pages are public, what they do
        // is not (their API calls need a session or a device token).
        for tool in ["staff", "kiosk", "admin"] {
            router.get(RouterPath(tool)) { _, context in
                try await page("\(tool)/index.html", context: context)
            }
        }
        router.get("admin/reports") { _, context in
            try await page("reports/index.html", context: context)
        }
        router.get("site/logo") { _, context in
            let file = logo ?? layouts?.appendingPathComponent("shared/logo.svg")
            guard let file, FileManager.default.fileExists(atPath: file.path) else {
                throw APIError(.notFound, "no_logo", "Logo situs tidak ada.")
            }
            let type = MediaType.getMediaType(forExtension: file.pathExtension.lowercased()) ?? .applicationBinary
            return Response(status: .ok, headers: [.contentType: type.description, .cacheControl: "no-cache"],
                            body: try await files.loadFile(path: file.path, context: context))
        }
    }

    /// `/layouts/hall/hall.css` and the like; revalidated on every load (`no-cache` with an ETag), so
    /// that TVs pick up a new version after an upgrade without anyone clearing their cache.
    var middleware: FileMiddleware<PanggilRequestContext, LocalFileSystem>? {
        // Its start-up notice ("Serving files from …") is not worth a line in every log.
        var quiet = Logger(label: "panggil.files")
        quiet.logLevel = .warning
        return layouts.map {
            FileMiddleware($0.path, urlBasePath: "/layouts", cacheControl: .init([(MediaType(type: .any), [.noCache])]),
                           searchForIndexHtml: true, logger: quiet)
        }
    }

    private func profile(_ name: String) throws -> DisplayJSON {
        guard let display = site.display(name) else {
            throw APIError(.notFound, "unknown_display", "Tampilan '\(name)' tidak ada di situs ini.")
        }
        return DisplayJSON(display, site: site)
    }

    private func page(_ relative: String, context: PanggilRequestContext) async throws -> Response {
        guard let file = layouts?.appendingPathComponent(relative), FileManager.default.fileExists(atPath: file.path) else {
            return notFoundPage(title: "Halaman tampilan tidak terpasang",
                                text: "Folder display-layouts tidak ditemukan oleh server (lihat opsi --layouts).")
        }
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                        body: try await files.loadFile(path: file.path, context: context))
    }

    /// A plain page rather than JSON: whoever sees it typed the address into a TV's browser.
    private func notFoundPage(title: String, text: String) -> Response {
        let html = """
            <!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>\(escapeHTML(title))</title>
            <style>body{font:28px/1.4 sans-serif;background:#111;color:#fff;margin:10vh 10vw}a{color:#9cf}</style></head>
            <body><h1>\(escapeHTML(title))</h1><p>\(escapeHTML(text))</p><p><a href="/">Daftar tampilan</a></p></body></html>
            """
        return Response(status: .notFound, headers: [.contentType: "text/html; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}

func escapeHTML(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}

/// A display profile as its page reads it, with the ready-made stream URL for its filters.
struct DisplayJSON: Codable, Equatable {
    var name: String
    var title: String?
    var layout: String
    var zone: String?
    var zoneName: String?
    var services: [String]?
    var counters: [Int]?
    var counter: Int?
    var theme: String
    var language: String
    var speaker: Bool
    var stream: String

    init(_ display: Display, site: Site) {
        name = display.name
        title = display.title
        layout = display.layout.rawValue
        zone = display.zone
        zoneName = display.zone.flatMap(site.zone)?.name
        services = display.services
        counters = display.counters
        counter = display.counter
        theme = display.theme.rawValue
        language = display.language
        speaker = display.speaker
        // The labels name the screen on the admin page's list of screens.
        let query = [display.streamFilters, "display=\(display.name)", "layout=\(display.layout.rawValue)"]
        stream = StreamServer.path + "?" + query.filter { !$0.isEmpty }.joined(separator: "&")
    }
}

extension Display {
    /// The profile's filters as its stream asks for them: `zone=z1`, `services=A,B`, `counters=3`.
    var streamFilters: String {
        var parts: [String] = []
        if let zone { parts.append("zone=\(zone)") }
        if let services { parts.append("services=\(services.joined(separator: ","))") }
        if let counters = counter.map({ [$0] }) ?? counters {
            parts.append("counters=\(counters.map(String.init).joined(separator: ","))")
        }
        return parts.joined(separator: "&")
    }
}
