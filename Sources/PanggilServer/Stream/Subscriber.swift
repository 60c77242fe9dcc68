import Foundation
import NIOCore

/// One open stream. Its state belongs to its connection's event loop: the hub hands each loop one task
/// per event with the loop's subscribers, and everything per subscriber happens there. Until the opening
/// (the snapshot, or the replay from the log) has been written, events are held in a small bounded queue;
/// after that each goes straight to the connection. A client that stops reading is cut off rather than
/// buffered for (see `StreamSink`).
final class Subscriber: @unchecked Sendable {
    // Event-loop state. What every event reads comes first: with thousands of streams each object an
    // event touches is a cache miss, and the way through the sink is a chain of three.
    /// Where events go straight to, once the opening has been written and while the connection takes
    /// them (`writeDirectly`); otherwise they go through the sink.
    private var direct: (any ChannelCore)?
    private var closed = false
    private var held: [Chunk]? = []
    private var heldBytes = 0
    let id: Int
    let sink: any StreamSink
    private let limit: Int
    // Read by the hub when the subscriber is removed.
    private let lock = NSLock()
    private var wasCutOff = false

    init(id: Int, sink: any StreamSink, limit: Int) {
        self.id = id
        self.sink = sink
        self.limit = limit
    }

    var eventLoop: any EventLoop { sink.eventLoop }

    /// On the event loop: the event goes out now, or waits for the opening, or (past the limit while
    /// waiting) cuts the client off.
    func deliver(_ chunk: Chunk) {
        if let direct {
            direct.writeFramed(chunk)
            return
        }
        guard !closed else { return }
        guard held != nil else {
            sink.write(chunk)
            return
        }
        guard heldBytes + chunk.body.readableBytes <= limit else {
            markCutOff()
            sink.finish()
            return
        }
        held!.append(chunk)
        heldBytes += chunk.body.readableBytes
    }

    /// On the event loop, once the opening has been written: what was held goes out first, and from
    /// then on events go straight out.
    func goLive() {
        guard let waiting = held else { return }
        held = nil
        heldBytes = 0
        for chunk in waiting where !closed { sink.write(chunk) }
    }

    /// On the event loop, once live: events are written to `socket` as they are, already framed (see
    /// `StreamChannelHandler.socket`); nil sends them through the sink again, which decides what to do
    /// with them (a connection that stopped taking them is cut off there).
    func writeDirectly(to socket: (any ChannelCore)?) {
        direct = closed || held != nil ? nil : socket
    }

    /// From anywhere: ends the stream cleanly after what is already scheduled.
    func close() {
        eventLoop.execute {
            guard !self.closed else { return }
            self.closed = true
            self.direct = nil
            self.sink.finish()
        }
    }

    /// On the event loop, when the connection cut the client off or closed.
    func markCutOff() {
        closed = true
        direct = nil
        lock.withLock { wasCutOff = true }
    }

    var cutOff: Bool { lock.withLock { wasCutOff } }
}
