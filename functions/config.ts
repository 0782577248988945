/**
 * Settings from the environment, parsed once at startup by the entry points (main.ts, worker.ts)
 * and passed down; nothing here reads the environment by itself.
 *
 * @module
 */
import { z } from "zod";

/** Request limits and rate limits the app enforces. */
export const Limits = z.object({
  /** Body limit of `POST /v1/documents`, bytes. */
  ingestBodyBytes: z.number().int().positive(),
  /** Body limit of `/v1/pipelines/*` (signed state plus a batch of generations), bytes. */
  pipelineBodyBytes: z.number().int().positive(),
  /** Body limit of `/v1/verify/*` (texts up to 100,000 characters), bytes. */
  verifyBodyBytes: z.number().int().positive(),
  /** Body limit of every other endpoint, bytes. */
  bodyBytes: z.number().int().positive(),
  /** Token-bucket refill rate per client, requests per second; 0 disables rate limiting. */
  rateLimitPerSecond: z.number().nonnegative(),
  /** Token-bucket capacity per client, requests. */
  rateLimitBurst: z.number().int().positive(),
});
/** Request limits and rate limits the app enforces. */
export type Limits = z.infer<typeof Limits>;

/** Settings `createApp` needs (both runtimes). */
export const AppSettings = z.object({
  /** Bearer key of the write endpoints; undefined refuses every write. */
  adminKey: z.string().min(1).optional(),
  /** HMAC key of pipeline state tokens. */
  stateSecret: z.string().min(16),
  /** Origins allowed by CORS; empty = no CORS headers (same origin only); "*" = any origin. */
  corsOrigins: z.array(z.string()),
  /** Header holding the client address for rate limiting (e.g. cf-connecting-ip); else the socket address. */
  clientIpHeader: z.string().min(1).optional(),
  limits: Limits,
});
/** Settings `createApp` needs. */
export type AppSettings = z.infer<typeof AppSettings>;

/** Settings of the Deno server only. */
export const ServerSettings = z.object({
  port: z.number().int().min(0).max(65535),
  hostname: z.string().min(1),
  /** Folder of the SQLite database. */
  dataDir: z.string().min(1),
  /** Whether to seed the bundled corpus at startup. */
  seedCorpus: z.boolean(),
  /** Path of the bundled corpus (`{ documents: [...] }`). */
  seedCorpusPath: z.string().min(1),
});
/** Settings of the Deno server only. */
export type ServerSettings = z.infer<typeof ServerSettings>;

/**
 * Default limits: 5 MB ingest, 1 MB pipeline steps, 512 KB verify, 64 KB elsewhere, 20 req/s
 * per client with bursts of 60.
 */
export const DEFAULT_LIMITS: Limits = {
  ingestBodyBytes: 5 * 1024 * 1024,
  pipelineBodyBytes: 1024 * 1024,
  verifyBodyBytes: 512 * 1024,
  bodyBytes: 64 * 1024,
  rateLimitPerSecond: 20,
  rateLimitBurst: 60,
};

/**
 * Path of the corpus seeded by `deno task start` unless VERITY_SEED_CORPUS=0: the tiny
 * world's documents, which the trained world models answer about (relative to the project
 * root; main.ts passes the absolute path). functions/seed_corpus.json stays for the tests
 * and judged retrieval queries that pin it.
 */
export const DEFAULT_SEED_CORPUS_PATH = "models/world/corpus.json";

/** A setting that cannot be parsed. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** Environment variables as a plain record (Deno.env.toObject() or worker bindings). */
export type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function numberSetting(env: Env, name: string, fallback: number, integer: boolean): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new SettingsError(
      `Cannot read settings as '${name}' must be a non-negative ${
        integer ? "integer" : "number"
      }: current value is "${raw}"`,
    );
  }
  return value;
}

/** Parse `VERITY_CORS_ORIGINS` (comma list of origins such as `https://a.example`, or `*`). */
export function parseCorsOrigins(raw: string | undefined): string[] {
  const origins = (raw ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
  for (const origin of origins) {
    if (origin === "*") continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed.origin !== origin) {
      throw new SettingsError(
        `Cannot read settings as 'VERITY_CORS_ORIGINS' must list origins like "https://app.example": current value is "${origin}"`,
      );
    }
  }
  return origins;
}

/** A random 256-bit secret as hex, from WebCrypto. */
export function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * App settings from environment variables. An unset VERITY_STATE_SECRET gets a random one
 * (valid for this process or isolate only) and a warning.
 *
 * @example
 * ```ts
 * const { settings, warnings } = appSettingsFromEnv(Deno.env.toObject());
 * ```
 */
export function appSettingsFromEnv(
  env: Env,
  defaults: { clientIpHeader?: string } = {},
): { settings: AppSettings; warnings: string[] } {
  const warnings: string[] = [];
  const adminKey = nonEmpty(env, "VERITY_ADMIN_KEY");
  if (adminKey === undefined) {
    warnings.push("VERITY_ADMIN_KEY is unset: write endpoints refuse every request");
  } else if (adminKey.length < 16) {
    warnings.push("VERITY_ADMIN_KEY is shorter than 16 characters: use a long random key");
  }
  let stateSecret = nonEmpty(env, "VERITY_STATE_SECRET");
  if (stateSecret === undefined) {
    stateSecret = randomSecret();
    warnings.push(
      "VERITY_STATE_SECRET is unset: using a random secret, so pipeline states are valid on this instance only until it restarts",
    );
  } else if (stateSecret.length < 16) {
    throw new SettingsError(
      `Cannot read settings as 'VERITY_STATE_SECRET' must have at least 16 characters: current length is ${stateSecret.length}`,
    );
  }
  const clientIpHeader = nonEmpty(env, "VERITY_CLIENT_IP_HEADER") ?? defaults.clientIpHeader;
  const settings: AppSettings = {
    stateSecret,
    corsOrigins: parseCorsOrigins(env["VERITY_CORS_ORIGINS"]),
    limits: {
      ...DEFAULT_LIMITS,
      rateLimitPerSecond: numberSetting(
        env,
        "VERITY_RATE_LIMIT_RPS",
        DEFAULT_LIMITS.rateLimitPerSecond,
        false,
      ),
      rateLimitBurst: Math.max(
        1,
        numberSetting(env, "VERITY_RATE_LIMIT_BURST", DEFAULT_LIMITS.rateLimitBurst, true),
      ),
    },
  };
  if (adminKey !== undefined) settings.adminKey = adminKey;
  if (clientIpHeader !== undefined) settings.clientIpHeader = clientIpHeader.toLowerCase();
  return { settings: AppSettings.parse(settings), warnings };
}

/** Server settings (Deno only) from environment variables. */
export function serverSettingsFromEnv(
  env: Env,
  defaults: { seedCorpusPath?: string } = {},
): ServerSettings {
  const port = numberSetting(env, "PORT", 8000, true);
  if (port > 65535) {
    throw new SettingsError(
      `Cannot read settings as 'PORT' must be at most 65535: current value is "${port}"`,
    );
  }
  return ServerSettings.parse({
    port,
    hostname: nonEmpty(env, "HOST") ?? "0.0.0.0",
    dataDir: nonEmpty(env, "VERITY_DATA_DIR") ?? "./data",
    seedCorpus: nonEmpty(env, "VERITY_SEED_CORPUS") !== "0",
    seedCorpusPath: nonEmpty(env, "VERITY_SEED_CORPUS_PATH") ?? defaults.seedCorpusPath ??
      DEFAULT_SEED_CORPUS_PATH,
  });
}
