import AIGCFormats
import Foundation
import Testing
import AIGCModel

/// Against PyTorch (`torch_gpt.py golden`, float64 model): logits, loss, every gradient, and the parameters
/// after 1 and 10 AdamW steps. Tolerances: logits and loss 1e-5 absolute; gradients |Δ| ≤ 1e-7 + 1e-5·|g|;
/// parameters after 1 step ≤ 1e-6 + 1e-5·|p| and after 10 steps ≤ 1e-5 + 1e-4·|p| (fp32 vs fp64, where Adam's
/// g/√v amplifies rounding of tiny gradients).
@Suite struct GoldenTests {
    struct Golden {
        let file: SafeTensorsFile
        let config: GPTConfig
        let batch: TokenBatch
        init() throws {
            let f = try SafeTensorsFile(contentsOf: TestSupport.golden)
            file = f
            func meta(_ k: String) -> Int { Int(f.metadata[k] ?? "") ?? -1 }
            config = GPTConfig(vocabSize: meta("vocab_size"), nLayer: meta("n_layer"), nHead: meta("n_head"),
                               nEmbd: meta("n_embd"), blockSize: meta("block_size"))
            let x = try f.int32s("x"), y = try f.int32s("y")
            let shape = try f.shape("x")
            batch = TokenBatch(batch: shape[0], time: shape[1], inputs: x, targets: y)
        }

        func model() throws -> GPTModel {
            let m = try GPTModel(uninitialized: config)
            try GPTModel.readTensors(into: m.params, layout: m.layout, prefix: "param.", from: file)
            return m
        }
    }

    @Test(arguments: [1, 2])
    func logitsLossAndGradients(shards: Int) throws {
        let g = try Golden()
        let model = try g.model()
        let engine = GPTEngine(model: model, batchSize: g.batch.batch, time: g.batch.time, shards: shards, threads: shards, training: true)
        try engine.validate(g.batch)
        let logits = engine.logits(g.batch)
        #expect(TestSupport.maxAbsDiff(logits, try g.file.floats("logits")) < 1e-5)
        engine.zeroGradients()
        let n = g.batch.targetCount
        let r = engine.accumulateGradients(g.batch, lossScale: 1 / Float(n), dropoutSeed: 0)
        let loss = Float(r.sum / Double(r.count))
        #expect(abs(loss - (try g.file.floats("loss"))[0]) < 1e-5)
        let (grads, _) = engine.reduceGradients()
        for t in model.layout.tensors {
            let mine = Array(UnsafeBufferPointer(start: grads.pointer + t.offset, count: t.count))
            let ref = try g.file.floats("grad." + t.name)
            let w = TestSupport.worst(mine, ref, atol: 1e-7, rtol: 1e-5)
            #expect(w <= 1, "grad.\(t.name): worst \(w), max diff \(TestSupport.maxAbsDiff(mine, ref))")
        }
    }

    @Test func adamWStepsMatchTorch() throws {
        let g = try Golden()
        let model = try g.model()
        let engine = GPTEngine(model: model, batchSize: g.batch.batch, time: g.batch.time, shards: 2, threads: 2, training: true)
        let opt = AdamW(layout: model.layout, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1)
        let refLosses = try g.file.floats("losses")
        let n = Float(g.batch.targetCount)
        for step in 1...10 {
            engine.zeroGradients()
            let r = engine.accumulateGradients(g.batch, lossScale: 1 / n, dropoutSeed: 0)
            #expect(abs(Float(r.sum / Double(r.count)) - refLosses[step - 1]) < 2e-5, "loss at step \(step)")
            let (grads, _) = engine.reduceGradients()
            opt.update(params: model.params, grads: grads, lr: 1e-3, threads: 2)
            if step == 1 || step == 10 {
                for t in model.layout.tensors {
                    let ref = try g.file.floats("step\(step).\(t.name)")
                    let w = TestSupport.worst(model.parameter(t.name)!, ref, atol: step == 1 ? 1e-6 : 1e-5, rtol: step == 1 ? 1e-5 : 1e-4)
                    #expect(w <= 1, "step\(step).\(t.name): worst \(w)")
                }
            }
        }
    }
}
