import AIGCCore
import Foundation

/// The keys and values of a set of sequence slots, `[L, slots, maxTime, C]` each, and every slot's length:
/// the state a `BatchedDecoder` continues. Several decoders may share one cache (the engine prefills prompts on
/// one thread while another decodes the running sequences), each slot being used by one decoder at a time: its
/// owner hands it over under a lock, which orders the writes before the reads. With `bf16` the keys and values are
/// stored as bfloat16 (half the bytes a decode step reads; `WeightPrecision.bf16`).
public final class KVCache: @unchecked Sendable {
    public let slots: Int
    public let layers: Int
    /// Longest sequence a slot holds (the block size).
    public let maxTime: Int
    public let width: Int
    /// Whether keys and values are stored as bf16 (read them through `kBF16`/`vBF16`), else fp32 (`k`, `v`).
    public let bf16: Bool
    /// On huge pages (see `HugePageMemory`): each decode step streams every running slot's rows.
    let kMemory: HugePageMemory, vMemory: HugePageMemory
    /// The fp32 keys and values (only when not `bf16`).
    let k: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
    /// Tokens cached per slot.
    let lengths: UnsafeMutablePointer<Int>

    /// Bytes of memory a cache of this size allocates.
    public static func memoryBytes(config c: GPTConfig, slots: Int) -> Int { 2 * c.nLayer * slots * c.blockSize * c.nEmbd * 4 }

    public init(config c: GPTConfig, slots: Int, bf16: Bool = false) throws {
        guard slots >= 1, slots <= 4096 else { throw AIGCError.usage("batch slots must be in 1...4096 (got \(slots))") }
        self.slots = slots
        layers = c.nLayer
        maxTime = c.blockSize
        width = c.nEmbd
        self.bf16 = bf16
        let elements = c.nLayer * slots * c.blockSize * c.nEmbd
        let count = bf16 ? (elements + 1) / 2 : elements
        // Large and mostly unused until the batch fills: lazily zeroed pages, so a server with room for 64
        // sequences starts as fast as one with room for 1; huge ones, as the steps stream them.
        guard let k = HugePageMemory(bytes: count * 4), let v = HugePageMemory(bytes: count * 4) else {
            throw AIGCError.usage("cannot allocate the KV cache for \(slots) sequences (\(Self.memoryBytes(config: c, slots: slots) >> 20) MiB)")
        }
        kMemory = k
        vMemory = v
        self.k = k.raw.bindMemory(to: Float.self, capacity: count)
        self.v = v.raw.bindMemory(to: Float.self, capacity: count)
        lengths = .allocate(capacity: slots)
        lengths.initialize(repeating: 0, count: slots)
    }

    deinit { lengths.deallocate() }

    /// The bf16 keys and values (only when `bf16`), same `[L, slots, maxTime, C]` layout.
    var kBF16: UnsafeMutablePointer<UInt16> { UnsafeMutableRawPointer(k).assumingMemoryBound(to: UInt16.self) }
    var vBF16: UnsafeMutablePointer<UInt16> { UnsafeMutableRawPointer(v).assumingMemoryBound(to: UInt16.self) }

    /// Tokens cached in slot `s`.
    public func length(slot s: Int) -> Int { lengths[s] }

    /// Forgets slot `s`'s cached tokens (the slot can take a new sequence).
    public func reset(slot s: Int) { lengths[s] = 0 }

    /// Copies slot `from`'s cache into slot `to` (n completions of one prompt share its prefill).
    public func copy(slot from: Int, to: Int) {
        let C = width, T = maxTime, len = lengths[from]
        for l in 0..<layers {
            let base = l * slots * T * C
            if bf16 {
                (kBF16 + base + to * T * C).update(from: kBF16 + base + from * T * C, count: len * C)
                (vBF16 + base + to * T * C).update(from: vBF16 + base + from * T * C, count: len * C)
            } else {
                (k + base + to * T * C).update(from: k + base + from * T * C, count: len * C)
                (v + base + to * T * C).update(from: v + base + from * T * C, count: len * C)
            }
        }
        lengths[to] = len
    }
}
