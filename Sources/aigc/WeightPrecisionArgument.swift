import AIGC
import ArgumentParser

/// `--weights fp32|bf16` (`aigc serve`, `aigc generate`).
extension WeightPrecision: ExpressibleByArgument {}
