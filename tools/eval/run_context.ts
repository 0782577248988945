/**
 * The CLI's {@link EvalContext}: a real edge (startEvalEdge) seeded with the world corpus and
 * one engine per model, created on first use and disposed by `close()`.
 *
 * @module
 */
import type { Engine, EngineStats } from "../../client/engine/api.ts";
import type { EvalContext, EvalModel } from "./context.ts";
import { startEvalEdge } from "./edge.ts";
import { createEvalEngine } from "./engines.ts";

/** Settings of {@link openEvalContext}. */
export interface OpenContextOptions {
  readonly modelsDir: string;
  readonly limit: number;
  readonly seed: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** A context and the way to release what it started. */
export interface OpenContext {
  readonly ctx: EvalContext;
  /** Documents the edge seeded. */
  readonly documents: number;
  /** Counters of every engine loaded so far, by model. */
  engineStats(): Promise<Record<string, EngineStats>>;
  close(): Promise<void>;
}

/**
 * Start the edge on `${modelsDir}/corpus.json` and return the context of the sections.
 *
 * @example
 * ```ts
 * const { ctx, close } = await openEvalContext({ modelsDir: "models/world", limit: 32, seed: 0, log: console.error });
 * try { await closedBookSection.run(ctx); } finally { await close(); }
 * ```
 */
export async function openEvalContext(o: OpenContextOptions): Promise<OpenContext> {
  const edge = await startEvalEdge(`${o.modelsDir}/corpus.json`, (l) => o.log(`edge: ${l}`));
  if (edge.documents === 0) {
    await edge.close();
    throw new Error(
      `Cannot evaluate as the edge seeded no documents: current corpus is "${o.modelsDir}/corpus.json"`,
    );
  }
  o.log(`edge: ${edge.url} with ${edge.documents} documents`);
  const engines = new Map<EvalModel, Promise<Engine>>();
  const ctx: EvalContext = {
    modelsDir: o.modelsDir,
    edgeUrl: edge.url,
    limit: o.limit,
    seed: o.seed,
    log: o.log,
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    engine(model) {
      let engine = engines.get(model);
      if (engine === undefined) {
        const t0 = performance.now();
        engine = createEvalEngine(o.modelsDir, model).then((e) => {
          o.log(`engine ${model}: loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
          return e;
        });
        engines.set(model, engine);
        // A failed load is not kept: the next call reports the error again.
        engine.catch(() => engines.delete(model));
      }
      return engine;
    },
  };
  return {
    ctx,
    documents: edge.documents,
    async engineStats() {
      const out: Record<string, EngineStats> = {};
      for (const [model, engine] of engines) {
        const loaded = await engine.catch(() => undefined);
        if (loaded !== undefined) out[model] = await loaded.stats();
      }
      return out;
    },
    async close() {
      const loaded = await Promise.allSettled(engines.values());
      for (const r of loaded) if (r.status === "fulfilled") await r.value.dispose();
      await edge.close();
    },
  };
}
