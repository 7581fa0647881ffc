import FerryLoop
import Foundation
import XCTest

final class PipeTests: XCTestCase {
    /// A short socket path (sun_path holds about 100 bytes) unique to this test run.
    private func socketPath() -> String {
        "/tmp/ferry-loop-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
    }

    func testListenerSocketIsPrivateRoundTripsAndIsRemovedOnClose() throws {
        let loop = try Loop()
        let path = socketPath()
        let listener = try PipeListener(loop: loop)
        try listener.bind(path: path)
        var server: PipeStream?
        try listener.listen { stream in
            server = stream
            stream.startReading(onData: { stream.write($0) }, onClose: { _ in })
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeSocket)

        var client: PipeStream?
        PipeStream.connect(loop: loop, path: path) { result in
            client = try? result.get()
            XCTAssertNotNil(client, "\(result)")
        }
        spin(loop) { client != nil }
        var received: [UInt8] = []
        client?.startReading(onData: { received += $0 }, onClose: { _ in })
        let sent = patternBytes(count: 100_000, seed: 3)
        XCTAssertEqual(client?.write(sent), true)
        spin(loop) { received.count >= sent.count }
        XCTAssertEqual(received, sent)

        client?.close()
        spin(loop) { server?.isClosed == true }
        listener.close()
        finish(loop)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "closing the listener removes the socket")
    }

    func testConnectToAMissingSocketIsAnError() throws {
        let loop = try Loop()
        var result: Result<PipeStream, LoopError>?
        PipeStream.connect(loop: loop, path: socketPath()) { result = $0 }
        spin(loop) { result != nil }
        guard case .failure(let error)? = result else {
            return XCTFail("expected an error, got \(String(describing: result))")
        }
        XCTAssertEqual(error.name, "ENOENT")
        finish(loop)
    }

    func testBindingAnExistingSocketPathIsAddressInUse() throws {
        let loop = try Loop()
        let path = socketPath()
        let first = try PipeListener(loop: loop)
        try first.bind(path: path)
        let second = try PipeListener(loop: loop)
        XCTAssertThrowsError(try second.bind(path: path)) { error in
            XCTAssertEqual((error as? LoopError)?.code, LoopError.Code.addressInUse)
        }
        first.close()
        second.close()
        finish(loop)
    }

    func testOverlongPathIsRejectedNotTruncated() throws {
        let loop = try Loop()
        let listener = try PipeListener(loop: loop)
        let path = "/tmp/" + String(repeating: "x", count: 200)
        XCTAssertThrowsError(try listener.bind(path: path)) { error in
            XCTAssertEqual((error as? LoopError)?.name, "ENAMETOOLONG")
        }
        listener.close()
        finish(loop)
    }
}
