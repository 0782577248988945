/**
 * Cloudflare Workers entry (`wrangler dev` / `wrangler deploy`, see wrangler.toml): the same app
 * over D1 (binding `DB`) with rate-limit buckets in KV (binding `KV`). Settings come from vars
 * and secrets with the same names as under Deno.
 *
 * @module
 */
import type { Hono } from "hono";
import { createApp, systemClock } from "./app.ts";
import { appSettingsFromEnv } from "./config.ts";
import { type KvNamespaceLike, kvRateLimitStore } from "./security/kv_rate_limit_store.ts";
import { type D1DatabaseLike, d1Driver } from "./store/d1_driver.ts";
import { createDocumentStore } from "./store/document_store.ts";

/** The bindings the worker expects. */
export interface WorkerEnv {
  /** D1 database holding documents, passages and the FTS5 index. */
  readonly DB: D1DatabaseLike;
  /** KV namespace for rate-limit buckets. */
  readonly KV: KvNamespaceLike;
  /** Vars and secrets (VERITY_ADMIN_KEY, VERITY_STATE_SECRET, VERITY_CORS_ORIGINS, ...). */
  readonly [name: string]: unknown;
}

interface Built {
  readonly env: WorkerEnv;
  readonly app: Hono;
  readonly ready: Promise<number>;
}

let built: Built | undefined;

function stringVars(env: WorkerEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === "string") vars[name] = value;
  }
  return vars;
}

/**
 * Build the app for an isolate's bindings (once per isolate; the schema is migrated on the
 * first request, idempotently, so any number of isolates may race).
 */
export function appFor(env: WorkerEnv): Built {
  if (built !== undefined && built.env === env) return built;
  const { settings, warnings } = appSettingsFromEnv(stringVars(env), {
    clientIpHeader: "cf-connecting-ip",
  });
  for (const warning of warnings) console.warn(`warning: ${warning}`);
  const store = createDocumentStore(d1Driver(env.DB));
  const app = createApp({
    store,
    settings,
    clock: systemClock,
    rateLimits: kvRateLimitStore(env.KV),
  });
  built = { env, app, ready: store.migrate() };
  return built;
}

/** The Workers module entry. */
export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const current = appFor(env);
    try {
      await current.ready;
    } catch (error) {
      built = undefined; // retry the migration on the next request
      console.error("migration failed:", error);
      return Response.json(
        { error: { code: "unavailable", message: "Database is not ready" } },
        { status: 503 },
      );
    }
    return await current.app.fetch(request);
  },
};
