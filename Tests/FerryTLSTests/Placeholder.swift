import XCTest

final class FerryTLSTestsPlaceholder: XCTestCase {
    func testPlaceholder() {}
}
