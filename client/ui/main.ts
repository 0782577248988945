/**
 * Entry of the minimal page (bundled by tools/build.ts to client/ui/dist/main.js): loads a
 * model in the engine worker with byte progress, shows the execution provider and why, and
 * streams a chat completion into the page with a Stop button.
 *
 * URL parameters: `model` (folder URL, default /models/fixtures/target), `ep` ("auto",
 * "webgpu", "wasm"), `cache` ("0" disables the IndexedDB model cache).
 *
 * For tests and debugging the page publishes its state as `globalThis.verityPage`.
 *
 * @module
 */
import type { Engine, EngineInfo } from "../engine/api.ts";
import { EngineStateError } from "../engine/errors.ts";
import type { LoadProgress } from "../engine/loader/progress.ts";
import { connectWorkerEngine } from "../engine/worker/worker_client.ts";
import { ProgressView } from "./progress_view.ts";

/** The default model folder, served by the Verity server. */
export const DEFAULT_MODEL = "/models/fixtures/target";

/** What the page exposes as `globalThis.verityPage`. */
export interface PageState {
  /** Every progress event of the last load, in order. */
  readonly progress: LoadProgress[];
  /** Settles when the model is loaded (with its info) or failed. */
  readonly ready: Promise<EngineInfo>;
  engine?: Engine;
  info?: EngineInfo;
  error?: { name: string; message: string };
}

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`Cannot start the page as element '#${id}' is missing`);
  return el as T;
}

function showError(status: HTMLElement, err: unknown): { name: string; message: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  status.textContent = `${e.name}: ${e.message}`;
  status.dataset.error = e.name;
  return { name: e.name, message: e.message };
}

/** Start the page: load the model and wire the form. */
export function startPage(): PageState {
  const params = new URLSearchParams(location.search);
  const modelUrl = new URL(params.get("model") ?? DEFAULT_MODEL, location.href).href;
  const ep = params.get("ep") ?? "auto";
  const status = byId<HTMLElement>("status");
  const view = new ProgressView(
    byId("files"),
    byId<HTMLProgressElement>("total-progress"),
    byId("total-text"),
  );
  const form = byId<HTMLFormElement>("chat");
  const prompt = byId<HTMLTextAreaElement>("prompt");
  const generate = byId<HTMLButtonElement>("generate");
  const stop = byId<HTMLButtonElement>("stop");
  const output = byId<HTMLElement>("output");

  // Best effort: persist() exists only on windows, the worker's cache cannot ask for it.
  navigator.storage?.persist?.().catch(() => false);

  const workerUrl = new URL("./engine_worker.js", import.meta.url);
  const worker = new Worker(workerUrl, { type: "module" });
  // A worker whose script fails to load never answers: fail the load instead of waiting forever.
  const workerFailed = new Promise<never>((_, reject) => {
    worker.addEventListener("error", (e) => {
      const why = e.message || "is the client built? (deno task build)";
      reject(
        new EngineStateError(`Cannot start the engine worker '${workerUrl.pathname}': ${why}`),
      );
    }, { once: true });
  });
  status.textContent = `Loading ${modelUrl}…`;
  const connecting = connectWorkerEngine(
    worker,
    {
      model: { kind: "url", url: modelUrl },
      ep: ep as "auto" | "webgpu" | "wasm",
      cache: params.get("cache") !== "0",
    },
    (p) => {
      state.progress.push(p);
      view.update(p);
    },
  );
  const state: PageState = {
    progress: [],
    ready: Promise.race([connecting, workerFailed]).then(async (engine) => {
      state.engine = engine;
      const info = await engine.info();
      state.info = info;
      status.textContent = `Loaded ${info.model}`;
      byId("ep").textContent = `Execution provider: ${info.ep} (${info.epReason})`;
      byId("ep").dataset.ep = info.ep;
      generate.disabled = false;
      return info;
    }, (err: unknown) => {
      state.error = showError(status, err);
      throw err;
    }),
  };
  state.ready.catch(() => {}); // surfaced in the status line

  let running: AbortController | undefined;
  stop.addEventListener("click", () => running?.abort());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const engine = state.engine;
    if (engine === undefined || running !== undefined) return;
    running = new AbortController();
    generate.disabled = true;
    stop.disabled = false;
    output.textContent = "";
    delete output.dataset.done;
    try {
      const stream = await engine.chat.completions.create({
        messages: [{ role: "user", content: prompt.value }],
        stream: true,
        max_tokens: Number(byId<HTMLInputElement>("max-tokens").value),
        temperature: Number(byId<HTMLInputElement>("temperature").value),
      }, { signal: running.signal });
      for await (const chunk of stream) {
        for (const choice of chunk.choices) output.textContent += choice.delta.content ?? "";
      }
      output.dataset.done = "stop";
    } catch (err) {
      output.dataset.done = err instanceof Error && err.name === "GenerationAbortedError"
        ? "aborted"
        : "error";
      if (output.dataset.done === "error") showError(status, err);
    } finally {
      running = undefined;
      generate.disabled = false;
      stop.disabled = true;
    }
  });
  return state;
}

(globalThis as { verityPage?: PageState }).verityPage = startPage();
