/// Megatron-LM `indexed_dataset` dtype codes (the `DType` enum of megatron/core/datasets/indexed_dataset.py).
public enum MegatronDType: UInt8, Sendable, Codable {
    case uint8 = 1, int8 = 2, int16 = 3, int32 = 4, int64 = 5, float64 = 6, float32 = 7, uint16 = 8

    public var size: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16, .uint16: return 2
        case .int32, .float32: return 4
        case .int64, .float64: return 8
        }
    }

    /// Megatron's own rule (`DType.optimal_dtype`): uint16 when the vocabulary fits below 65,500, else int32.
    public static func optimal(vocabularySize: Int) -> MegatronDType {
        vocabularySize < 65_500 ? .uint16 : .int32
    }
}
