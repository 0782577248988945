/**
 * The forged ONNX graph's signature is what transformers.js expects of a decoder with KV
 * cache, with standard-domain ops of opset 17 only.
 */
import assert from "node:assert/strict";
import onnxProto from "onnx-proto";
import { fixtureModels } from "./fixture_models.ts";

const { onnx } = onnxProto;

function signature(values: onnxProto.onnx.IValueInfoProto[]): string[] {
  return values.map((v) => {
    const tensor = v.type!.tensorType!;
    const dims = tensor.shape!.dim!.map((d) => d.dimParam || String(d.dimValue));
    return `${v.name}:${tensor.elemType}[${dims.join(",")}]`;
  });
}

Deno.test("forged graphs declare transformers.js decoder inputs and outputs", () => {
  for (const model of fixtureModels()) {
    const { config } = model;
    const decoded = onnx.ModelProto.decode(model.onnx);
    assert.deepEqual(decoded.opsetImport.map((o) => [o.domain ?? "", Number(o.version)]), [[
      "",
      17,
    ]]);
    const graph = decoded.graph!;
    const nodes = graph.node ?? [];
    const kv = (past: string) =>
      `[batch_size,${config.num_key_value_heads},${past},${config.head_dim}]`;
    const layers = Array.from({ length: config.num_hidden_layers }, (_, i) => i);
    assert.deepEqual(signature(graph.input ?? []), [
      "input_ids:7[batch_size,sequence_length]",
      "attention_mask:7[batch_size,total_sequence_length]",
      "position_ids:7[batch_size,sequence_length]",
      ...layers.flatMap((i) => [
        `past_key_values.${i}.key:1${kv("past_sequence_length")}`,
        `past_key_values.${i}.value:1${kv("past_sequence_length")}`,
      ]),
    ]);
    assert.deepEqual(signature(graph.output ?? []), [
      `logits:1[batch_size,sequence_length,${config.vocab_size}]`,
      ...layers.flatMap((i) => [
        `present.${i}.key:1${kv("total_sequence_length")}`,
        `present.${i}.value:1${kv("total_sequence_length")}`,
      ]),
    ]);
    assert.ok(nodes.every((n) => (n.domain ?? "") === ""), "standard ONNX domain only");
    const matmuls = nodes.filter((n) => n.opType === "MatMul").length;
    // 7 projections per layer + lm_head + 2 attention MatMuls per layer
    assert.equal(matmuls, config.num_hidden_layers * 9 + 1);
  }
});
