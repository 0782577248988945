/**
 * The shared endpoint cases against functions/worker.ts running in workerd under
 * `wrangler dev` (local D1 and KV in a temporary folder) on 127.0.0.1.
 */
import {
  ADMIN_KEY,
  CLIENT_HEADER,
  ENDPOINT_CASES,
  RATE_LIMIT_BURST,
  RATE_LIMIT_RPS,
  withClient,
} from "./endpoint_cases.ts";

const WRANGLER = "npm:wrangler@4.164.0";
const READY_TIMEOUT_MS = 60_000;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitReady(url: string, child: Deno.ChildProcess, log: () => string) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  child.status.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev exited early:\n${log()}`);
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev was not ready after ${READY_TIMEOUT_MS} ms:\n${log()}`);
}

Deno.test("wrangler dev (workerd, local D1 + KV): the shared endpoint cases pass", async (t) => {
  const root = new URL("../../", import.meta.url).pathname;
  const state = await Deno.makeTempDir({ prefix: "verity-wrangler-" });
  const port = freePort();
  const vars = {
    VERITY_ADMIN_KEY: ADMIN_KEY,
    VERITY_STATE_SECRET: "test-state-secret-0123456789",
    VERITY_CLIENT_IP_HEADER: CLIENT_HEADER,
    VERITY_RATE_LIMIT_RPS: String(RATE_LIMIT_RPS),
    VERITY_RATE_LIMIT_BURST: String(RATE_LIMIT_BURST),
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      WRANGLER,
      "dev",
      "--config",
      `${root}wrangler.toml`,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      state,
      "--show-interactive-dev-session=false",
      ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
    ],
    cwd: root,
    env: { WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const drain = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(
      new WritableStream({ write: (chunk) => void (output += decoder.decode(chunk)) }),
    );
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, () => output.slice(-4000));
    for (const [i, c] of ENDPOINT_CASES.entries()) {
      await t.step(
        c.name,
        () => c.run(withClient((path, init) => fetch(`${url}${path}`, init), `w${i}`)),
      );
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await drained;
    await Deno.remove(state, { recursive: true });
  }
});
