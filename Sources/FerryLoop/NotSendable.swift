// Every FerryLoop type is confined to its loop's thread; libuv is not thread-safe. These
// unavailable conformances make that explicit and stop anyone from adding `Sendable` later
// (the pattern SwiftNIO uses for its loop-bound types).

@available(*, unavailable, message: "loop-confined: use only on the thread that runs the Loop")
extension Loop: Sendable {}

@available(*, unavailable, message: "loop-confined: use only on the thread that runs the Loop")
extension Timer: Sendable {}

@available(*, unavailable, message: "loop-confined: use only on the thread that runs the Loop")
extension Check: Sendable {}

@available(*, unavailable, message: "loop-confined: use only on the thread that runs the Loop")
extension Signal: Sendable {}

@available(*, unavailable, message: "loop-confined: use only on the thread that runs the Loop")
extension TCPListener: Sendable {}

@available(*, unavailable, message: "loop-confined: use only on the thread that runs the Loop")
extension PipeListener: Sendable {}

@available(*, unavailable, message: "loop-confined: use only on the thread that runs the Loop")
extension LoopStream: Sendable {}

@available(*, unavailable, message: "loop-confined: use only on the thread that runs the Loop")
extension UDPSocket: Sendable {}
