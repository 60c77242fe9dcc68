import Foundation
import Hummingbird
import PanggilCore

/// `GET /api/reports/daily?date=YYYY-MM-DD` and `GET /api/reports/monthly?month=YYYY-MM`, as JSON or,
/// with `.csv`, as a spreadsheet: per service, per agency and for the hall, computed from the log.
struct ReportsAPI: Sendable {
    let store: any QueueStore

    func register(on router: Router<PanggilRequestContext>) {
        router.get("api/reports/daily") { request, context in
            try JSONResponse(try await daily(request, context))
        }
        router.get("api/reports/daily.csv") { request, context in
            let report = try await daily(request, context)
            return csv(report, name: "laporan-harian-\(report.from)")
        }
        router.get("api/reports/monthly") { request, context in
            try JSONResponse(try await monthly(request, context))
        }
        router.get("api/reports/monthly.csv") { request, context in
            let report = try await monthly(request, context)
            return csv(report, name: "laporan-bulanan-\(report.from.prefix(7))")
        }
    }

    private func daily(_ request: Request, _ context: PanggilRequestContext) async throws -> ReportJSON {
        try authorize(context, .readReports, site: store.site)
        let today = store.today()
        var date = today
        if let text = request.uri.queryParameters["date"].map(String.init) {
            guard let parsed = LocalDate(iso: text) else {
                throw APIError.badRequest("invalid_date", "Tanggal '\(text)' tidak valid (tulis TTTT-BB-HH, mis. 2026-11-30).")
            }
            date = parsed
        }
        return try await report(days: [date], today: today)
    }

    private func monthly(_ request: Request, _ context: PanggilRequestContext) async throws -> ReportJSON {
        try authorize(context, .readReports, site: store.site)
        let today = store.today()
        var (year, month) = (today.year, today.month)
        if let text = request.uri.queryParameters["month"].map(String.init) {
            let parts = text.split(separator: "-")
            guard parts.count == 2, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m),
                  (2000...2999).contains(y) else {
                throw APIError.badRequest("invalid_month", "Bulan '\(text)' tidak valid (tulis TTTT-BB, mis. 2026-11).")
            }
            (year, month) = (y, m)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = store.site.timeZone
        let count = calendar.range(of: .day, in: .month, for: calendar.date(from: DateComponents(year: year, month: month, day: 1))!)!.count
        return try await report(days: (1...count).map { LocalDate(year: year, month: month, day: $0) }, today: today, byDay: true)
    }

    private func report(days: [LocalDate], today: LocalDate, byDay: Bool = false) async throws -> ReportJSON {
        // Zeros for days whose events were pruned would read as a day nobody came.
        let retainedSince = try await store.retainedSince()
        if let retainedSince, days.last! < retainedSince {
            throw APIError(.gone, "report_pruned", """
                Data sampai \(retainedSince.adding(days: -1)) sudah dihapus sesuai masa simpan situs \
                (retention_days: \(store.site.retentionDays)); laporan tersedia mulai \(retainedSince).
                """)
        }
        let events = try await store.events(from: days.first!, through: days.last!)
        let now = days.contains(today) ? store.clock.now() : nil
        let report = QueueReport(site: store.site, days: days, events: events, now: now,
                                 openAtStart: try await store.countersOpen(before: days.first!))
        var json = ReportJSON(report, site: store.site)
        if let retainedSince, days.first! < retainedSince { json.retainedSince = retainedSince.description }
        if byDay {
            // The month's trend: one line per day, from the same events.
            let perDay = Dictionary(grouping: events, by: \.day)
            json.days = days.map { day in
                let line = QueueReport(site: store.site, days: [day], events: perDay[day] ?? [], now: day == today ? now : nil).hall
                return ReportJSON.DayLine(date: day.description, issued: line.issued, served: line.served,
                                          waitMedianMinutes: ReportJSON.minutes(line.wait.median))
            }
        }
        return json
    }

    private func csv(_ report: ReportJSON, name: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(name).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.csv)))
    }
}

