// `aigc pipeline run CONFIG.yaml`: a YAML config (PipelineConfig) names the stages from raw dialogues to a
// registered model; PipelineRunner runs each stage unless its stamp says its outputs are current.
@_exported import AIGC
