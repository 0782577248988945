/**
 * `deno task bench lora [--quick]`: multi-LoRA serving on the wasm EP (numThreads 1).
 *
 * - hetero_over_base: aggregate tokens/s of 8 rows using 8 different adapters in one batch, over
 *   8 rows on the base model (the same base without LoRA inputs).
 * - hetero_over_sequential: the same 8 requests served one after another, each on the base with
 *   its adapter merged into the weights (engine creation not timed; `..._with_merge` adds the
 *   merge, forge and session creation a naive server pays per adapter).
 * - cold_load_ms_p50: one adapter (rank 8, all 7 target modules) from the Dexie store into a
 *   resident slot: read from IndexedDB, validate, write the slot.
 * - list_1000_ms: `list()` of a store holding 1,000 adapters.
 *
 * The store runs on fake-indexeddb under Deno (in-memory IndexedDB in JavaScript). Greedy
 * decoding of seeded random weights may hit EOS early; tokens/s counts the tokens generated.
 *
 * @module
 */
import { BENCH_PROMPTS } from "./prompts.ts";
import type { Engine, GenerateRequest } from "../client/engine/api.ts";
import { createEngine, type EngineDeps } from "../client/engine/engine.ts";
import { configureOrt, ortVersion } from "../client/engine/ort.ts";
import { MapAdapterSource } from "../client/adapters/map_source.ts";
import type { EngineInitInput } from "../client/engine/init.ts";
import {
  adapterFiles,
  BENCH_ADAPTERS,
  folderBytes,
  loraBenchModels,
  mergedFolderBytes,
} from "./lora_models.ts";
import { coldLoadTimes, listTimes, median } from "./lora_store.ts";
import { loraAcceptance } from "./lora_acceptance.ts";
import { loraFixture } from "../tools/forge/lora_fixtures.ts";
import { loraAdapterFiles } from "../tools/forge/lora_adapter.ts";
import { type BenchResult, type BenchSuite, cpuName } from "./result.ts";

interface Timed {
  /** Generated tokens and wall time of the whole generate() call (prefill included). */
  readonly tokens: number;
  readonly ms: number;
  /** Tokens and time of the decode steps alone (engine stats). */
  readonly decodeTokens: number;
  readonly decodeMs: number;
}

const tps = (t: Timed) => (1000 * t.tokens) / t.ms;
const decodeTps = (t: Timed) => (1000 * t.decodeTokens) / t.decodeMs;
const add = (a: Timed, b: Timed): Timed => ({
  tokens: a.tokens + b.tokens,
  ms: a.ms + b.ms,
  decodeTokens: a.decodeTokens + b.decodeTokens,
  decodeMs: a.decodeMs + b.decodeMs,
});

function requests(maxTokens: number, adapters: boolean): GenerateRequest[] {
  return BENCH_PROMPTS.slice(0, BENCH_ADAPTERS).map((prompt, i) => ({
    id: `r${i}`,
    prompt,
    max_tokens: maxTokens,
    temperature: 0,
    ...(adapters ? { adapter: `bench_${i}` } : {}),
  }));
}

async function timeGenerate(engine: Engine, reqs: GenerateRequest[]): Promise<Timed> {
  const before = await engine.stats();
  const t0 = performance.now();
  const out = await engine.generate(reqs);
  const ms = performance.now() - t0;
  const after = await engine.stats();
  return {
    tokens: out.reduce((s, r) => s + r.tokens.length, 0),
    ms,
    decodeTokens: after.decodeTokens - before.decodeTokens,
    decodeMs: after.decodeMs - before.decodeMs,
  };
}

const better = (a: Timed | undefined, b: Timed) => (a === undefined || tps(b) > tps(a) ? b : a);

async function engineOver(
  files: Record<string, Uint8Array>,
  init: Omit<EngineInitInput, "model"> = {},
  deps: EngineDeps = {},
): Promise<Engine> {
  return await createEngine(
    { model: { kind: "bytes", files }, ep: "wasm", maxBatch: 8, ...init },
    deps,
  );
}