/// A report as the admin page and integrators read it; durations in minutes, one decimal.
struct ReportJSON: Encodable {
    struct Summary: Encodable {
        var count: Int
        var mean: Double?
        var median: Double?
        var p90: Double?

        init(_ summary: DurationSummary) {
            count = summary.count
            mean = ReportJSON.minutes(summary.mean)
            median = ReportJSON.minutes(summary.median)
            p90 = ReportJSON.minutes(summary.p90)
        }
    }

    struct Line: Encodable {
        var code: String?
        var id: String?
        var name: String
        var agency: String?
        var issued: Int
        var served: Int
        var noShow: Int
        var cancelled: Int
        var transferred: Int
        var waitMinutes: Summary
        var serviceMinutes: Summary
        var busiestHour: Int?
        var arrivalsByHour: [Int]

        init(_ line: ReportLine, code: String? = nil, id: String? = nil, name: String, agency: String? = nil) {
            self.code = code
            self.id = id
            self.name = name
            self.agency = agency
            issued = line.issued
            served = line.served
            noShow = line.noShow
            cancelled = line.cancelled
            transferred = line.transferred
            waitMinutes = Summary(line.wait)
            serviceMinutes = Summary(line.serviceTime)
            busiestHour = line.busiestHour
            arrivalsByHour = line.arrivalsByHour
        }
    }

    struct CounterLine: Encodable {
        var number: Int
        var name: String
        var openMinutes: Double
    }

    struct DayLine: Encodable {
        var date: String
        var issued: Int
        var served: Int
        var waitMedianMinutes: Double?
    }

    var site: String
    var from: String
    var through: String
    var hall: Line
    var agencies: [Line]
    var services: [Line]
    var counters: [CounterLine]
    var days: [DayLine]?
    /// Set when the period begins before the first day still in the log: the days before it count nothing.
    var retainedSince: String?

    init(_ report: QueueReport, site: Site) {
        self.site = site.name
        from = report.days.first!.description
        through = report.days.last!.description
        hall = Line(report.hall, name: "Semua layanan")
        agencies = site.agencies.map { Line(report.agency($0.id, in: site), id: $0.id, name: $0.name) }
        services = site.services.map { service in
            Line(report.services[service.code] ?? ReportLine(), code: service.code, name: service.name, agency: service.agency)
        }
        counters = site.counters.map { counter in
            CounterLine(number: counter.number, name: counter.name,
                        openMinutes: Self.minutes(report.counterOpenSeconds[counter.number] ?? 0) ?? 0)
        }
    }

    static func minutes(_ seconds: Double?) -> Double? {
        seconds.map { ($0 / 6).rounded() / 10 }
    }

    /// One row per service, then per agency, then the hall; Indonesian headers for the supervisor's
    /// spreadsheet, dots for decimals so that any program reads it.
    var csv: String {
        let header = ["jenis", "kode", "nama", "instansi", "diterbitkan", "dilayani", "tidak_hadir", "dibatalkan", "dialihkan",
                      "tunggu_rata2_menit", "tunggu_median_menit", "tunggu_p90_menit",
                      "layanan_rata2_menit", "layanan_median_menit", "layanan_p90_menit", "jam_tersibuk"]
        var rows = [header]
        func row(_ kind: String, _ line: Line) -> [String] {
            func number(_ value: Double?) -> String { value.map { String($0) } ?? "" }
            return [kind, line.code ?? line.id ?? "", line.name, line.agency ?? "", "\(line.issued)", "\(line.served)", "\(line.noShow)",
                    "\(line.cancelled)", "\(line.transferred)", number(line.waitMinutes.mean), number(line.waitMinutes.median),
                    number(line.waitMinutes.p90), number(line.serviceMinutes.mean), number(line.serviceMinutes.median),
                    number(line.serviceMinutes.p90), line.busiestHour.map { String(format: "%02d.00", $0) } ?? ""]
        }
        rows += services.map { row("layanan", $0) }
        rows += agencies.map { row("instansi", $0) }
        rows.append(row("total", hall))
        return rows.map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
