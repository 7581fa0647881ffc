import XCTest

final class FerryWireTestsPlaceholder: XCTestCase {
    func testPlaceholder() {}
}
