/**
 * Test helpers for the pipeline driver: the REAL edge app (functions/app.ts over an in-memory
 * SQLite store holding a few short documents) reached through `app.fetch`, and an engine
 * wrapper that records every call before handing it to the real engine.
 *
 * @module
 */
import type { Hono } from "hono";
import type {
  CallOptions,
  ChatCompletionRequest,
  Engine,
  GenerateRequest,
  GenerateResult,
} from "../../../client/engine/api.ts";
import { DEFAULT_LIMITS } from "../../../functions/config.ts";
import { testApp, testSettings } from "../../functions/app_fixture.ts";

/** Short documents, so that prompts fit the fixture model's 512-token context. */
export const DOCS = [
  { id: "ada", title: "Ada", text: "Ada lives in Port Arlen. Ada sells saltglass." },
  { id: "bo", title: "Bo", text: "Bo lives in Greater Maren. Bo grows moonkelp." },
  { id: "cy", title: "Cy", text: "Cy sails the Pale Sea. Cy counts tides." },
];

/** The edge app with DOCS (and `extra`) ingested and a rate limit no test reaches. */
export async function edgeApp(extra: readonly typeof DOCS[number][] = []): Promise<Hono> {
  const settings = testSettings({
    limits: { ...DEFAULT_LIMITS, rateLimitPerSecond: 10_000, rateLimitBurst: 10_000 },
  });
  const { app, store } = await testApp(settings);
  await store.upsertMany(
    [...DOCS, ...extra].map((d) => ({ ...d, metadata: {} })),
    1_700_000_000_000,
  );
  return app;
}

/** A fetch that hands every request to the app (no network). */
export function appFetch(app: Hono): typeof fetch {
  return (input, init) => Promise.resolve(app.fetch(new Request(input, init)));
}

/** Every call an engine received, in order. */
export interface EngineCalls {
  generate: GenerateRequest[][];
  chat: ChatCompletionRequest[];
}

/** The engine, recording each call (the real engine still does all the work). */
export function recording(engine: Engine): { engine: Engine; calls: EngineCalls } {
  const calls: EngineCalls = { generate: [], chat: [] };
  const create = (req: ChatCompletionRequest, options?: CallOptions) => {
    calls.chat.push(req);
    return engine.chat.completions.create(req, options);
  };
  return {
    calls,
    engine: {
      // Every other member (info, stats, dispose, ...) is the engine's own.
      ...engine,
      chat: { completions: { create } as Engine["chat"]["completions"] },
      generate(requests: readonly GenerateRequest[], options?: CallOptions) {
        calls.generate.push([...requests]);
        return engine.generate(requests, options) as Promise<GenerateResult[]>;
      },
    },
  };
}

/**
 * The engine with a planner: a model with random weights cannot write a CoVe plan, so the text
 * of the plan row (id "N.cove.plan") is replaced by `plan`; the row itself still runs on the
 * real engine, and every other row is the engine's own output.
 */
export function withPlan(engine: Engine, plan: string): Engine {
  return {
    ...engine,
    chat: engine.chat,
    async generate(requests: readonly GenerateRequest[], options?: CallOptions) {
      const results = await engine.generate(requests, options);
      return results.map((r) => /\.cove\.plan$/.test(r.id) ? { ...r, text: plan } : r);
    },
  };
}

/** A plan in the CoVe format: `{fact}, {question}?` lines, each followed by an answer line. */
export const PLAN = "Ada lives in Port Arlen, where does Ada live?\nA: Port Arlen\n" +
  "Ada sells saltglass, what does Ada sell?\nA: Saltglass\n";
