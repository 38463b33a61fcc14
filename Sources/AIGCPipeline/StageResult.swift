/// One row of the pipeline's summary: what happened to a stage, how long it took and its key metric.
public struct StageResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Ran from the start.
        case ran
        /// Continued an interrupted run from its last checkpoint.
        case resumed
        /// Its outputs were current for the same inputs and options.
        case skipped
        /// `--dry-run`: would run.
        case wouldRun = "would run"
    }

    public var stage: PipelineStage
    public var status: Status
    /// Seconds this run spent (skipped: the seconds recorded when it last ran).
    public var seconds: Double
    public var metric: String
}
