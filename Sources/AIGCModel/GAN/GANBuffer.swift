/// A flat, owned Float buffer with a stable address: parameters, gradients, optimizer moments and activations
/// live in these so kernels work on raw pointers without copy-on-write or exclusivity checks in the hot loop.
public final class GANBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int, value: Float = 0) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: value, count: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        for i in values.indices { pointer[i] = values[i] }
    }

    deinit { pointer.deallocate() }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public func copy(from other: GANBuffer) {
        precondition(other.count == count, "GANBuffer.copy: size mismatch")
        pointer.update(from: other.pointer, count: count)
    }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}
