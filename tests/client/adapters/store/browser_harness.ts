/**
 * Deno side of the adapter store's browser test (tests/e2e/adapter_store_test.ts): serves a
 * page, the bundled browser entry and PEFT adapter folders on 127.0.0.1, and runs functions
 * in a page with the entry module loaded.
 *
 * @module
 */
import type { Page } from "playwright-core";
import { bundleModule } from "../../../../tools/build.ts";
import { startStaticServer } from "../../../helpers/static_server.ts";
import type { PeftFiles } from "./peft_files.ts";

/** The bundled browser entry, as seen inside the page. */
export type EntryModule = typeof import("../../../e2e/adapter_store_entry.ts");

/** A running test site: the page at `/`, the entry and folders under `/lib/`. */
export interface AdapterSite {
  /** Origin without a trailing slash. */
  readonly url: string;
  /** Stop the server and remove its files. */
  close(): Promise<void>;
}

/**
 * Bundle the entry and serve it with one PEFT folder per key of `folders`, at
 * `/lib/adapters/<key>/adapter_config.json` and `.../adapter_model.safetensors`.
 */
export async function startAdapterSite(folders: Record<string, PeftFiles>): Promise<AdapterSite> {
  const dir = await Deno.makeTempDir({ prefix: "verity-adapter-store-" });
  await Deno.writeTextFile(`${dir}/index.html`, "<!doctype html><title>adapter store</title>");
  for (const [name, files] of Object.entries(folders)) {
    await Deno.mkdir(`${dir}/adapters/${name}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/adapters/${name}/adapter_config.json`, files.config);
    await Deno.writeFile(`${dir}/adapters/${name}/adapter_model.safetensors`, files.weights);
  }
  await bundleModule("tests/e2e/adapter_store_entry.ts", `${dir}/adapter_store.js`);
  const server = startStaticServer([
    { path: "/", file: `${dir}/index.html` },
    { prefix: "/lib/", dir },
  ]);
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Run `fn` in the page with the bundled entry loaded as `mod`; `fn` uses only its arguments. */
export async function inPage<A, R>(
  page: Page,
  fn: (mod: EntryModule, arg: A) => Promise<R>,
  arg: A,
): Promise<R> {
  return await page.evaluate(
    async ([source, a]) => {
      const mod = await import(`${location.origin}/lib/adapter_store.js`);
      // The function text crosses into the page; it only uses its arguments.
      return await (0, eval)(`(${source})`)(mod, a);
    },
    [fn.toString(), arg] as const,
  ) as R;
}
