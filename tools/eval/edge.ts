/**
 * The edge the evaluation talks to: the real Deno server (functions/main.ts startServer) on
 * 127.0.0.1 with a free port, a temporary SQLite file, the world corpus as its seed corpus and
 * rate limiting off (the evaluation sends thousands of steps from one address).
 *
 * @module
 */
import { type RunningServer, startServer } from "../../functions/main.ts";
import { randomSecret } from "../../functions/config.ts";

/** A running evaluation edge. */
export interface EvalEdge {
  /** Origin, e.g. "http://127.0.0.1:41234". */
  readonly url: string;
  /** Documents in its store after seeding. */
  readonly documents: number;
  /** Stop the server and delete its temporary data folder. */
  close(): Promise<void>;
}

/**
 * Start an edge seeded with `corpusPath` (`{ documents: [...] }`).
 *
 * @example
 * ```ts
 * const edge = await startEvalEdge("models/world/corpus.json");
 * await fetch(`${edge.url}/health`);
 * await edge.close();
 * ```
 */
export async function startEvalEdge(
  corpusPath: string,
  log: (line: string) => void = () => {},
): Promise<EvalEdge> {
  try {
    await Deno.stat(corpusPath);
  } catch (cause) {
    throw new Error(
      `Cannot start the evaluation edge as the corpus is missing: current path is "${corpusPath}"`,
      {
        cause,
      },
    );
  }
  const dataDir = await Deno.makeTempDir({ prefix: "verity_eval_edge_" });
  const env = {
    VERITY_DATA_DIR: dataDir,
    VERITY_SEED_CORPUS_PATH: corpusPath,
    VERITY_STATE_SECRET: randomSecret(),
    // A throwaway key: the evaluation never writes, this only silences the startup warning.
    VERITY_ADMIN_KEY: randomSecret(),
    VERITY_RATE_LIMIT_RPS: "0",
  };
  let server: RunningServer;
  try {
    server = await startServer({ port: 0, hostname: "127.0.0.1", env, log });
  } catch (error) {
    await Deno.remove(dataDir, { recursive: true });
    throw error;
  }
  const documents = await server.store.count();
  return {
    url: server.url,
    documents,
    async close() {
      await server.close();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}
