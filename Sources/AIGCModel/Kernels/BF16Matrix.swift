import AIGCCore
import CKernels

/// A linear layer's weight matrix `[OC, C]` rounded to bfloat16 once, in the packed layout `Kernels.linearBF16`
/// reads (column blocks of 16, pairs of inputs interleaved, zero padding; see `ckernels_bf16.h`). A copy: it does
/// not follow later changes of the fp32 weights (serving only).
package final class BF16Matrix: @unchecked Sendable {
    package let C: Int
    package let OC: Int
    let storage: UnsafeMutablePointer<UInt16>
    let count: Int
    /// The memory `storage` lies in when the matrix does not own it (a model's matrices share one huge-page arena).
    private let arena: HugePageMemory?

    /// Packs `weight` (`[OC, C]` row-major, `torch.nn.Linear` layout).
    package init(weight: UnsafePointer<Float>, C: Int, OC: Int) {
        self.C = C
        self.OC = OC
        count = Self.packedCount(C: C, OC: OC)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 2, alignment: 64)
        storage = raw.bindMemory(to: UInt16.self, capacity: max(1, count))
        arena = nil
        ck_bf16_pack(storage, weight, Int32(C), Int32(OC))
    }

    /// Packs `weight` into `packedCount(C:OC:)` elements at `destination`, memory that `arena` owns (kept alive here).
    init(weight: UnsafePointer<Float>, C: Int, OC: Int, destination: UnsafeMutablePointer<UInt16>, arena: HugePageMemory) {
        self.C = C
        self.OC = OC
        count = Self.packedCount(C: C, OC: OC)
        storage = destination
        self.arena = arena
        ck_bf16_pack(storage, weight, Int32(C), Int32(OC))
    }

    deinit { if arena == nil { storage.deallocate() } }

    /// UInt16 elements of the packed copy of a `[OC, C]` matrix.
    static func packedCount(C: Int, OC: Int) -> Int { ck_bf16_packed_count(Int32(C), Int32(OC)) }

    /// Bytes the packed copy holds.
    package var bytes: Int { count * 2 }

    /// UInt16 elements of the activation scratch a `Kernels.linearBF16` call with `rows` rows of width `C` needs.
    package static func scratchCount(rows: Int, C: Int) -> Int { ck_bf16_scratch_count(Int32(rows), Int32(C)) }
}
