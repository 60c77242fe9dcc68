import PanggilCore

/// What a display asked to follow: `?zone=lantai-1`, `?services=A,B`, `?counters=3,4`, combined with AND.
/// A filter becomes a scope of counters and services; an event matches when it concerns that scope.
struct StreamFilter: Hashable, Sendable {
    /// Counters in scope, or nil for all.
    var counters: Set<Int>?
    /// Services in scope, or nil for all.
    var services: Set<String>?
    /// The zones of the counters in scope, or nil for all: broadcasts reach displays by zone.
    var zones: Set<String>?

    static let everything = StreamFilter(counters: nil, services: nil)

    /// Builds the scope from the request's parameters, refusing names the site does not know.
    init(zone: String?, services: String?, counters: String?, site: Site) throws {
        var counterScope: Set<Int>?
        var serviceScope: Set<String>?
        func narrow(counters: Set<Int>, services: Set<String>) {
            counterScope = counterScope.map { $0.intersection(counters) } ?? counters
            serviceScope = serviceScope.map { $0.intersection(services) } ?? services
        }
        if let zone {
            guard site.zone(zone) != nil else {
                throw APIError(.notFound, "unknown_zone", "Zona '\(zone)' tidak ada di situs ini.")
            }
            let inZone = site.counters.filter { $0.zone == zone }
            narrow(counters: Set(inZone.map(\.number)), services: Set(inZone.flatMap(\.services)))
        }
        if let services {
            let codes = Set(Self.list(services).map { $0.uppercased() })
            for code in codes where site.service(code) == nil {
                throw APIError(.notFound, "unknown_service", "Layanan '\(code)' tidak ada di situs ini.")
            }
            let serving = site.counters.filter { !codes.isDisjoint(with: $0.services) }
            narrow(counters: Set(serving.map(\.number)), services: codes)
        }
        if let counters {
            var numbers: Set<Int> = []
            for text in Self.list(counters) {
                guard let number = Int(text), let counter = site.counter(number) else {
                    throw APIError(.notFound, "unknown_counter", "Loket '\(text)' tidak ada di situs ini.")
                }
                numbers.insert(counter.number)
            }
            let served = site.counters.filter { numbers.contains($0.number) }.flatMap(\.services)
            narrow(counters: numbers, services: Set(served))
        }
        self.counters = counterScope
        self.services = serviceScope
        zones = counterScope.map { scope in Set(site.counters.filter { scope.contains($0.number) }.map(\.zone)) }
        if let zone { zones = (zones ?? [zone]).union([zone]) }
    }

    init(counters: Set<Int>?, services: Set<String>?, zones: Set<String>? = nil) {
        self.counters = counters
        self.services = services
        self.zones = zones
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func includes(counter: Int) -> Bool { counters?.contains(counter) ?? true }
    func includes(service: String) -> Bool { services?.contains(service) ?? true }

    func matches(_ event: QueueEvent) -> Bool {
        if let broadcast = event.broadcast {
            return broadcast.reaches(zones: zones)
        }
        if event.type == .counterChanged {
            return event.counter.map(includes(counter:)) ?? false
        }
        guard let ticket = event.ticket else { return false }
        let serviceInScope = includes(service: ticket.service) || event.fromService.map(includes(service:)) == true
        if let counter = event.counter {
            return includes(counter: counter) && serviceInScope
        }
        return serviceInScope
    }
}

import Foundation
