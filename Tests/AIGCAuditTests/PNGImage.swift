import CZlib
import Foundation

/// A minimal PNG decoder for the screenshot test (8-bit RGB/RGBA, non-interlaced: what Chromium writes): chunks,
/// zlib inflate of the IDAT stream, and the five scanline filters. Returns nil for anything else.
struct PNGImage {
    var width: Int
    var height: Int
    /// RGBA, 4 bytes per pixel.
    var pixels: [UInt8]

    init?(data: Data) {
        let b = [UInt8](data)
        guard b.count > 33, b[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
        func u32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        var i = 8
        var idat: [UInt8] = []
        var w = 0, h = 0, colorType = 0, depth = 0, interlace = 0
        while i + 8 <= b.count {
            let len = u32(i)
            let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            guard i + 12 + len <= b.count else { return nil }
            let body = b[(i + 8)..<(i + 8 + len)]
            if type == "IHDR" {
                w = u32(i + 8); h = u32(i + 12); depth = Int(b[i + 16]); colorType = Int(b[i + 17]); interlace = Int(b[i + 20])
            } else if type == "IDAT" {
                idat.append(contentsOf: body)
            } else if type == "IEND" { break }
            i += 12 + len
        }
        guard depth == 8, interlace == 0, colorType == 2 || colorType == 6, w > 0, h > 0 else { return nil }
        let channels = colorType == 6 ? 4 : 3
        let stride = w * channels
        var raw = [UInt8](repeating: 0, count: (stride + 1) * h)
        var rawLen = uLongf(raw.count)
        let rc = raw.withUnsafeMutableBufferPointer { dst in
            idat.withUnsafeBufferPointer { src in uncompress(dst.baseAddress, &rawLen, src.baseAddress, uLong(src.count)) }
        }
        guard rc == Z_OK, Int(rawLen) == raw.count else { return nil }
        var out = [UInt8](repeating: 0, count: stride * h)
        var prev = [UInt8](repeating: 0, count: stride)
        for y in 0..<h {
            let filter = raw[y * (stride + 1)]
            var line = Array(raw[(y * (stride + 1) + 1)..<((y + 1) * (stride + 1))])
            for x in 0..<stride {
                let a = x >= channels ? Int(line[x - channels]) : 0
                let up = Int(prev[x])
                let c = x >= channels ? Int(prev[x - channels]) : 0
                let add: Int
                switch filter {
                case 0: add = 0
                case 1: add = a
                case 2: add = up
                case 3: add = (a + up) / 2
                case 4:
                    let p = a + up - c, pa = abs(p - a), pb = abs(p - up), pc = abs(p - c)
                    add = pa <= pb && pa <= pc ? a : pb <= pc ? up : c
                default: return nil
                }
                line[x] = UInt8(truncatingIfNeeded: Int(line[x]) + add)
            }
            out.replaceSubrange((y * stride)..<((y + 1) * stride), with: line)
            prev = line
        }
        width = w; height = h
        if channels == 4 { pixels = out } else {
            pixels = []
            pixels.reserveCapacity(w * h * 4)
            for p in 0..<(w * h) { pixels += [out[3 * p], out[3 * p + 1], out[3 * p + 2], 255] }
        }
    }

    /// Share of pixels that differ from the most common colour, and the number of distinct colours.
    func inkStats() -> (ink: Double, colours: Int) {
        var counts: [UInt32: Int] = [:]
        for p in stride(from: 0, to: pixels.count, by: 4) {
            let c = UInt32(pixels[p]) << 16 | UInt32(pixels[p + 1]) << 8 | UInt32(pixels[p + 2])
            counts[c, default: 0] += 1
        }
        let background = counts.values.max() ?? 0
        let total = pixels.count / 4
        return (total == 0 ? 0 : Double(total - background) / Double(total), counts.count)
    }
}
