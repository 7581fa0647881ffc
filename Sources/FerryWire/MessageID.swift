/// A message's 16-byte random identifier, printed as 32 lowercase hex characters.
public struct MessageID: FixedBytesValue {
    public static let byteCount = 16
    public static let fieldName = "message id"

    public let bytes: [UInt8]

    public init(unchecked bytes: [UInt8]) { self.bytes = bytes }
}
