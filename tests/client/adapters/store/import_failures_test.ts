/**
 * Imports that fail midway leave nothing behind and never damage a stored adapter: bad JSON,
 * bad safetensors, aborts while reading, fetch failures and truncated downloads. URL imports
 * run against a real local HTTP server.
 *
 * @module
 */
import assert from "node:assert/strict";
import { AdapterImportError } from "../../../../client/adapters/store/errors.ts";
import { startStaticServer } from "../../../helpers/static_server.ts";
import { makePeftFiles } from "./peft_files.ts";
import { openTestStore, quarters, rawCounts, rejection, sha256Of } from "./store_fixtures.ts";

/** A fetch whose weights body delivers `cut` bytes, then errors (a dropped connection). */
function droppingFetch(config: string, weights: Uint8Array, cut: number): typeof fetch {
  return (input) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith("/adapter_config.json")) return Promise.resolve(new Response(config));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(weights.slice(0, cut));
        controller.error(new TypeError("connection reset"));
      },
    });
    return Promise.resolve(
      new Response(body, { headers: { "content-length": String(weights.byteLength) } }),
    );
  };
}

Deno.test("a failed replace-import keeps the stored adapter byte for byte", async () => {
  const { store, factory } = await openTestStore();
  const good = makePeftFiles({ seed: 1 });
  const before = await store.importFiles(good, { name: "keep", id: "k" });
  const next = makePeftFiles({ seed: 2 });
  const attempts: Promise<unknown>[] = [
    store.importFiles({ config: "{not json", weights: next.weights }, {
      name: "k2",
      id: "k",
      replace: true,
    }),
    store.importFiles({ config: next.config, weights: next.weights.slice(0, 20) }, {
      name: "k2",
      id: "k",
      replace: true,
    }),
    store.importUrl("http://adapters.test/k2", {
      id: "k",
      replace: true,
      fetch: droppingFetch(next.config, next.weights, 100),
    }),
  ];
  for (const attempt of attempts) {
    assert.ok((await rejection(attempt)) instanceof AdapterImportError);
  }
  assert.deepEqual(await store.get("k"), before);
  const files = await store.exportFiles("k");
  assert.equal(files.config, good.config);
  assert.equal(await sha256Of(files.weights), before.sha256);
  assert.deepEqual(await rawCounts(factory), { adapters: 1, files: 1 });
  store.close();
});

Deno.test("aborting while a Blob's weights are read rejects with the abort reason and stores nothing", async () => {
  const { store, factory } = await openTestStore();
  const files = makePeftFiles({
    layers: 16,
    modules: ["gate_proj", "up_proj", "down_proj"],
    r: 16,
  });
  const controller = new AbortController();
  const seen: number[] = [];
  const err = await rejection(store.importFiles(
    // Four parts, so the Blob streams in more than one chunk under Deno.
    { config: files.config, weights: new Blob(quarters(files.weights)) },
    {
      name: "aborted",
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.loaded);
        if (p.loaded > 0) controller.abort(new DOMException("user cancelled", "AbortError"));
      },
    },
  ));
  assert.equal(err.name, "AbortError");
  assert.equal(err.message, "user cancelled");
  assert.ok(seen.at(-1)! > 0 && seen.at(-1)! < files.weights.byteLength, `progress ${seen}`);
  assert.deepEqual(await rawCounts(factory), { adapters: 0, files: 0 });
  store.close();
});

Deno.test("an already aborted signal stops importFiles() before anything is read", async () => {
  const { store, factory } = await openTestStore();
  const err = await rejection(
    store.importFiles(makePeftFiles(), { name: "x", signal: AbortSignal.abort() }),
  );
  assert.equal(err.name, "AbortError");
  assert.deepEqual(await rawCounts(factory), { adapters: 0, files: 0 });
  store.close();
});

Deno.test("a connection dropped midway through the weights fails the URL import cleanly", async () => {
  const { store, factory } = await openTestStore();
  const files = makePeftFiles();
  const err = await rejection(store.importUrl("http://adapters.test/lora/math", {
    fetch: droppingFetch(files.config, files.weights, 64),
  }));
  assert.ok(err instanceof AdapterImportError);
  assert.equal(
    err.message,
    "Cannot import adapter 'math' as downloading http://adapters.test/lora/math/adapter_model.safetensors failed: connection reset",
  );
  assert.deepEqual(await rawCounts(factory), { adapters: 0, files: 0 });
  store.close();
});

