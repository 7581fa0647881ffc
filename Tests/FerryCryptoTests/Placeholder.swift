import XCTest

final class FerryCryptoTestsPlaceholder: XCTestCase {
    func testPlaceholder() {}
}
