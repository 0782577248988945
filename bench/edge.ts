/**
 * `deno task bench edge [--quick]`: the edge functions under load on 127.0.0.1 only.
 *
 * 1. Starts `functions/main.ts` in a child process (empty temporary database, rate limit off).
 * 2. Ingests a seeded 5,000-document generated corpus in requests of 1,000 (ingest_docs_per_s).
 * 3. Load-tests POST /v1/retrieve with autocannon at 50 connections, a fixed request count and a
 *    duration cap (retrieve_rps, retrieve_p99_ms, errors).
 * 4. Times one pipeline step (POST /v1/pipelines/start) when that route exists.
 *
 * @module
 */
import autocannon from "autocannon";
import { type BenchResult, type BenchSuite, cpuName } from "./result.ts";

const HOST = "127.0.0.1";
const DOCS = 5_000;
const CONNECTIONS = 50;
const ADMIN_KEY = "bench-admin-key-0123456789";

/** Seeded PRNG (mulberry32): randomness is an argument, never Math.random. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  "ka",
  "lo",
  "mer",
  "tin",
  "sa",
  "vel",
  "dor",
  "ri",
  "an",
  "bel",
  "qu",
  "os",
  "fen",
  "ar",
  "lim",
  "tho",
];

/** The most frequent English words, which take the top Zipf ranks as in real text. */
const FUNCTION_WORDS = (
  "the of and to a in is was that for it as with on by he at from his be an are which this or " +
  "had not but were they their one all its has have been her she who when there also after"
).split(" ");

/**
 * A generated corpus: `count` documents over a Zipf-distributed vocabulary (English function
 * words at the top ranks, then pseudo-words), so term statistics resemble natural text.
 */
export function generateCorpus(count: number, rand: () => number) {
  const pseudo = Array.from({ length: 4000 }, (_, i) => {
    let w = "";
    for (let n = i + 1, s = 0; s < 2 || n > 0; s++, n = Math.floor(n / SYLLABLES.length)) {
      w += SYLLABLES[n % SYLLABLES.length];
    }
    return w;
  });
  const vocab = [...FUNCTION_WORDS, ...pseudo];
  // Zipf(1): P(rank r) ~ 1/r, sampled through the cumulative table.
  const cumulative: number[] = [];
  vocab.reduce((sum, _, r) => (cumulative.push(sum + 1 / (r + 1)), sum + 1 / (r + 1)), 0);
  const total = cumulative[cumulative.length - 1] ?? 1;
  const word = () => {
    const x = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return vocab[lo] ?? "ka";
  };
  const sentence = () => {
    const n = 6 + Math.floor(rand() * 10);
    const words = Array.from({ length: n }, word);
    return `${words.join(" ")}.`;
  };
  return Array.from({ length: count }, (_, i) => ({
    id: `gen-${i}`,
    title: `${word()} ${word()}`,
    text: Array.from({ length: 5 + Math.floor(rand() * 12) }, sentence).join(" "),
  }));
}

function freePort(): number {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `Cannot run bench as the server at ${url} did not answer /health in ${timeoutMs} ms`,
  );
}

/** The part of autocannon's result this suite reads. */
interface CannonResult {
  latency: { p50: number; p99: number; average: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
}

/** autocannon is untyped: this narrow adapter types the one call the suite makes. */
function cannon(opts: Record<string, unknown>, capMs: number): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    // The npm module ships no types: this is the one call signature the suite uses.
    const run = autocannon as unknown as (
      options: Record<string, unknown>,
      done: (err: unknown, result: CannonResult) => void,
    ) => { stop(): void };
    const instance = run(opts, (err: unknown, result: CannonResult) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(result);
    });
    const timer = setTimeout(() => instance.stop(), capMs);
  });
}

async function loadRetrieve(
  url: string,
  queries: readonly string[],
  connections: number,
  amount: number,
  capS: number,
) {
  let i = 0;
  return await cannon({
    url: `${url}/v1/retrieve`,
    connections,
    amount,
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: [{
      setupRequest: (req: Record<string, unknown>) => ({
        ...req,
        body: JSON.stringify({ query: queries[i++ % queries.length], k: 5 }),
      }),
    }],
  }, capS * 1000);
}

