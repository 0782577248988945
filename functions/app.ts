/**
 * The Hono app of the edge functions, built from its dependencies; importing this module does
 * nothing. main.ts (Deno) and worker.ts (Cloudflare Workers) build it with their own store and
 * rate-limit store.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import { type HttpMethod, type RouteSpec, toOpenApiPath } from "../shared/openapi.ts";
import type { AppSettings } from "./config.ts";
import { handleError, handleNotFound } from "./http/errors.ts";
import { createFtsRetriever, type QueryOptions } from "./retrieval/fts_retriever.ts";
import { documentsApi, documentsRoutes } from "./routes/documents.ts";
import { healthApi, healthRoutes } from "./routes/health.ts";
import { openapiApi, openapiRoutes } from "./routes/openapi.ts";
import { orchestrationApi } from "./routes/orchestration_api.ts";
import { pipelineRoutes } from "./routes/pipelines.ts";
import { retrieveApi, retrieveRoutes } from "./routes/retrieve.ts";
import { s2aRoutes } from "./routes/s2a.ts";
import { verifyRoutes } from "./routes/verify.ts";
import { limitBodyByPath } from "./security/body_limit.ts";
import { rateLimit, type RateLimitStore } from "./security/rate_limit.ts";
import type { DocumentStore } from "./store/document_store.ts";

/** Version of the HTTP API, reported in /openapi.json. */
export const API_VERSION = "1.0.0";

/** A source of the current time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Values the entry point passes per request (as Hono bindings). */
export interface AppBindings {
  /** Socket address of the client, when the runtime knows it. */
  readonly remoteAddr?: string;
}

/** Everything the app depends on. */
export interface AppDeps {
  /** Documents, passages and the full-text index. */
  readonly store: DocumentStore;
  /** Keys, CORS origins, limits. */
  readonly settings: AppSettings;
  /** Time source (rate limits, timestamps). */
  readonly clock: Clock;
  /** Token buckets of the rate limiter. */
  readonly rateLimits: RateLimitStore;
  /** Query construction; defaults to the measured best. */
  readonly query?: QueryOptions;
}

/** The client key used for rate limiting: the configured header, else the socket address. */
export function clientKey(settings: AppSettings, c: Context): string {
  if (settings.clientIpHeader !== undefined) {
    const value = c.req.header(settings.clientIpHeader)?.split(",")[0]?.trim();
    if (value !== undefined && value !== "") return value;
  }
  // Hono types `env` loosely without declared bindings; main.ts passes AppBindings.
  const remote = (c.env as AppBindings | undefined)?.remoteAddr;
  return remote ?? "unknown";
}

const METHODS: ReadonlySet<string> = new Set(["get", "post", "put", "patch", "delete"]);

type MountedRoutes = { readonly routes: readonly { method: string; path: string }[] };

function mountedKeys(app: MountedRoutes): Set<string> {
  return new Set(app.routes.map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`));
}

/**
 * The document's specs: those whose route is mounted, plus a bare entry for each mounted route
 * without a spec, so /openapi.json lists every route and nothing else.
 */
function documented(app: MountedRoutes, specs: readonly RouteSpec[]): RouteSpec[] {
  const mounted = mountedKeys(app);
  const present = specs.filter((s) => mounted.has(`${s.method} ${s.path}`));
  return [...present, ...undocumented(app, present)];
}

/** Specs for mounted routes that have none. */
function undocumented(
  app: { readonly routes: readonly { method: string; path: string }[] },
  specs: readonly RouteSpec[],
): RouteSpec[] {
  const known = new Set(specs.map((s) => `${s.method} ${s.path}`));
  const out: RouteSpec[] = [];
  for (const route of app.routes) {
    const method = route.method.toLowerCase();
    const path = toOpenApiPath(route.path);
    if (!METHODS.has(method) || known.has(`${method} ${path}`)) continue;
    known.add(`${method} ${path}`);
    out.push({
      method: method as HttpMethod,
      path,
      summary: `${route.method} ${route.path}`,
      responses: { 200: { description: "Success" } },
    });
  }
  return out;
}

/**
 * Build the app.
 *
 * @example
 * ```ts
 * const app = createApp({ store, settings, clock: systemClock, rateLimits: memoryRateLimitStore() });
 * const res = await app.request("/health");
 * ```
 */
export function createApp(deps: AppDeps): Hono {
  const { settings } = deps;
  const app = new Hono();
  app.onError(handleError);
  app.notFound(handleNotFound);

  if (settings.corsOrigins.length > 0) {
    const origins = settings.corsOrigins;
    app.use(
      "*",
      cors({
        origin: origins.includes("*") ? "*" : [...origins],
        allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
        allowHeaders: ["Content-Type", "Authorization"],
        exposeHeaders: ["Retry-After"],
        maxAge: 600,
      }),
    );
  }
  app.use(
    "/v1/*",
    rateLimit({
      store: deps.rateLimits,
      config: {
        ratePerSecond: settings.limits.rateLimitPerSecond,
        burst: settings.limits.rateLimitBurst,
      },
      now: () => deps.clock.now(),
      clientKey: (c) => clientKey(settings, c),
    }),
  );
  app.use(
    "/v1/*",
    limitBodyByPath([
      { prefix: "/v1/documents", maxBytes: settings.limits.ingestBodyBytes },
      { prefix: "/v1/pipelines/", maxBytes: settings.limits.pipelineBodyBytes },
      { prefix: "/v1/verify/", maxBytes: settings.limits.verifyBodyBytes },
    ], settings.limits.bodyBytes),
  );

  const retriever = createFtsRetriever(deps.store, deps.query);
  const specs: RouteSpec[] = [
    ...healthApi,
    ...openapiApi,
    ...documentsApi,
    ...retrieveApi,
    ...orchestrationApi,
  ];
  app.route("/", healthRoutes());
  app.route(
    "/",
    documentsRoutes({
      store: deps.store,
      adminKey: settings.adminKey,
      now: () => deps.clock.now(),
    }),
  );
  app.route("/", retrieveRoutes({ retriever }));
  app.route("/", s2aRoutes());
  app.route("/", verifyRoutes());
  app.route(
    "/",
    pipelineRoutes({
      retriever,
      stateSecret: settings.stateSecret,
      now: () => deps.clock.now(),
    }),
  );
  app.route("/", openapiRoutes(() => documented(app, specs), API_VERSION));
  return app;
}
