import Foundation
import Hummingbird
import PanggilCore

/// `GET /api/screens`: the screens following the stream now and those gone in the last day, with when
/// each was last seen, then the site's display profiles no screen has opened since the server started
/// (a TV that did not come back after a restart), and how many phones follow a ticket. For admins and
/// supervisors: addresses and browsers say where the TVs are.
struct ScreensAPI: Sendable {
    let board: LiveBoard

    struct ScreenJSON: Encodable, Sendable {
        var display: String?
        var layout: String?
        var scope: String
        /// Absent for a profile no screen has opened since the server started.
        var address: String?
        var userAgent: String?
        var connectedAt: String?
        var lastSeen: String?
        var connected: Bool
    }

    struct ListJSON: Encodable, Sendable {
        var screens: [ScreenJSON]
        var phones: Int
    }

    func register(on router: Router<PanggilRequestContext>) {
        let site = board.store.site
        let time = Timestamps(timeZone: site.timeZone)
        router.get("api/screens") { _, context in
            try authorize(context, .watchScreens, site: site)
            let (screens, phones) = board.screens.list(now: board.store.clock.now())
            var list = screens.map { screen in
                ScreenJSON(display: screen.display, layout: screen.layout, scope: screen.scope, address: screen.address,
                           userAgent: screen.userAgent, connectedAt: time(screen.connectedAt), lastSeen: time(screen.lastSeen),
                           connected: screen.connected)
            }
            let seen = Set(screens.compactMap(\.display))
            for profile in site.displays where !seen.contains(profile.name) {
                list.append(ScreenJSON(display: profile.name, layout: profile.layout.rawValue, scope: profile.streamFilters,
                                       connected: false))
            }
            return try JSONResponse(ListJSON(screens: list, phones: phones))
        }
    }
}
