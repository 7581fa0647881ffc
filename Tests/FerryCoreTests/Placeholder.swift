import XCTest

final class FerryCoreTestsPlaceholder: XCTestCase {
    func testPlaceholder() {}
}
