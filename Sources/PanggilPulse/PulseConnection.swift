import CPulse
import Logging
import PanggilVoice

/// The connection behind `PulseOutput`: a context on libpulse's threaded main loop, reconnected with a
/// fresh context after every failure, and the playbacks on it.
///
/// libpulse's callbacks point at this object, not at `PulseOutput`, so that the last release of a
/// `PulseOutput` (which stops the loop's thread and waits for it) can never happen on that thread, in a
/// callback: a connection is held only by its output (and calls in progress, which hold the output too),
/// and the output lets go of it only after the thread has stopped.
///
/// Every piece of mutable state, here and in `Playback`, is touched either on the main loop's thread
/// (libpulse's callbacks, which run with the loop's lock held) or by another thread holding that lock;
/// that lock is what makes the class `Sendable`.
final class PulseConnection: @unchecked Sendable {
    /// The first pause after a failed attempt; it doubles after each further failure up to `longestRetryDelay`.
    static let firstRetryDelay: Duration = .milliseconds(250)
    static let longestRetryDelay: Duration = .seconds(5)

    private let server: String?
    private let targetLatency: Duration
    private let logger: Logger
    private let mainloop: OpaquePointer

    // Guarded by the main loop's lock.
    private var lifecycle = Lifecycle.idle
    private var context: OpaquePointer?
    private var reconnectTimer: OpaquePointer?
    private var retryDelay = PulseConnection.firstRetryDelay
    private var currentStatus = AudioStatus.connecting(reason: "belum dimulai")
    /// Whether the current outage has had its warning; reset on connecting, so an outage warns once.
    private var outageReported = false
    private var hasConnected = false
    private var connectionWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiterID = 0

    private enum Lifecycle { case idle, running, shutDown }

    init(server: String?, targetLatency: Duration, logger: Logger) {
        self.server = server
        self.targetLatency = targetLatency
        var logger = logger
        logger[metadataKey: "pulse.server"] = "\(server ?? "default")"
        self.logger = logger
        // Fails only when the process cannot get memory or a pipe, at which point nothing else works either.
        guard let mainloop = pa_threaded_mainloop_new() else { fatalError("libpulse could not create its main loop") }
        self.mainloop = mainloop
        pa_threaded_mainloop_set_name(mainloop, "panggil-pulse")
    }

    deinit {
        shutdown()
        pa_threaded_mainloop_free(mainloop)
    }

    func start() {
        let started = withLoopLock { () -> Bool in
            guard lifecycle == .idle else { return false }
            lifecycle = .running
            return true
        }
        guard started else { return }
        guard pa_threaded_mainloop_start(mainloop) >= 0 else {
            withLoopLock { connectionFailed("utas libpulse tidak dapat dimulai", retry: false) }
            return
        }
        withLoopLock { connect() }
    }

    func shutdown() {
        let wasRunning = withLoopLock { () -> Bool in
            guard lifecycle != .shutDown else { return false }
            let wasRunning = lifecycle == .running
            lifecycle = .shutDown
            cancelReconnect()
            dropContext()
            currentStatus = .connecting(reason: "dihentikan")
            resumeConnectionWaiters()
            return wasRunning
        }
        if wasRunning { pa_threaded_mainloop_stop(mainloop) }
    }

    var status: AudioStatus {
        withLoopLock { currentStatus }
    }