Deno.test("importUrl() downloads a folder from a real HTTP server with byte progress", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "verity-adapters-" });
  const files = makePeftFiles({
    seed: 9,
    layers: 4,
    modules: ["q_proj", "k_proj", "v_proj", "o_proj"],
  });
  await Deno.mkdir(`${dir}/math`);
  await Deno.writeTextFile(`${dir}/math/adapter_config.json`, files.config);
  await Deno.writeFile(`${dir}/math/adapter_model.safetensors`, files.weights);
  await Deno.mkdir(`${dir}/short`);
  await Deno.writeTextFile(`${dir}/short/adapter_config.json`, files.config);
  await Deno.writeFile(`${dir}/short/adapter_model.safetensors`, files.weights.slice(0, 99));
  const server = startStaticServer([{ prefix: "/adapters/", dir }]);
  const { store, factory } = await openTestStore();
  try {
    await t.step(
      "the folder's name becomes the adapter name and the bytes arrive intact",
      async () => {
        const events: { loaded: number; total: number }[] = [];
        const meta = await store.importUrl(`${server.url}/adapters/math`, {
          id: "m",
          onProgress: (p) => events.push(p),
        });
        const total = files.weights.byteLength;
        assert.equal(meta.name, "math");
        assert.equal(meta.sha256, await sha256Of(files.weights));
        assert.deepEqual(events[0], { loaded: 0, total });
        assert.deepEqual(events.at(-1), { loaded: total, total });
        assert.deepEqual((await store.exportFiles("m")).weights, files.weights);
      },
    );
    await t.step("a missing folder gives the HTTP status and stores nothing", async () => {
      const err = await rejection(store.importUrl(`${server.url}/adapters/none/`, { name: "n" }));
      assert.equal(
        err.message,
        `Cannot import adapter 'n' as fetching ${server.url}/adapters/none/adapter_config.json failed: HTTP 404`,
      );
    });
    await t.step("truncated weights are rejected as malformed safetensors", async () => {
      const err = await rejection(store.importUrl(`${server.url}/adapters/short/`));
      assert.ok(err instanceof AdapterImportError);
      assert.match(
        err.message,
        /^Cannot import adapter 'short' as adapter_model\.safetensors is malformed: /,
      );
    });
    assert.deepEqual(await rawCounts(factory), { adapters: 1, files: 1 });
  } finally {
    store.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a body shorter than its Content-Length is a failed download", async () => {
  const { store, factory } = await openTestStore();
  const files = makePeftFiles();
  const fetchShort: typeof fetch = (input) => {
    const url = String(input);
    if (url.endsWith(".json")) return Promise.resolve(new Response(files.config));
    return Promise.resolve(
      new Response(files.weights.slice(0, 50) as Uint8Array<ArrayBuffer>, {
        headers: { "content-length": String(files.weights.byteLength) },
      }),
    );
  };
  const err = await rejection(store.importUrl("http://adapters.test/a/", { fetch: fetchShort }));
  assert.equal(
    err.message,
    `Cannot import adapter 'a' as downloading http://adapters.test/a/adapter_model.safetensors failed: expected ${files.weights.byteLength} bytes but the stream delivered 50`,
  );
  assert.deepEqual(await rawCounts(factory), { adapters: 0, files: 0 });
  store.close();
});

Deno.test("aborting a URL import midway rejects with the abort reason and stores nothing", async () => {
  const { store, factory } = await openTestStore();
  const files = makePeftFiles();
  const controller = new AbortController();
  // The body sends one chunk, then stalls until the import cancels it.
  let cancelled = false;
  const stalling: typeof fetch = (input) => {
    if (String(input).endsWith(".json")) return Promise.resolve(new Response(files.config));
    const body = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(files.weights.slice(0, 32)),
      cancel: () => void (cancelled = true),
    });
    return Promise.resolve(new Response(body));
  };
  const err = await rejection(store.importUrl("http://adapters.test/a/", {
    fetch: stalling,
    signal: controller.signal,
    onProgress: (p) => p.loaded > 0 && controller.abort(),
  }));
  assert.equal(err.name, "AbortError");
  assert.ok(cancelled, "the download stream was cancelled");
  assert.deepEqual(await rawCounts(factory), { adapters: 0, files: 0 });
  store.close();
});

Deno.test("an abort that lands while the rows are written rolls the whole transaction back", async () => {
  const controller = new AbortController();
  let aborting = false;
  // The clock is read just before the write transaction starts: abort there, after the
  // signal's last check outside the transaction.
  const now = () => {
    if (aborting) controller.abort(new DOMException("late", "AbortError"));
    return 7;
  };
  const { store, factory } = await openTestStore({ now });
  const first = makePeftFiles({ seed: 1 });
  const before = await store.importFiles(first, { name: "old", id: "x" });
  aborting = true;
  const err = await rejection(store.importFiles(makePeftFiles({ seed: 2 }), {
    name: "new",
    id: "x",
    replace: true,
    signal: controller.signal,
  }));
  assert.equal(err.message, "late");
  assert.ok(controller.signal.aborted);
  assert.deepEqual(await store.get("x"), before);
  assert.deepEqual((await store.exportFiles("x")).weights, first.weights);
  assert.deepEqual(await rawCounts(factory), { adapters: 1, files: 1 });
  store.close();
});
