/// The stages of `aigc pipeline run`, in the order they run. Each reads only what earlier stages wrote.
public enum PipelineStage: String, Sendable, CaseIterable, Codable {
    case tokenizer, corpus, audit, pretrain, finetune, adversarial, register
}
