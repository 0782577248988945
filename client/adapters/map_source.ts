/**
 * Two small {@link AdapterSource}s: adapters held in memory (tests, benchmarks, files the user
 * picked), and adapters served as PEFT folders under a base URL (`<base>/<id>/adapter_config.json`
 * and `adapter_model.safetensors`; works with http(s) in the browser and file: under Deno).
 *
 * @module
 */
import { AdapterError } from "../engine/errors.ts";
import type { AdapterSource, PeftAdapterFiles } from "./source.ts";

/**
 * Adapters held in memory, by id.
 *
 * @example
 * ```ts
 * const source = new MapAdapterSource(new Map([["alpha", { config, weights }]]));
 * ```
 */
export class MapAdapterSource implements AdapterSource {
  readonly #adapters: Map<string, PeftAdapterFiles>;

  constructor(adapters: ReadonlyMap<string, PeftAdapterFiles> = new Map()) {
    this.#adapters = new Map(adapters);
  }

  /** Add or replace an adapter. */
  set(id: string, files: PeftAdapterFiles): void {
    this.#adapters.set(id, files);
  }

  /** The adapter's files; rejects with an {@link AdapterError} naming `id` when unknown. */
  load(id: string): Promise<PeftAdapterFiles> {
    const files = this.#adapters.get(id);
    if (files === undefined) {
      return Promise.reject(
        new AdapterError(`Cannot load adapter '${id}' as no adapter has that id`),
      );
    }
    return Promise.resolve(files);
  }
}

/**
 * PEFT adapter folders under a base URL.
 *
 * @example
 * ```ts
 * const source = new UrlAdapterSource(new URL("../models/fixtures/adapters/", import.meta.url));
 * ```
 */
export class UrlAdapterSource implements AdapterSource {
  readonly #base: URL;
  readonly #fetch: typeof fetch;

  constructor(base: URL | string, fetchImpl: typeof fetch = globalThis.fetch) {
    const text = String(base);
    this.#base = new URL(text.endsWith("/") ? text : `${text}/`);
    this.#fetch = fetchImpl;
  }

  /** Fetch both files of adapter `id`; rejects with an {@link AdapterError} naming the file. */
  async load(id: string): Promise<PeftAdapterFiles> {
    if (!/^[\w.-]+$/.test(id) || id.startsWith(".")) {
      throw new AdapterError(
        `Cannot load adapter as its id must be a folder name (letters, digits, '_', '-', '.'): current value is '${id}'`,
      );
    }
    const get = async (file: string): Promise<Response> => {
      const url = new URL(`${id}/${file}`, this.#base);
      let response: Response;
      try {
        response = await this.#fetch(url);
      } catch (cause) {
        throw new AdapterError(`Cannot load adapter '${id}' as ${url} could not be read`, {
          cause,
        });
      }
      if (!response.ok) {
        throw new AdapterError(
          `Cannot load adapter '${id}' as ${url} answered ${response.status}`,
        );
      }
      return response;
    };
    const [config, weights] = await Promise.all([
      get("adapter_config.json").then((r) => r.json() as Promise<unknown>),
      get("adapter_model.safetensors").then(async (r) => new Uint8Array(await r.arrayBuffer())),
    ]);
    return { config, weights };
  }
}
