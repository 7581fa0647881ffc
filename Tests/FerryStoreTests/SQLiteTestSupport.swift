import FerryStore
import Foundation
import XCTest

/// `bytes` as an SQL blob literal, for tests that write rows by hand.
func sqlBlob(_ bytes: [UInt8]) -> String {
    "x'" + bytes.map { String(format: "%02x", $0) }.joined() + "'"
}

func assertCorrupt(_ error: Error, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard case .corrupt? = error as? StoreError else {
        return XCTFail("expected StoreError.corrupt, got \(error) \(message)", file: file, line: line)
    }
}
