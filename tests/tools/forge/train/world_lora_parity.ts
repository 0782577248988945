/**
 * Checks of an exported world build's `target_lora/` against its trained adapters: the
 * adapters, read by the engine from their exported PEFT folders, fill slots of target_lora,
 * and every row of a mixed batch (adapters and the base model) gives the logits of the target
 * with that adapter merged into its weights (W + scaling * B A), within 1e-4; through the
 * engine API, greedy generation with an adapter equals generation on the merged model.
 *
 * @module
 */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { UrlAdapterSource } from "../../../../client/adapters/map_source.ts";
import { createDecoder, type Decoder } from "../../../../client/engine/decoder.ts";
import { createEngine } from "../../../../client/engine/engine.ts";
import { LoraBinding } from "../../../../client/engine/lora/lora_binding.ts";
import { AdapterSlotPool } from "../../../../client/engine/lora/slot_pool.ts";
import { configureOrt } from "../../../../client/engine/ort.ts";
import { type LlamaConfig, parseLlamaConfig } from "../../../../tools/forge/llama_config.ts";
import { buildLlamaOnnx } from "../../../../tools/forge/llama_graph.ts";
import {
  type ForgedLoraAdapter,
  type LoraModuleEntry,
  mergeLoraWeights,
} from "../../../../tools/forge/lora_adapter.ts";
import { llamaFolderFiles } from "../../../../tools/forge/model_folder.ts";
import { readSafetensors } from "../../../../tools/forge/safetensors.ts";
import { loadCheckpoint } from "../../../../tools/forge/train/checkpoint.ts";
import type { LlamaWeights } from "../../../../tools/forge/weights.ts";
import { seededTokens } from "../fixture_models.ts";
import { alone } from "../../../client/adapters/lora_helpers.ts";

const TOL = 1e-4;

/** Largest absolute difference of two equal-length arrays. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/**
 * An exported PEFT adapter read back from disk, with ranks and scalings resolved here
 * (independently of the engine's PEFT reader): scaling = lora_alpha / r, or / sqrt(r) with
 * rsLoRA; the world adapters use no rank or alpha patterns.
 */
async function readAdapter(dir: string, name: string): Promise<ForgedLoraAdapter> {
  const config = JSON.parse(await Deno.readTextFile(`${dir}/adapter_config.json`));
  assert.deepEqual(config.rank_pattern ?? {}, {});
  assert.deepEqual(config.alpha_pattern ?? {}, {});
  const tensors = readSafetensors(await Deno.readFile(`${dir}/adapter_model.safetensors`));
  const modules: LoraModuleEntry[] = [];
  for (const [key, a] of tensors) {
    const m = /^base_model\.model\.(.+)\.lora_A\.weight$/.exec(key);
    if (m === null) continue;
    const rank = a.shape[0]!; // A: [r, in]
    const alpha = Number(config.lora_alpha);
    const scaling = config.use_rslora === true ? alpha / Math.sqrt(rank) : alpha / rank;
    modules.push({ module: m[1]!, rank, alpha, scaling });
  }
  return { name, config, tensors, modules };
}

/** The pieces of an exported build the checks need. */
interface WorldBuild {
  readonly loraConfig: LlamaConfig;
  readonly plainConfig: LlamaConfig;
  readonly weights: LlamaWeights;
  readonly adapters: ReadonlyMap<string, ForgedLoraAdapter>;
  readonly tokenizerJson: unknown;
  readonly tokenizerConfig: unknown;
}

async function readBuild(out: string, runs: string, styles: readonly string[]) {
  const loraConfig = parseLlamaConfig(
    JSON.parse(await Deno.readTextFile(`${out}/target_lora/config.json`)),
  );
  const { lora: _lora, ...rest } = loraConfig;
  const adapters = new Map<string, ForgedLoraAdapter>();
  for (const s of styles) adapters.set(s, await readAdapter(`${out}/adapters/${s}`, s));
  const build: WorldBuild = {
    loraConfig,
    plainConfig: parseLlamaConfig(rest),
    weights: (await loadCheckpoint(`${runs}/target/checkpoint`)).weights,
    adapters,
    tokenizerJson: JSON.parse(await Deno.readTextFile(`${out}/tokenizer.json`)),
    tokenizerConfig: JSON.parse(await Deno.readTextFile(`${out}/tokenizer_config.json`)),
  };
  return build;
}

function mergedWeights(build: WorldBuild, style: string | undefined): LlamaWeights {
  return style === undefined
    ? build.weights
    : mergeLoraWeights(build.weights, build.adapters.get(style)!);
}

/**
 * Assert the logits-level parity of `<out>/target_lora` with the trained adapters of
 * `styles` (read from `<out>/adapters/<style>/` by the engine's URL adapter source), against
 * the target checkpoint of `<runs>/target` with each adapter merged in; returns the largest
 * absolute logit difference seen.
 */