/** Run the suite. */
export const run: BenchSuite = async ({ quick }) => {
  configureOrt({ numThreads: 1 });
  const maxTokens = quick ? 16 : 48;
  const reps = quick ? 2 : 5;
  const models = loraBenchModels();
  const rows: Record<string, unknown>[] = [];
  const row = (config: string, rowsN: number, t: Timed, extra: Record<string, unknown> = {}) =>
    rows.push({
      config,
      rows: rowsN,
      tokens: t.tokens,
      wall_ms: Math.round(t.ms),
      tokens_per_s: tps(t),
      decode_tokens_per_s: decodeTps(t),
      ...extra,
    });

  const base = await engineOver(folderBytes(models.plain, models.weights));
  const source = new MapAdapterSource(
    new Map(models.adapters.map((a) => [a.name, adapterFiles(a)])),
  );
  const lora = await engineOver(folderBytes(models.lora, models.weights), {
    adapterSlots: BENCH_ADAPTERS,
  }, { adapters: source });
  const plainReqs = requests(maxTokens, false), heteroReqs = requests(maxTokens, true);
  // V8 tiers onnxruntime's wasm kernels up over the first few hundred steps: decode on every
  // configuration until the warm-up time has passed (this also makes the adapters resident).
  const warmUntil = performance.now() + (quick ? 4000 : 15000);
  while (performance.now() < warmUntil) {
    await base.generate(plainReqs);
    await lora.generate(heteroReqs);
    await lora.generate(plainReqs);
  }
  // Interleaved reps, best of each, so drift in machine load hits all configurations alike.
  let baseT: Timed | undefined, slot0T: Timed | undefined, heteroT: Timed | undefined;
  for (let r = 0; r < reps; r++) {
    baseT = better(baseT, await timeGenerate(base, plainReqs));
    slot0T = better(slot0T, await timeGenerate(lora, plainReqs));
    heteroT = better(heteroT, await timeGenerate(lora, heteroReqs));
  }
  const poolMetrics = await lora.adapterMetrics();
  await base.dispose();
  await lora.dispose();
  row("base model, 8 rows", 8, baseT!);
  row("LoRA model, 8 rows on slot 0", 8, slot0T!);
  row("LoRA model, 8 rows, 8 different adapters", 8, heteroT!);

  let seq: Timed = { tokens: 0, ms: 0, decodeTokens: 0, decodeMs: 0 };
  let mergeMs = 0;
  for (const [i, adapter] of models.adapters.entries()) {
    const t0 = performance.now();
    const engine = await engineOver(mergedFolderBytes(models, adapter));
    mergeMs += performance.now() - t0;
    try {
      const req = requests(maxTokens, false)[i]!;
      await engine.generate([{ ...req, max_tokens: 2 }]); // session warm-up, not timed
      let t: Timed | undefined;
      for (let r = 0; r < reps; r++) t = better(t, await timeGenerate(engine, [req]));
      seq = add(seq, t!);
    } finally {
      await engine.dispose();
    }
  }
  row("merged models, 8 requests one after another", 1, seq, {
    merge_and_load_ms: Math.round(mergeMs),
  });

  const cold = await coldLoadTimes(models.lora, models.adapters.map(adapterFiles), quick ? 8 : 24);
  rows.push({
    config: "cold load, store -> slot (rank 8, 7 modules)",
    loads: cold.length,
    p50_ms: median(cold),
    max_ms: Math.max(...cold),
  });
  const small = loraFixture().adapters.find((a) => a.name === "epsilon")!;
  const smallFiles = loraAdapterFiles(small);
  const listed = await listTimes(
    {
      config: JSON.parse(new TextDecoder().decode(smallFiles.get("epsilon/adapter_config.json")!)),
      weights: smallFiles.get("epsilon/adapter_model.safetensors")!,
    },
    1000,
    quick ? 3 : 7,
  );
  rows.push({
    config: "list() of 1,000 stored adapters",
    adapters: listed.listed,
    p50_ms: median(listed.listMs),
    import_all_ms: Math.round(listed.importMs),
  });

  const acceptance = await loraAcceptance(quick ? 12 : 32);
  rows.push({
    config: "speculative acceptance, fixture target_lora, base as draft",
    gamma: acceptance.gamma,
    base_rows_rate: acceptance.base.rate,
    adapter_rows_rate: acceptance.adapters.rate,
  });

  const result: BenchResult = {
    suite: "lora",
    date: new Date().toISOString(),
    runtime: {
      deno: Deno.version.deno,
      onnxruntime: ortVersion(),
      ep: "wasm",
      cpu: await cpuName(),
      numThreads: 1,
      model: models.label,
      store: "Dexie AdapterStore on fake-indexeddb (in-memory IndexedDB under Deno)",
      quick,
      max_tokens: maxTokens,
    },
    rows,
    summary: {
      hetero_over_base: tps(heteroT!) / tps(baseT!),
      hetero_over_sequential: tps(heteroT!) / tps(seq),
      hetero_over_sequential_with_merge: tps(heteroT!) / ((1000 * seq.tokens) / (seq.ms + mergeMs)),
      slot0_over_base: tps(slot0T!) / tps(baseT!),
      decode_only: {
        hetero_over_base: decodeTps(heteroT!) / decodeTps(baseT!),
        hetero_over_sequential: decodeTps(heteroT!) / decodeTps(seq),
        slot0_over_base: decodeTps(slot0T!) / decodeTps(baseT!),
      },
      cold_load_ms_p50: median(cold),
      list_1000_ms: median(listed.listMs),
      hetero_tokens_per_s: tps(heteroT!),
      base_tokens_per_s: tps(baseT!),
      sequential_tokens_per_s: tps(seq),
      speculative_acceptance: {
        base_rows: acceptance.base.rate,
        adapter_rows: acceptance.adapters.rate,
        note: "draft = the base model without adapters; target = base + the row's adapter",
      },
      pool: {
        slots: poolMetrics.slots,
        loads: poolMetrics.loads,
        hits: poolMetrics.hits,
        evictions: poolMetrics.evictions,
      },
      goals: { hetero_over_base: 0.8, hetero_over_sequential: 3.0 },
    },
  };
  return result;
};
