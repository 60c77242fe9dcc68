import Hummingbird
import PanggilCore

/// The context every Panggil request carries. Access control adds the signed-in user or device here;
/// until then every change is recorded as made by `api`.
public struct PanggilRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Request bodies are a few small fields; anything larger is refused before it is read.
    public var maxUploadSize: Int { 16 * 1024 }

    public var actor: EventActor { .api }
}
