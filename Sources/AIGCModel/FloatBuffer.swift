import AIGCCore
import Foundation

/// A zero-initialised, 64-byte-aligned Float allocation owned by a class (so workers can share the pointer
/// without copy-on-write). The model uses one for parameters, one per shard for gradients, one per shard for
/// activations; the GAN for its parameters, gradients, optimizer moments and activations.
public final class FloatBuffer: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    private let fromCalloc: Bool
    /// The mapping `pointer` lies in, for buffers on huge pages.
    private let huge: HugePageMemory?

    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
        fromCalloc = false
        huge = nil
    }

    /// A zeroed buffer on transparent huge pages when it spans at least one (see `HugePageMemory`), for arrays that
    /// are read whole again and again (a model's parameters: every decode step streams all the weights).
    public convenience init(hugePagesCount count: Int) {
        if count * 4 >= HugePageMemory.hugePage, let m = HugePageMemory(bytes: count * 4) {
            self.init(memory: m, count: count)
        } else {
            self.init(count: count)
        }
    }

    private init(memory m: HugePageMemory, count: Int) {
        self.count = count
        pointer = m.raw.bindMemory(to: Float.self, capacity: count)  // zero: fresh anonymous pages
        fromCalloc = false
        huge = m
    }

    /// A zeroed buffer whose pages are only touched when first written (`calloc`: large blocks come from the
    /// kernel already zero). For big, mostly unused allocations such as a server's KV cache: a 300 MB cache
    /// costs nothing at start. 16-byte aligned rather than 64. Nil when the memory is not available.
    public init?(lazilyZeroed count: Int) {
        guard let raw = calloc(max(1, count), 4) else { return nil }
        self.count = count
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
        fromCalloc = true
        huge = nil
    }

    deinit {
        if huge != nil { return }  // the mapping goes with `huge`
        if fromCalloc { free(pointer) } else { pointer.deallocate() }
    }

    public func zero() { pointer.update(repeating: 0, count: count) }

    /// A buffer holding `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        for i in values.indices { pointer[i] = values[i] }
    }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "FloatBuffer.copy: size mismatch")
        pointer.update(from: other.pointer, count: count)
    }
}