    func waitUntilConnected() async {
        let id = withLoopLock { () -> Int in
            nextWaiterID += 1
            return nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                withLoopLock {
                    // Checked under the lock that `onCancel` takes too, so a cancellation between
                    // entering the handler and registering here is not missed.
                    if currentStatus.isConnected || lifecycle == .shutDown || Task.isCancelled {
                        continuation.resume()
                    } else {
                        connectionWaiters[id] = continuation
                    }
                }
            }
        } onCancel: {
            withLoopLock { connectionWaiters.removeValue(forKey: id)?.resume() }
        }
    }

    func play(_ pcm: PCM, sink: String?, volume: Double) async throws {
        try Task.checkCancellation()
        guard !pcm.samples.isEmpty else { return }
        let playback = Playback(pcm: pcm, sink: sink, volume: volume, targetLatency: targetLatency)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                withLoopLock {
                    // See `waitUntilConnected` on why cancellation is checked under the lock.
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else if let context, pa_context_get_state(context) == PA_CONTEXT_READY {
                        playback.start(on: context, continuation: continuation)
                    } else {
                        continuation.resume(throwing: AudioOutputError.disconnected(statusReason))
                    }
                }
            }
        } onCancel: {
            withLoopLock { playback.cancel() }
        }
    }

    // MARK: - Connection (all under the main loop's lock or on its thread)

    private var statusReason: String {
        if case .connecting(let reason) = currentStatus { return reason }
        return "tersambung"
    }

    /// Each attempt uses a fresh context: a context that has failed cannot be connected again.
    private func connect() {
        guard lifecycle == .running else { return }
        guard let context = pa_context_new(pa_threaded_mainloop_get_api(mainloop), "Panggil") else {
            connectionFailed("libpulse tidak dapat membuat konteks", retry: true)
            return
        }
        self.context = context
        pa_context_set_state_callback(context, { context, userdata in
            guard let context, let userdata else { return }
            Unmanaged<PulseConnection>.fromOpaque(userdata).takeUnretainedValue().contextStateChanged(context)
        }, Unmanaged.passUnretained(self).toOpaque())
        // No autospawn: a daemon started behind the service manager's back, as root, would be worse
        // than no sound; the retries pick up the real one when it comes.
        if pa_context_connect(context, server, PA_CONTEXT_NOAUTOSPAWN, nil) < 0, self.context == context {
            // Some failures are reported only by the return value, others also through the state
            // callback, which has then already cleared `self.context` and scheduled the next attempt.
            let reason = errorText(pa_context_errno(context))
            dropContext()
            connectionFailed(reason, retry: true)
        }
    }

    private func contextStateChanged(_ context: OpaquePointer) {
        guard context == self.context else { return }
        switch pa_context_get_state(context) {
        case PA_CONTEXT_READY:
            retryDelay = Self.firstRetryDelay
            currentStatus = .connected
            let server = pa_context_get_server(context).map { String(cString: $0) } ?? "?"
            if outageReported {
                logger.notice("PulseAudio tersambung lagi", metadata: ["pulse.connected": "\(server)"])
            } else {
                logger.info("PulseAudio tersambung", metadata: ["pulse.connected": "\(server)"])
            }
            outageReported = false
            hasConnected = true
            resumeConnectionWaiters()
        case PA_CONTEXT_FAILED, PA_CONTEXT_TERMINATED:
            let reason = errorText(pa_context_errno(context))
            dropContext()
            connectionFailed(reason, retry: true)
        default:
            break
        }
    }

    private func connectionFailed(_ reason: String, retry: Bool) {
        currentStatus = .connecting(reason: reason)
        if outageReported {
            logger.debug("PulseAudio masih tidak tersedia", metadata: [
                "reason": "\(reason)", "retry_in": "\(retryDelay)",
            ])
        } else {
            outageReported = true
            let what = hasConnected ? "PulseAudio terputus" : "PulseAudio tidak tersedia"
            logger.warning("\(what) (\(reason)); server tetap berjalan dan mencoba lagi")
        }
        if retry { scheduleReconnect() }
    }

    private func scheduleReconnect() {
        guard lifecycle == .running, reconnectTimer == nil else { return }
        let api = pa_threaded_mainloop_get_api(mainloop)!
        // A wall-clock time, but the loop converts it to its monotonic clock at once: a later change
        // of the system time does not move the retry.
        var when = timeval()
        pa_timeval_add(pa_gettimeofday(&when), pa_usec_t(microseconds(retryDelay)))
        reconnectTimer = api.pointee.time_new(api, &when, { _, _, _, userdata in
            guard let userdata else { return }
            Unmanaged<PulseConnection>.fromOpaque(userdata).takeUnretainedValue().reconnectTimerFired()
        }, Unmanaged.passUnretained(self).toOpaque())
        retryDelay = min(retryDelay * 2, Self.longestRetryDelay)
    }

    private func reconnectTimerFired() {
        cancelReconnect()
        connect()
    }

    private func cancelReconnect() {
        guard let reconnectTimer else { return }
        let api = pa_threaded_mainloop_get_api(mainloop)!
        api.pointee.time_free(reconnectTimer)
        self.reconnectTimer = nil
    }

    /// Forgets the context. Disconnecting a live one ends its streams, whose `play` calls then throw.
    private func dropContext() {
        guard let context else { return }
        self.context = nil
        pa_context_set_state_callback(context, nil, nil)
        pa_context_disconnect(context)
        pa_context_unref(context)
    }

    private func resumeConnectionWaiters() {
        let waiters = connectionWaiters.values
        connectionWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Runs `body` holding the main loop's lock, or directly on the loop's own thread, which already
    /// holds it while it runs callbacks (and would deadlock waiting for itself).
    private func withLoopLock<T>(_ body: () throws -> T) rethrows -> T {
        if pa_threaded_mainloop_in_thread(mainloop) != 0 { return try body() }
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        return try body()
    }
}

func errorText(_ code: Int32) -> String {
    pa_strerror(code).map { String(cString: $0) } ?? "kesalahan PulseAudio \(code)"
}

func microseconds(_ duration: Duration) -> UInt64 {
    let (seconds, attoseconds) = duration.components
    return UInt64(max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
}
