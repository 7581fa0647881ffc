/// IP literals as the bytes an endpoint entry carries, parsed without Foundation (the core and the
/// wire module stay free of it): what links report as hosts, so peer exchange can tell them on.
public enum IPLiteralBytes {
    /// A dotted IPv4 literal (`198.18.0.2`) as 4 bytes; nil for anything else.
    public static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// An IPv6 literal without a scope (`2001:db8::5`, all eight groups, at most one `::`, a dotted
    /// IPv4 tail allowed) as 16 bytes; nil for anything else, a scoped `fe80::1%eth0` included.
    public static func ipv6(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 45, text.contains(":"), !text.contains("%") else { return nil }
        let scalars = Array(text.unicodeScalars)
        var gap: Int?
        for index in 0..<scalars.count - 1 where scalars[index] == ":" && scalars[index + 1] == ":" {
            guard gap == nil || gap == index - 1 else { return nil }  // a second `::` (or `:::`)
            if gap == nil { gap = index }
        }
        if let gap, gap + 2 < scalars.count, scalars[gap + 2] == ":" { return nil }
        let head: Substring, tail: Substring
        if let gap {
            let split = text.unicodeScalars.index(text.unicodeScalars.startIndex, offsetBy: gap)
            head = text[..<split]
            tail = text[text.unicodeScalars.index(split, offsetBy: 2)...]
        } else {
            head = Substring(text)
            tail = ""
        }
        guard let front = groups(head, lastMayBeIPv4: gap == nil), let back = groups(tail, lastMayBeIPv4: true) else { return nil }
        let count = front.count + back.count
        if gap == nil { guard count == 16 else { return nil } } else { guard count <= 14 else { return nil } }
        return front + [UInt8](repeating: 0, count: 16 - count) + back
    }

    /// Colon-separated hex groups as bytes (two per group, four for a dotted IPv4 last group).
    private static func groups(_ text: Substring, lastMayBeIPv4: Bool) -> [UInt8]? {
        if text.isEmpty { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, lastMayBeIPv4, part.contains(".") {
                guard let v4 = ipv4(part) else { return nil }
                bytes += v4
                continue
            }
            guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit), part.allSatisfy(\.isASCII),
                  let value = UInt16(part, radix: 16) else { return nil }
            bytes += [UInt8(value >> 8), UInt8(value & 0xff)]
        }
        return bytes
    }
}
