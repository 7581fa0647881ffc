import XCTest

final class FerryLoopTestsPlaceholder: XCTestCase {
    func testPlaceholder() {}
}
