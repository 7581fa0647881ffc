import FerryControl
import FerryWire
import Foundation

/// A control line that is not a request: one sentence saying why, naming the field at fault.
struct BadControlRequest: Error {
    let text: String
}

/// Says what is wrong with a control line that does not decode as a `ControlRequest`, naming the
/// field (snake_case, as on the wire) and the value. Foundation's decoder names no field for a
/// number out of range (`"delay_ms":-1` is "not valid JSON"), so the field is found by decoding
/// the line again without each known field in turn: the one whose removal makes it decode.
enum ControlRequestProblem {
    static let notRequest = "not a JSON request; see docs/CONTROL.md"

    static func describe(_ error: Error, line: [UInt8]) -> String {
        if case .keyNotFound(let key, _) = error as? DecodingError {
            return "the request needs '\(snakeCase(key.stringValue))'; see docs/CONTROL.md"
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else { return notRequest }
        for (field, kind) in fields.sorted(by: { $0.key < $1.key }) {
            guard let value = object[field] else { continue }
            var rest = object
            rest[field] = nil
            guard let data = try? JSONSerialization.data(withJSONObject: rest) else { continue }
            let message = "'\(field)' must be \(kind), not \(shown(value)); see docs/CONTROL.md"
            do {
                _ = try ControlJSON.decode(ControlRequest.self, from: [UInt8](data))
                return message
            } catch DecodingError.keyNotFound(let key, _) where snakeCase(key.stringValue) == field {
                return message  // a required field (`op`) of the wrong type
            } catch {
                continue
            }
        }
        return notRequest
    }

    /// The request's fields by wire name, with what each takes, read off `ControlRequest` itself so
    /// a new field is covered without a change here.
    static let fields: [String: String] = Dictionary(
        Mirror(reflecting: ControlRequest(op: "")).children.compactMap { child in
            child.label.map { (snakeCase($0), kind(of: type(of: child.value))) }
        },
        uniquingKeysWith: { first, _ in first })

    private static func kind(of type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("UInt") { return "a whole number, 0 or more" }
        if name.contains("Int") { return "a whole number" }
        if name.contains("Double") { return "a number" }
        if name.contains("Bool") { return "true or false" }
        return "a string"
    }

    /// A value as the client sent it, short and with control characters escaped.
    private static func shown(_ value: Any) -> String {
        let text: String
        if let string = value as? String {
            text = "\"\(string)\""
        } else if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
            text = String(decoding: data, as: UTF8.self)
        } else {
            text = "\(value)"
        }
        return SafeText.escaped(text, maxScalars: 40)
    }

    /// `delayMs` → `delay_ms`: the wire's name for a Swift property.
    static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { text, character in
            if character.isUppercase { text += "_" + character.lowercased() } else { text.append(character) }
        }
    }
}
