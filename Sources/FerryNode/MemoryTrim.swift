import Foundation

/// Gives freed heap back to the system after links close. glibc keeps freed memory for reuse, so a
/// burst of links that each buffered a large frame would leave RSS high long after they are gone.
enum MemoryTrim {
    private nonisolated(unsafe) static var lastTrimMilliseconds: UInt64 = 0
    /// At most one trim per this interval; a trim walks the heap.
    static let intervalMilliseconds: UInt64 = 5_000

    /// Called on the loop thread when a link closes.
    static func afterLinkClosed(nowMilliseconds: UInt64) {
        guard nowMilliseconds >= lastTrimMilliseconds + intervalMilliseconds else { return }
        lastTrimMilliseconds = nowMilliseconds
        _ = glibcMallocTrim(0)
    }
}

/// glibc's `malloc_trim(3)`; its header (malloc.h) is not part of the Glibc module map.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
