import Hummingbird
import NIOCore
import PanggilCore

/// The context every Panggil request carries: who sent it, once their session cookie or bearer token
/// has been checked (`AccessMiddleware`).
public struct PanggilRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in user or device; nil for anonymous requests.
    public var principal: Principal?
    /// Set when the request carried a cookie or token that is not (or no longer) valid.
    var credentialsRejected = false
    /// The client's address, for sign-in throttling.
    let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies are a few small fields; anything larger is refused before it is read.
    public var maxUploadSize: Int { 16 * 1024 }

    /// Who an event this request causes is logged as.
    public var actor: EventActor { principal?.actor ?? .api }
}
