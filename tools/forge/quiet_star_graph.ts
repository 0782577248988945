/**
 * The Quiet-STaR mixing head as ONNX nodes on top of the forge's Llama graph: the output
 * `mixing_weight` [batch, seq, 1] = clip(relu(concat(h_first, h) @ W0 + b0) @ W1 + b1, 0, 1),
 * where h is the final normed hidden state of each position of the pass and h_first that of
 * the pass's first position (the engine starts its post-thought pass at <|startofthought|>).
 * Same function as tools/forge/train/quiet_star/mixing_head.ts.
 *
 * @module
 */
import type { GraphBuilder } from "./onnx_builder.ts";
import { int } from "./onnx_builder.ts";
import type { F32Tensor } from "./safetensors.ts";
import { HEAD_NAMES } from "./train/quiet_star/mixing_head.ts";

/** Name of the graph output (the engine's contract, client/engine/thinking/options.ts). */
export const MIXING_WEIGHT_OUTPUT = "mixing_weight";

function tensor(head: ReadonlyMap<string, F32Tensor>, name: string): F32Tensor {
  const t = head.get(name);
  if (t === undefined) {
    throw new RangeError(`Cannot export the mixing head as tensor '${name}' is missing`);
  }
  return t;
}

/**
 * The `extraOutputs` hook of `buildLlamaOnnx` that adds the mixing head (head tensors in the
 * trainer layout: w0 [2H, H], b0 [H], w1 [H, 1], b1 [1]).
 *
 * @example
 * ```ts
 * const bytes = buildLlamaOnnx(config, weights, mixingHeadOutput(head));
 * ```
 */
export function mixingHeadOutput(
  head: ReadonlyMap<string, F32Tensor>,
): (b: GraphBuilder, normedHidden: string) => void {
  return (b, normed) => {
    b.scoped("quiet_star/mixing_head", () => {
      const init = (name: string) => {
        const t = tensor(head, name);
        return b.initializer(name, t.data, t.shape);
      };
      const first = b.op("Slice", [
        normed,
        b.constInt64([0]),
        b.constInt64([1]),
        b.constInt64([1]),
      ]); // [batch, 1, hidden]
      const firstAll = b.op("Expand", [first, b.op("Shape", [normed])]); // [batch, seq, hidden]
      const x = b.op("Concat", [firstAll, normed], { axis: int(-1) }); // [batch, seq, 2 * hidden]
      const z0 = b.op("Add", [b.op("MatMul", [x, init(HEAD_NAMES.w0)]), init(HEAD_NAMES.b0)]);
      const a0 = b.op("Relu", [z0]); // [batch, seq, hidden]
      const z1 = b.op("Add", [b.op("MatMul", [a0, init(HEAD_NAMES.w1)]), init(HEAD_NAMES.b1)]);
      const w = b.op("Clip", [z1, b.constFloat([0], []), b.constFloat([1], [])]); // [batch, seq, 1]
      b.output(MIXING_WEIGHT_OUTPUT, w, "float32", ["batch_size", "sequence_length", 1]);
    });
  };
}
