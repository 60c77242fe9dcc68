import Foundation
import Hummingbird

/// One open stream's queue, between the hub that fills it and the connection that drains it. Bounded:
/// a client that stops reading is cut off once `limit` bytes wait for it, and reconnects to resume,
/// instead of slowing anyone else or growing the server's memory.
final class Subscriber: @unchecked Sendable {
    let id: Int
    private let limit: Int
    /// Called once when the subscriber overflows: the connection must close, or a write already waiting
    /// on a client that does not read would hold it forever.
    private let cutOff: @Sendable () -> Void
    private let lock = NSLock()
    private var pending: [ByteBuffer] = []
    private var pendingBytes = 0
    private var waiter: CheckedContinuation<ByteBuffer?, Never>?
    private var closed = false

    init(id: Int, limit: Int, cutOff: @escaping @Sendable () -> Void) {
        self.id = id
        self.limit = limit
        self.cutOff = cutOff
    }

    /// Queues bytes for the client; false when the subscriber is closed or has just overflowed (and closed).
    @discardableResult
    func offer(_ buffer: ByteBuffer) -> Bool {
        lock.lock()
        if closed {
            lock.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: buffer)
            return true
        }
        if pendingBytes + buffer.readableBytes > limit {
            closed = true
            pending = []
            pendingBytes = 0
            lock.unlock()
            cutOff()
            return false
        }
        pending.append(buffer)
        pendingBytes += buffer.readableBytes
        lock.unlock()
        return true
    }

    /// Everything queued, as one buffer; waits when nothing is. Nil once the subscriber is closed.
    func next() async -> ByteBuffer? {
        await withCheckedContinuation { continuation in
            lock.lock()
            if !pending.isEmpty {
                var joined = pending[0]
                if pending.count > 1 {
                    joined.reserveCapacity(pendingBytes)
                    for buffer in pending.dropFirst() { joined.writeImmutableBuffer(buffer) }
                }
                pending = []
                pendingBytes = 0
                lock.unlock()
                continuation.resume(returning: joined)
            } else if closed {
                lock.unlock()
                continuation.resume(returning: nil)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }

    func close() {
        lock.lock()
        closed = true
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(returning: nil)
    }

    var isClosed: Bool { lock.withLock { closed } }
}
