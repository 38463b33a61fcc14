import AIGCCore

/// Typed views of raw little-endian tensor bytes, shared by the safetensors and .npy readers. Loads are
/// unaligned-safe (file data has no alignment guarantee) and conversions that could lose information fail.
package enum TensorConversion {
    /// IEEE half → Float.
    @inlinable
    package static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exp = Int((h >> 10) & 0x1f)
        let mant = UInt32(h & 0x3ff)
        if exp == 0 {
            // Zero or subnormal: mant × 2^-24.
            let v = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -v : v
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7f80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (mant << 13))
    }

    /// Float → IEEE half, round to nearest even (what numpy and torch do).
    package static func floatToHalf(_ f: Float) -> UInt16 {
        #if arch(arm64)
        return Float16(f).bitPattern
        #else
        let x = f.bitPattern
        let sign = UInt16((x >> 16) & 0x8000)
        let exp = Int((x >> 23) & 0xff)
        var mant = x & 0x7f_ffff
        if exp == 0xff { return sign | 0x7c00 | (mant != 0 ? 0x200 : 0) }
        var e = exp - 127 + 15
        if e >= 31 { return sign | 0x7c00 }
        if e <= 0 {
            if e < -10 { return sign }
            mant |= 0x80_0000
            let shift = UInt32(14 - e)
            var h = mant >> shift
            let rem = mant & ((1 << shift) - 1)
            let half = UInt32(1) << (shift - 1)
            if rem > half || (rem == half && (h & 1) == 1) { h += 1 }
            return sign | UInt16(h)
        }
        var h = mant >> 13
        let rem = mant & 0x1fff
        if rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1) {
            h += 1
            if h == 0x400 { h = 0; e += 1; if e >= 31 { return sign | 0x7c00 } }
        }
        return sign | UInt16(e) << 10 | UInt16(h)
        #endif
    }

    /// Float → bfloat16, round to nearest even.
    package static func floatToBF16(_ f: Float) -> UInt16 {
        let x = f.bitPattern
        if f.isNaN { return UInt16(x >> 16) | 0x40 }
        let rounded = x &+ 0x7fff &+ ((x >> 16) & 1)
        return UInt16(rounded >> 16)
    }

    /// Floats from raw bytes of a floating-point dtype (F32 copied; F16/BF16/F64 converted).
    package static func floats(_ raw: UnsafeRawBufferPointer, dtype: TensorDType, count: Int, what: String) throws -> [Float] {
        switch dtype {
        case .f32:
            return [Float](unsafeUninitializedCapacity: count) { buf, n in
                if count > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: count * 4) }
                n = count
            }
        case .f16:
            return (0..<count).map { halfToFloat(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .bf16:
            return (0..<count).map { Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) << 16) }
        case .f64:
            return (0..<count).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
        default:
            throw AIGCError.input(location: what, message: "expected a floating-point tensor, found dtype \(dtype.rawValue)")
        }
    }

    /// Int64 values of any integer (or bool) dtype.
    package static func int64s(_ raw: UnsafeRawBufferPointer, dtype: TensorDType, count: Int, what: String) throws -> [Int64] {
        func map<T: BinaryInteger>(_ t: T.Type) -> [Int64] {
            (0..<count).map { Int64(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
        }
        switch dtype {
        case .i64: return map(Int64.self)
        case .i32: return map(Int32.self)
        case .i16: return map(Int16.self)
        case .i8: return map(Int8.self)
        case .u32: return map(UInt32.self)
        case .u16: return map(UInt16.self)
        case .u8, .bool: return map(UInt8.self)
        case .u64:
            var out = [Int64](); out.reserveCapacity(count)
            for i in 0..<count {
                let v = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                guard v <= UInt64(Int64.max) else {
                    throw AIGCError.input(location: what, message: "element \(i) = \(v) does not fit in Int64")
                }
                out.append(Int64(v))
            }
            return out
        default:
            throw AIGCError.input(location: what, message: "expected an integer tensor, found dtype \(dtype.rawValue)")
        }
    }

    /// Int32 values of any integer dtype; fails naming the first element that does not fit.
    package static func int32s(_ raw: UnsafeRawBufferPointer, dtype: TensorDType, count: Int, what: String) throws -> [Int32] {
        if dtype == .i32 {
            return [Int32](unsafeUninitializedCapacity: count) { buf, n in
                if count > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: count * 4) }
                n = count
            }
        }
        let wide = try int64s(raw, dtype: dtype, count: count, what: what)
        var out = [Int32](); out.reserveCapacity(count)
        for (i, v) in wide.enumerated() {
            guard let x = Int32(exactly: v) else {
                throw AIGCError.input(location: what, message: "element \(i) = \(v) does not fit in Int32")
            }
            out.append(x)
        }
        return out
    }
}
