import CPulse
import PanggilVoice

/// One `play` call: a playback stream from its creation until it has drained, failed or been cancelled.
///
/// Touched only on the main loop's thread or under its lock (see `PulseConnection`). The stream's callbacks
/// hold a retained reference to the playback, released in `finish`, so it outlives every callback that
/// can still reach it.
final class Playback: @unchecked Sendable {
    private let samples: [Int16]
    private let sampleRate: Int
    private let sink: String?
    private let volume: Double
    private let targetLatency: Duration

    private var stream: OpaquePointer?
    private var drainOperation: OpaquePointer?
    private var continuation: CheckedContinuation<Void, any Error>?
    /// Bytes of `samples` handed to the server so far.
    private var written = 0

    init(pcm: PCM, sink: String?, volume: Double, targetLatency: Duration) {
        samples = pcm.samples
        sampleRate = pcm.sampleRate
        self.sink = sink
        self.volume = volume
        self.targetLatency = targetLatency
    }

    func start(on context: OpaquePointer, continuation: CheckedContinuation<Void, any Error>) {
        self.continuation = continuation
        var spec = pa_sample_spec(format: PA_SAMPLE_S16LE, rate: UInt32(clamping: sampleRate), channels: 1)
        guard pa_sample_spec_valid(&spec) != 0 else {
            finish(.failure(AudioOutputError.failed("laju sampel \(sampleRate) Hz tidak didukung")))
            return
        }
        let properties = pa_proplist_new()
        defer { pa_proplist_free(properties) }
        // The role lets module-role-ducking lower music under the announcement and lets the sound
        // server's policy route it.
        pa_proplist_sets(properties, PA_PROP_MEDIA_ROLE, "announcement")
        pa_proplist_sets(properties, PA_PROP_MEDIA_NAME, "Pengumuman antrean")
        guard let stream = pa_stream_new_with_proplist(context, "Pengumuman antrean", &spec, nil, properties) else {
            finish(.failure(AudioOutputError.failed(errorText(pa_context_errno(context)))))
            return
        }
        self.stream = stream
        let userdata = Unmanaged.passRetained(self).toOpaque()
        pa_stream_set_state_callback(stream, { _, userdata in
            guard let userdata else { return }
            Unmanaged<Playback>.fromOpaque(userdata).takeUnretainedValue().stateChanged()
        }, userdata)
        pa_stream_set_write_callback(stream, { _, requested, userdata in
            guard let userdata else { return }
            Unmanaged<Playback>.fromOpaque(userdata).takeUnretainedValue().write(upTo: requested)
        }, userdata)

        // Only the target length is ours: with the server's defaults (about 2 s of buffer) an
        // announcement would start late and a cancelled one would go on sounding; -1 leaves the rest
        // to the server, which with ADJUST_LATENCY also lowers the sink's own latency to match.
        var attributes = pa_buffer_attr(
            maxlength: UInt32.max,
            tlength: UInt32(clamping: pa_usec_to_bytes(microseconds(targetLatency), &spec)),
            prebuf: UInt32.max, minreq: UInt32.max, fragsize: UInt32.max)
        var channelVolume = pa_cvolume()
        pa_cvolume_set(&channelVolume, 1, pa_sw_volume_from_linear(volume.isNaN ? 1 : min(max(volume, 0), 1)))
        if pa_stream_connect_playback(stream, sink, &attributes, PA_STREAM_ADJUST_LATENCY, &channelVolume, nil) < 0 {
            finish(.failure(streamError()))
        }
    }

    /// Silences the stream at once: disconnecting drops what the server still holds of it.
    func cancel() {
        finish(.failure(CancellationError()))
    }

    private func stateChanged() {
        guard let stream else { return }
        switch pa_stream_get_state(stream) {
        case PA_STREAM_FAILED:
            finish(.failure(streamError()))
        case PA_STREAM_TERMINATED:
            // Only the context ending (our shutdown) terminates a stream we did not disconnect.
            finish(.failure(AudioOutputError.disconnected("koneksi ditutup")))
        default:
            break
        }
    }

    /// Writes ahead of what the server asks for, up to a megabyte (about 24 s) at a time: the whole call
    /// is in memory anyway, and a buffer far ahead means a busy machine that answers a write request
    /// late cannot put a gap into a call. Starting and cutting off stay as quick, since playback starts
    /// at the target length and disconnecting drops whatever the server holds.
    private func write(upTo requested: Int) {
        guard let stream, drainOperation == nil else { return }
        let total = samples.count * MemoryLayout<Int16>.size
        let count = min(max(requested, 1 << 20), total - written)
        if count > 0 {
            let result = samples.withUnsafeBytes { bytes in
                // A nil free callback makes libpulse copy the bytes, so `samples` need not outlive the call.
                pa_stream_write(stream, bytes.baseAddress! + written, count, nil, 0, PA_SEEK_RELATIVE)
            }
            guard result >= 0 else {
                finish(.failure(streamError()))
                return
            }
            written += count
        }
        if written == total {
            drainOperation = pa_stream_drain(stream, { _, success, userdata in
                guard let userdata else { return }
                Unmanaged<Playback>.fromOpaque(userdata).takeUnretainedValue().drained(success: success != 0)
            }, Unmanaged.passUnretained(self).toOpaque())
            if drainOperation == nil { finish(.failure(streamError())) }
        }
    }

    private func drained(success: Bool) {
        if let drainOperation {
            pa_operation_unref(drainOperation)
            self.drainOperation = nil
        }
        finish(success ? .success(()) : .failure(streamError()))
    }

    private func streamError() -> AudioOutputError {
        guard let stream, let context = pa_stream_get_context(stream) else { return .disconnected("tidak ada koneksi") }
        let code = pa_context_errno(context)
        if pa_context_get_state(context) != PA_CONTEXT_READY {
            return .disconnected(errorText(code))
        }
        if code == Int32(PA_ERR_NOENTITY.rawValue) {
            return .unknownSink(sink ?? "@DEFAULT_SINK@")
        }
        return .failed(errorText(code))
    }

    /// Ends the playback once: releases the stream and the callbacks' reference, then resumes `play`.
    private func finish(_ result: Result<Void, any Error>) {
        guard let continuation else { return }
        self.continuation = nil
        if let drainOperation {
            // Cancelling keeps libpulse from calling back into a playback that may be gone by then.
            pa_operation_cancel(drainOperation)
            pa_operation_unref(drainOperation)
            self.drainOperation = nil
        }
        if let stream {
            self.stream = nil
            pa_stream_set_state_callback(stream, nil, nil)
            pa_stream_set_write_callback(stream, nil, nil)
            if PA_STREAM_IS_GOOD(pa_stream_get_state(stream)) != 0 { pa_stream_disconnect(stream) }
            pa_stream_unref(stream)
            Unmanaged.passUnretained(self).release()
        }
        continuation.resume(with: result)
    }
}