export async function assertTargetLoraLogits(
  out: string,
  runs: string,
  styles: readonly string[],
): Promise<number> {
  configureOrt({ numThreads: 1 });
  const build = await readBuild(out, runs, styles);
  const V = build.loraConfig.vocab_size;
  const lora = await createDecoder(
    await Deno.readFile(`${out}/target_lora/onnx/model.onnx`),
    build.loraConfig,
    "wasm",
  );
  const refs = new Map<string | undefined, Decoder>();
  let worst = 0;
  try {
    const source = new UrlAdapterSource(pathToFileURL(`${out}/adapters/`));
    const pool = await AdapterSlotPool.create(lora.lora!, source, styles.length, "wasm");
    const got = await pool.acquire([...styles], new Set());
    const rows: (string | undefined)[] = [...styles, undefined, styles[0]];
    const slots = rows.map((s) => {
      const slot = s === undefined ? 0 : got.get(s);
      if (typeof slot !== "number") throw slot ?? new Error(`adapter '${s}' got no slot`);
      return slot;
    });
    const feeds = new LoraBinding(pool).feeds(slots);
    const prompts = rows.map((_, i) => seededTokens(200 + i, 3 + 2 * i, V));
    const nextTokens = rows.map((_, i) => 5 + i);
    const B = rows.length, P = Math.max(...prompts.map((p) => p.length));
    const ids = new BigInt64Array(B * P), mask = new BigInt64Array(B * P);
    const pos = new BigInt64Array(B * P);
    prompts.forEach((p, i) =>
      p.forEach((t, j) => {
        const at = i * P + P - p.length + j; // left padding
        ids[at] = BigInt(t);
        mask[at] = 1n;
        pos[at] = BigInt(j);
      })
    );
    const past = lora.emptyKv(B);
    const pre = await lora.step({
      inputIds: ids,
      attentionMask: mask,
      positionIds: pos,
      batch: B,
      seq: P,
      past,
      lora: feeds,
    });
    const mask2 = new BigInt64Array(B * (P + 1));
    prompts.forEach((p, i) => mask2.fill(1n, i * (P + 1) + P - p.length, (i + 1) * (P + 1)));
    const dec = await lora.step({
      inputIds: BigInt64Array.from(nextTokens, BigInt),
      attentionMask: mask2,
      positionIds: BigInt64Array.from(prompts, (p) => BigInt(p.length)),
      batch: B,
      seq: 1,
      past: pre.present,
      lora: feeds,
    });
    for (const [i, style] of rows.entries()) {
      if (!refs.has(style)) {
        const weights = mergedWeights(build, style);
        const onnx = buildLlamaOnnx(build.plainConfig, weights);
        refs.set(style, await createDecoder(onnx, build.plainConfig, "wasm"));
      }
      const ref = await alone(refs.get(style)!, prompts[i]!, nextTokens[i]!);
      const n = prompts[i]!.length;
      const dPre = maxAbsDiff(
        pre.logits.subarray((i * P + P - n) * V, (i + 1) * P * V),
        ref.prefill,
      );
      const dDec = maxAbsDiff(dec.logits.subarray(i * V, (i + 1) * V), ref.decode);
      assert.ok(dPre < TOL && dDec < TOL, `row ${i} (${style ?? "base"}): ${dPre}, ${dDec}`);
      worst = Math.max(worst, dPre, dDec);
    }
    // Each trained adapter changes the output: its merged model differs from the base.
    const base = await alone(refs.get(undefined)!, prompts[0]!, nextTokens[0]!);
    for (const style of styles) {
      const adapted = await alone(refs.get(style)!, prompts[0]!, nextTokens[0]!);
      assert.ok(maxAbsDiff(adapted.decode, base.decode) > 1e-3, `${style} changes no logit`);
    }
    return worst;
  } finally {
    for (const d of refs.values()) await d.release();
    await lora.release();
  }
}

/**
 * Assert that greedy generation through the engine API on `<out>/target_lora` with an
 * adapter loaded from `<out>/adapters/` equals generation on the merged model: same tokens,
 * log-probs within 1e-4.
 */
export async function assertTargetLoraEngine(
  out: string,
  runs: string,
  style: string,
): Promise<void> {
  configureOrt({ numThreads: 1 });
  const build = await readBuild(out, runs, [style]);
  const request = { id: "r", prompt: "The capital of", max_tokens: 8, temperature: 0 };
  const adapters = new UrlAdapterSource(pathToFileURL(`${out}/adapters/`));
  const lora = await createEngine(
    { model: { kind: "path", path: `${out}/target_lora` }, ep: "wasm" },
    { adapters },
  );
  const merged = await createEngine({
    model: {
      kind: "bytes",
      files: Object.fromEntries(llamaFolderFiles({
        config: build.plainConfig,
        weights: mergedWeights(build, style),
        tokenizerJson: build.tokenizerJson,
        tokenizerConfig: build.tokenizerConfig,
      })),
    },
    ep: "wasm",
  });
  try {
    const [got] = await lora.generate([{ ...request, adapter: style }]);
    const [want] = await merged.generate([request]);
    assert.ok(got !== undefined && want !== undefined);
    assert.ok(got.tokens.length > 0);
    assert.deepEqual(got.tokens, want.tokens);
    got.token_logprobs.forEach((x, j) =>
      assert.ok(Math.abs(x - want.token_logprobs[j]!) < TOL, `token ${j}: ${x}`)
    );
  } finally {
    await lora.dispose();
    await merged.dispose();
  }
}
