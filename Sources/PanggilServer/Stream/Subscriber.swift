import Foundation
import NIOCore

/// One open stream. While its opening (the snapshot, or the replay from the log) is being written, the
/// hub's events wait in a small bounded queue; after that the hub writes each event straight to the
/// connection on the connection's own event loop, in one batch per loop, with no task to wake per
/// stream. A client that stops reading is cut off instead of being buffered for (see `StreamSink`).
final class Subscriber: @unchecked Sendable {
    let id: Int
    let sink: any StreamSink
    private let limit: Int
    private let lock = NSLock()
    private var phase = Phase.opening([], 0)
    private var wasCutOff = false

    private enum Phase {
        case opening([Chunk], Int)
        case live
        case closed
    }

    /// What the hub should do with an event for this subscriber.
    enum Disposition {
        /// Write it now, on the subscriber's event loop.
        case write
        /// Held until the opening is written.
        case held
        /// The subscriber is gone (or has just overflowed while opening).
        case gone
    }

    init(id: Int, sink: any StreamSink, limit: Int) {
        self.id = id
        self.sink = sink
        self.limit = limit
    }

    var eventLoop: any EventLoop { sink.eventLoop }

    func accept(_ chunk: Chunk) -> Disposition {
        lock.lock()
        defer { lock.unlock() }
        switch phase {
        case .live:
            return .write
        case .closed:
            return .gone
        case .opening(var held, let size):
            guard size + chunk.body.readableBytes <= limit else {
                phase = .closed
                wasCutOff = true
                let sink = sink
                sink.eventLoop.execute { sink.finish() }
                return .gone
            }
            held.append(chunk)
            phase = .opening(held, size + chunk.body.readableBytes)
            return .held
        }
    }

    /// Called on the event loop once the opening has been written: what the hub held meanwhile goes
    /// out first, and from then on the hub writes directly. Scheduling under the lock keeps any event
    /// the hub writes directly from overtaking the held ones.
    func goLive() {
        lock.lock()
        defer { lock.unlock() }
        guard case .opening(let held, _) = phase else { return }
        phase = .live
        let sink = sink
        if !held.isEmpty { sink.eventLoop.execute { for chunk in held { sink.write(chunk) } } }
    }

    /// Ends the stream cleanly once everything already scheduled has been written.
    func close() {
        let wasOpen = lock.withLock {
            defer { phase = .closed }
            if case .closed = phase { return false }
            return true
        }
        guard wasOpen else { return }
        let sink = sink
        sink.eventLoop.execute { sink.finish() }
    }

    func markCutOff() {
        lock.withLock {
            wasCutOff = true
            phase = .closed
        }
    }

    var cutOff: Bool { lock.withLock { wasCutOff } }
}