async function pipelineStep(url: string, samples: number): Promise<Record<string, unknown>> {
  const body = JSON.stringify({
    pipeline: ["selfrag"],
    input: { messages: [{ role: "user", content: "Who founded the town of kalo merti?" }] },
  });
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/pipelines/start`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await res.text();
    times.push(performance.now() - t0);
    status = res.status;
    if (status === 404) return { phase: "pipeline_step", status: "missing (404)" };
  }
  times.sort((a, b) => a - b);
  return {
    phase: "pipeline_step",
    route: "POST /v1/pipelines/start",
    http_status: status,
    samples,
    p50_ms: times[Math.floor(samples * 0.5)] ?? 0,
    p99_ms: times[Math.min(samples - 1, Math.floor(samples * 0.99))] ?? 0,
  };
}

/** The suite. */
export const run: BenchSuite = async ({ quick }) => {
  const rand = mulberry32(20261127);
  const corpus = generateCorpus(DOCS, rand);
  const queries = Array.from({ length: 500 }, () => {
    const doc = corpus[Math.floor(rand() * corpus.length)];
    const words = (doc?.text ?? "").replace(/\./g, "").split(" ");
    const start = Math.floor(rand() * Math.max(1, words.length - 4));
    return words.slice(start, start + 2 + Math.floor(rand() * 3)).join(" ");
  });
  const dataDir = await Deno.makeTempDir({ prefix: "verity-bench-" });
  const port = freePort();
  const url = `http://${HOST}:${port}`;
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../functions/main.ts", import.meta.url).pathname],
    env: {
      PORT: String(port),
      HOST,
      VERITY_DATA_DIR: dataDir,
      VERITY_SEED_CORPUS: "0",
      VERITY_ADMIN_KEY: ADMIN_KEY,
      VERITY_STATE_SECRET: "bench-state-secret-0123456789",
      VERITY_RATE_LIMIT_RPS: "0",
    },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  try {
    await waitReady(url, 30_000);
    const t0 = performance.now();
    for (let i = 0; i < corpus.length; i += 1000) {
      const res = await fetch(`${url}/v1/documents`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ documents: corpus.slice(i, i + 1000) }),
      });
      if (!res.ok) throw new Error(`Cannot run bench as ingest failed: ${await res.text()}`);
      await res.body?.cancel();
    }
    const ingestS = (performance.now() - t0) / 1000;

    await loadRetrieve(url, queries, CONNECTIONS, quick ? 500 : 2_000, 10); // warm-up
    // One connection: the service time of a request without queueing.
    const single = await loadRetrieve(url, queries, 1, quick ? 300 : 2_000, 15);
    const r = await loadRetrieve(
      url,
      queries,
      CONNECTIONS,
      quick ? 5_000 : 30_000,
      quick ? 25 : 150,
    );
    const completed = r["2xx"] + r.non2xx;
    const errors = r.errors + r.timeouts + r.non2xx + single.errors + single.timeouts +
      single.non2xx;
    const step = await pipelineStep(url, quick ? 20 : 100);
    const rows: Record<string, unknown>[] = [
      { phase: "ingest", docs: DOCS, seconds: ingestS, docs_per_s: DOCS / ingestS },
      {
        phase: "retrieve",
        connections: 1,
        requests: single["2xx"] + single.non2xx,
        seconds: single.duration,
        rps: single["2xx"] / single.duration,
        p50_ms: single.latency.p50,
        p99_ms: single.latency.p99,
        errors: single.errors + single.timeouts + single.non2xx,
      },
      {
        phase: "retrieve",
        connections: CONNECTIONS,
        requests: completed,
        seconds: r.duration,
        rps: r["2xx"] / r.duration,
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
      },
      step,
    ];
    const result: BenchResult = {
      suite: "edge",
      date: new Date().toISOString(),
      runtime: { deno: Deno.version.deno, cpu: await cpuName(), sqlite: "node:sqlite (FTS5)" },
      rows,
      summary: {
        retrieve_rps: r["2xx"] / r.duration,
        retrieve_p99_ms: r.latency.p99,
        errors,
        ingest_docs_per_s: DOCS / ingestS,
        retrieve_c1_p99_ms: single.latency.p99,
        pipeline_step_p50_ms: step.p50_ms ?? null,
        quick,
      },
    };
    return result;
  } finally {
    server.kill("SIGTERM");
    await server.status;
    await Deno.remove(dataDir, { recursive: true });
  }
};
