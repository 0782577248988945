/**
 * The thinking model's ONNX export (forge graph + mixing head) run through the engine's
 * decoder on onnxruntime-web gives logits and `mixing_weight` equal to jax-js within 1e-4,
 * including a pass that starts after a KV cache (h_first is the pass's first position).
 *
 * @module
 */
import assert from "node:assert/strict";
import { numpy as np } from "@jax-js/jax";
import { configureOrt } from "../../../../../client/engine/ort.ts";
import { createDecoder } from "../../../../../client/engine/decoder.ts";
import { DecoderConfig } from "../../../../../client/engine/model_config.ts";
import { initLlamaWeights } from "../../../../../tools/forge/weights.ts";
import {
  forwardTables,
  llamaHidden,
  toTrainParams,
} from "../../../../../tools/forge/train/model.ts";
import { hostToDevice } from "../../../../../tools/forge/train/trainer.ts";
import {
  type HeadHost,
  initMixingHead,
  mixingWeight,
} from "../../../../../tools/forge/train/quiet_star/mixing_head.ts";
import { thinkingFolderFiles } from "../../../../../tools/forge/train/quiet_star/export.ts";
import { jaxTest, useWasm } from "../train_fixtures.ts";
import { qsConfig } from "./qs_fixtures.ts";

const ROWS = 2;
const SEQ = 9;
const CUT = 5; // the second ONNX pass starts here, after a cache of CUT tokens

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** jax-js logits [ROWS * SEQ * V] and w [ROWS * SEQ] with h_first at position `first` of each row. */
async function jaxReference(head: HeadHost, tokens: Int32Array<ArrayBuffer>, first: number) {
  const config = qsConfig();
  const weights = initLlamaWeights(config, 21);
  const tables = forwardTables(config, SEQ);
  const { hidden, head: out } = llamaHidden(
    config,
    toTrainParams(config, weights),
    np.array(tokens, { shape: [ROWS, SEQ], dtype: np.int32 }),
    tables,
  ); // [ROWS * SEQ, H]
  const logits = await np.matmul(hidden.ref, out).data() as Float32Array;
  const h = hidden.reshape([ROWS, SEQ, -1]); // [ROWS, SEQ, H]
  const sel = new Float32Array(ROWS * SEQ * SEQ); // [ROWS, SEQ, SEQ]: every row picks `first`
  for (let r = 0; r < ROWS; r++) for (let j = 0; j < SEQ; j++) sel[(r * SEQ + j) * SEQ + first] = 1;
  const hFirst = np.matmul(np.array(sel, { shape: [ROWS, SEQ, SEQ] }), h.ref); // [ROWS, SEQ, H]
  const w = mixingWeight(
    hostToDevice(head),
    hFirst.reshape([ROWS * SEQ, -1]),
    h.reshape([ROWS * SEQ, -1]),
  ); // [ROWS * SEQ, 1]
  return { logits, w: await w.data() as Float32Array };
}

async function decoderFor(head: HeadHost) {
  configureOrt({ numThreads: 1 });
  const config = qsConfig();
  const files = thinkingFolderFiles({
    config,
    weights: initLlamaWeights(config, 21),
    head,
    tokenizerJson: {},
    tokenizerConfig: {},
  });
  const json = JSON.parse(new TextDecoder().decode(files.get("config.json")!));
  assert.deepEqual(json.quiet_star, { mixing_head: true });
  return await createDecoder(files.get("onnx/model.onnx")!, DecoderConfig.parse(json), "wasm");
}

function feeds(tokens: Int32Array, from: number, to: number, past: number) {
  const S = to - from;
  const inputIds = new BigInt64Array(ROWS * S);
  const positionIds = new BigInt64Array(ROWS * S);
  for (let r = 0; r < ROWS; r++) {
    for (let j = 0; j < S; j++) {
      inputIds[r * S + j] = BigInt(tokens[r * SEQ + from + j]!);
      positionIds[r * S + j] = BigInt(from + j);
    }
  }
  const attentionMask = new BigInt64Array(ROWS * (past + S)).fill(1n);
  return { inputIds, positionIds, attentionMask, batch: ROWS, seq: S };
}

const TOKENS = Int32Array.from({ length: ROWS * SEQ }, (_, i) => 5 + ((i * 11) % 33));

Deno.test({
  ...jaxTest,
  name: "exported mixing_weight and logits equal jax-js within 1e-4, whole pass and after a cache",
  fn: async () => {
    await useWasm();
    const head = initMixingHead(qsConfig().hidden_size, 3, { weight: 0.6, bias: 0.45 });
    // jax-js runs before onnxruntime is loaded (after it, jax-js' wasm pool fails to start).
    const ref0 = await jaxReference(head, TOKENS, 0);
    const refCut = await jaxReference(head, TOKENS, CUT);
    const decoder = await decoderFor(head);
    try {
      assert.equal(decoder.hasMixingWeight, true);
      const V = decoder.vocabSize;
      const whole = await decoder.step({
        ...feeds(TOKENS, 0, SEQ, 0),
        past: decoder.emptyKv(ROWS),
      });
      assert.ok(maxDiff(whole.logits, ref0.logits) < 1e-4, "logits");
      const w0 = whole.mixingWeight!;
      assert.ok(maxDiff(w0, ref0.w) < 1e-4, `w ${maxDiff(w0, ref0.w)}`);
      assert.ok([...w0].some((w) => w > 0.01 && w < 0.99), `w not interior: ${[...w0]}`);
      // A pass after CUT cached tokens: h_first is position CUT's hidden state.
      const first = await decoder.step({
        ...feeds(TOKENS, 0, CUT, 0),
        past: decoder.emptyKv(ROWS),
      });
      const rest = await decoder.step({ ...feeds(TOKENS, CUT, SEQ, CUT), past: first.present });
      const S = SEQ - CUT;
      for (let r = 0; r < ROWS; r++) {
        for (let j = 0; j < S; j++) {
          const i = r * SEQ + CUT + j;
          assert.ok(Math.abs(rest.mixingWeight![r * S + j]! - refCut.w[i]!) < 1e-4, `w ${r},${j}`);
          const a = rest.logits.subarray((r * S + j) * V, (r * S + j + 1) * V);
          assert.ok(maxDiff(a, refCut.logits.subarray(i * V, (i + 1) * V)) < 1e-4, "logits");
        }
      }
    } finally {
      await decoder.release();
    }
  },
});

Deno.test({
  ...jaxTest,
  name: "a zero-initialized exported head outputs w = 0 at every position",
  fn: async () => {
    const decoder = await decoderFor(initMixingHead(qsConfig().hidden_size, 3));
    try {
      const out = await decoder.step({ ...feeds(TOKENS, 0, SEQ, 0), past: decoder.emptyKv(ROWS) });
      assert.equal(out.mixingWeight!.length, ROWS * SEQ);
      assert.ok(out.mixingWeight!.every((w) => w === 0));
    } finally {
      await decoder.release();
    }
  },
});
