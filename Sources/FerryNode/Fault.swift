import FerryWire

/// One `fault` control request (docs/CONTROL.md §Faults), decoded once at the edge: a node started
/// with `--testing` cuts, heals or impairs its links to one peer, or clears everything.
public enum Fault: Equatable, Sendable {
    /// Close every link to the peer at once and refuse links with it until `heal`.
    case cut(Address)
    /// Links with the peer are allowed again.
    case heal(Address)
    /// Delay (and hold back, with a probability) what this node writes to the peer. A nil field
    /// keeps the peer's current value (0 for a peer without one).
    case impair(Address, lossPercent: Double?, delayMilliseconds: UInt64?)
    /// Removes the peer's impairment (a cut stays).
    case clear(Address)
    /// Removes every cut and impairment.
    case clearAll

    /// The kinds, as the `fault` field names them.
    public static let kinds = ["cut", "heal", "impair", "clear", "clear_all"]

    /// Most `loss_percent` and `delay_ms`: all writes held back, and a minute.
    public static let lossPercentMax = 100.0
    public static let delayMillisecondsMax: UInt64 = 60_000

    /// Checks the request's fields; every mistake is a `FaultError` naming the field.
    public init(fault: String?, peer: String?, lossPercent: Double?, delayMilliseconds: UInt64?) throws(FaultError) {
        let kinds = Self.kinds.joined(separator: ", ")
        guard let fault else { throw FaultError("a fault request needs 'fault': one of \(kinds)") }
        guard Self.kinds.contains(fault) else {
            throw FaultError("unknown fault '\(SafeText.escaped(fault, maxScalars: 40))'; use one of \(kinds)")
        }
        if fault != "impair", lossPercent != nil || delayMilliseconds != nil {
            throw FaultError("only 'impair' takes 'loss_percent' and 'delay_ms'; '\(fault)' does not")
        }
        if fault == "clear_all" {
            guard peer == nil else { throw FaultError("'clear_all' clears every peer and takes no 'peer'") }
            self = .clearAll
            return
        }
        let address = try Self.address(peer, for: fault)
        switch fault {
        case "cut": self = .cut(address)
        case "heal": self = .heal(address)
        case "clear": self = .clear(address)
        default:
            try Self.checkImpairment(lossPercent: lossPercent, delayMilliseconds: delayMilliseconds)
            self = .impair(address, lossPercent: lossPercent, delayMilliseconds: delayMilliseconds)
        }
    }

    /// The peer the fault is about; nil for `clearAll`.
    public var peer: Address? {
        switch self {
        case .cut(let peer), .heal(let peer), .clear(let peer), .impair(let peer, _, _): return peer
        case .clearAll: return nil
        }
    }

    private static func address(_ text: String?, for fault: String) throws(FaultError) -> Address {
        let form = "the full 32-character hex address of a node or coordinator, as ferry status shows it"
        guard let text else { throw FaultError("'\(fault)' needs 'peer': \(form)") }
        guard let address = Address(text: text) else {
            throw FaultError("'peer' must be \(form), not '\(SafeText.escaped(text, maxScalars: 40))'")
        }
        return address
    }

    private static func checkImpairment(lossPercent: Double?, delayMilliseconds: UInt64?) throws(FaultError) {
        guard lossPercent != nil || delayMilliseconds != nil else {
            throw FaultError("'impair' needs 'loss_percent' (0 to 100), 'delay_ms' (0 to \(delayMillisecondsMax)), or both")
        }
        if let lossPercent, !(0...lossPercentMax).contains(lossPercent) {
            throw FaultError("'loss_percent' must be from 0 to 100, not \(lossPercent)")
        }
        if let delayMilliseconds, delayMilliseconds > delayMillisecondsMax {
            throw FaultError("'delay_ms' must be from 0 to \(delayMillisecondsMax) (a minute), not \(delayMilliseconds)")
        }
    }
}

/// Why a fault request was refused: one sentence for the `error` of the reply.
public struct FaultError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
