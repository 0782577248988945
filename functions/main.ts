/**
 * Deno entry (`deno task start`): the edge functions over a SQLite file plus the browser
 * client's static files, with cross-origin isolation headers on every response.
 *
 * @module
 */
import { createApp, systemClock } from "./app.ts";
import {
  appSettingsFromEnv,
  DEFAULT_SEED_CORPUS_PATH,
  type Env,
  serverSettingsFromEnv,
} from "./config.ts";
import { seedStore } from "./seed.ts";
import { memoryRateLimitStore } from "./security/rate_limit.ts";
import { clientMounts, staticHandler, withIsolationHeaders } from "./static.ts";
import { createDocumentStore, type DocumentStore } from "./store/document_store.ts";
import { openSqliteDriver } from "./store/sqlite_driver.ts";

/** Name of the SQLite file inside VERITY_DATA_DIR. */
export const DATABASE_FILE = "verity.sqlite";

/** Options of `startServer`; unset fields come from `env` (PORT, HOST, VERITY_*). */
export interface StartOptions {
  /** Port; 0 picks a free one. */
  readonly port?: number;
  /** Interface to bind, e.g. "127.0.0.1". */
  readonly hostname?: string;
  /** Environment variables (default: the process environment). */
  readonly env?: Env;
  /** Where log lines go (default: console). */
  readonly log?: (line: string) => void;
  /** Folder of the client bundle served at /ui/dist/ (default client/ui/dist). */
  readonly clientDist?: string;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. "http://127.0.0.1:8000". */
  readonly url: string;
  /** The store behind it (tests inspect it). */
  readonly store: DocumentStore;
  /** Stop serving and close the database. */
  close(): Promise<void>;
}

/** Absolute path of the project root (the folder above functions/). */
export function projectRoot(): string {
  return decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
}

/**
 * Start the server: open (and migrate) the database, seed the bundled corpus (the tiny world's
 * models/world/corpus.json, or VERITY_SEED_CORPUS_PATH) unless VERITY_SEED_CORPUS=0, and
 * serve the API and the client.
 *
 * @example
 * ```ts
 * const server = await startServer({ port: 0, hostname: "127.0.0.1", env: { VERITY_SEED_CORPUS: "0" } });
 * await fetch(`${server.url}/health`);
 * await server.close();
 * ```
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const env = options.env ?? Deno.env.toObject();
  const log = options.log ?? ((line: string) => console.log(line));
  const root = projectRoot();
  const server = serverSettingsFromEnv(env, {
    seedCorpusPath: `${root}/${DEFAULT_SEED_CORPUS_PATH}`,
  });
  const { settings, warnings } = appSettingsFromEnv(env);
  for (const warning of warnings) log(`warning: ${warning}`);

  await Deno.mkdir(server.dataDir, { recursive: true });
  const store = createDocumentStore(openSqliteDriver(`${server.dataDir}/${DATABASE_FILE}`));
  try {
    await store.migrate();
    if (server.seedCorpus) {
      const seeded = await seedStore(store, server.seedCorpusPath, systemClock.now());
      if (seeded > 0) log(`seeded ${seeded} documents from ${server.seedCorpusPath}`);
    }
  } catch (error) {
    await store.close();
    throw error;
  }

  const app = createApp({
    store,
    settings,
    clock: systemClock,
    rateLimits: memoryRateLimitStore(),
  });
  const serveClient = staticHandler(clientMounts(root, options.clientDist));
  const httpServer = Deno.serve({
    port: options.port ?? server.port,
    hostname: options.hostname ?? server.hostname,
    onListen: () => {},
  }, async (request, info) => {
    const remoteAddr = info.remoteAddr.transport === "tcp" ? info.remoteAddr.hostname : undefined;
    const response = (await serveClient(request)) ??
      (await app.fetch(request, remoteAddr === undefined ? {} : { remoteAddr }));
    return withIsolationHeaders(response);
  });
  const { hostname, port } = httpServer.addr;
  const shown = hostname === "0.0.0.0" ? "localhost" : hostname;
  return {
    url: `http://${shown}:${port}`,
    store,
    async close() {
      await httpServer.shutdown();
      await store.close();
    },
  };
}

async function main(): Promise<void> {
  const server = await startServer();
  console.log(`Verity listening on ${server.url}`);
  const stop = () => {
    server.close().finally(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

if (import.meta.main) await main();
