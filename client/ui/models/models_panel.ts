/**
 * The Models panel: bundled chat models from the catalog (side models such as world/verifier
 * and world/reader, and a `cove` model, left out: the chat loads them next to the chat model) or the URL of a
 * transformers.js ONNX folder, an optional draft for speculative decoding (picking a bundled
 * model selects its paired draft, e.g. world/draft for world/target), the execution provider,
 * download progress per file and in total, and the cached model folders with their sizes and
 * a delete button.
 *
 * @module
 */
import type { EngineInfo } from "../../engine/api.ts";
import type { DexieModelCache } from "../../engine/loader/dexie_cache.ts";
import type { LoadProgress } from "../../engine/loader/progress.ts";
import { formatBytes, ProgressView } from "../progress_view.ts";
import type { LoadRequest } from "../shell/engine_session.ts";
import { type CatalogEntry, chatModels, fetchCatalog, folderOfFile } from "./catalog.ts";

/** The elements of the panel. */
export interface ModelsElements {
  readonly form: HTMLFormElement;
  readonly bundled: HTMLElement;
  readonly url: HTMLInputElement;
  readonly draft: HTMLSelectElement;
  readonly ep: HTMLSelectElement;
  readonly cache: HTMLInputElement;
  readonly epText: HTMLElement;
  readonly files: HTMLElement;
  readonly total: HTMLProgressElement;
  readonly totalText: HTMLElement;
  readonly cachedBody: HTMLElement;
  readonly usage: HTMLElement;
}

/**
 * The panel's elements in client/ui/index.html, found with `byId`.
 *
 * @example
 * ```ts
 * const el = modelsElements((id) => document.getElementById(id)!);
 * ```
 */
export function modelsElements(byId: <T extends HTMLElement>(id: string) => T): ModelsElements {
  return {
    form: byId<HTMLFormElement>("model-form"),
    bundled: byId("bundled-models"),
    url: byId<HTMLInputElement>("model-url"),
    draft: byId<HTMLSelectElement>("draft-select"),
    ep: byId<HTMLSelectElement>("ep-select"),
    cache: byId<HTMLInputElement>("cache-toggle"),
    epText: byId("ep"),
    files: byId("files"),
    total: byId<HTMLProgressElement>("total-progress"),
    totalText: byId("total-text"),
    cachedBody: byId("cached-models").querySelector("tbody") as HTMLElement,
    usage: byId("storage-usage"),
  };
}

/** One cached model folder. */
export interface CachedFolder {
  readonly folder: string;
  readonly files: number;
  readonly bytes: number;
}

/** Group cached files by model folder. */
export function groupCachedFiles(
  files: readonly { url: string; size: number | null }[],
): CachedFolder[] {
  const by = new Map<string, { files: number; bytes: number }>();
  for (const f of files) {
    const folder = folderOfFile(f.url);
    const g = by.get(folder) ?? { files: 0, bytes: 0 };
    g.files += 1;
    g.bytes += f.size ?? 0;
    by.set(folder, g);
  }
  return [...by].map(([folder, g]) => ({ folder, ...g }));
}

/**
 * The draft select's value for a chosen model: its paired draft when the catalog lists it,
 * else "" (None), since a draft must share the model's tokenizer.
 *
 * @example
 * ```ts
 * pairedDraft(catalog, { name: "world/target", path: "/models/world/target", draft: "/models/world/draft" });
 * // "/models/world/draft"
 * ```
 */
export function pairedDraft(catalog: readonly CatalogEntry[], model: CatalogEntry): string {
  return model.draft !== undefined && catalog.some((c) => c.path === model.draft)
    ? model.draft
    : "";
}

/** The Models panel controller. */
export class ModelsPanel {
  readonly #el: ModelsElements;
  readonly #cache: DexieModelCache;
  readonly #onLoad: (request: LoadRequest) => void;
  readonly progress: ProgressView;
  #catalog: Promise<CatalogEntry[]> | undefined;
  #request: LoadRequest;

  constructor(
    el: ModelsElements,
    cache: DexieModelCache,
    initial: LoadRequest,
    onLoad: (request: LoadRequest) => void,
  ) {
    this.#el = el;
    this.#cache = cache;
    this.#onLoad = onLoad;
    this.#request = initial;
    this.progress = new ProgressView(el.files, el.total, el.totalText);
    el.ep.value = initial.ep;
    el.cache.checked = initial.cache;
    el.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.#submit();
    });
  }

  /** Fill the bundled list and the cached table (called when the tab is first shown). */
  async show(): Promise<void> {
    const catalog = await (this.#catalog ??= fetchCatalog());
    // Side models (SIDE_ROLES: verifier, reader, cove) load next to the chat model, never as it.
    this.#renderCatalog(chatModels(catalog));
    await this.refreshCached();
  }

  /** Record a progress event. */
  onProgress(p: LoadProgress): void {
    this.progress.update(p);
  }

  /** Reset the progress view for a new load. */
  startLoad(request: LoadRequest): void {
    this.#request = request;
    this.#el.ep.value = request.ep;
    this.#el.cache.checked = request.cache;
    this.progress.reset();
    this.#el.epText.textContent = "Loading…";
    delete this.#el.epText.dataset.ep;
  }

  /** Show the loaded engine's execution provider and why it was chosen. */
  showLoaded(info: EngineInfo): void {
    this.#el.epText.textContent = `Execution provider: ${info.ep} (${info.epReason})`;
    this.#el.epText.dataset.ep = info.ep;
    void this.refreshCached();
  }

  /** Re-read the cached folders and the storage estimate. */
  async refreshCached(): Promise<CachedFolder[]> {
    const folders = groupCachedFiles(await this.#cache.list());
    this.#el.cachedBody.replaceChildren(...folders.map((f) => this.#cachedRow(f)));
    if (folders.length === 0) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = 4;
      td.textContent = "No model files are cached.";
      tr.append(td);
      this.#el.cachedBody.append(tr);
    }
    const est = await navigator.storage?.estimate?.().catch(() => undefined);
    this.#el.usage.textContent = est?.usage !== undefined && est.quota !== undefined
      ? `Browser storage: ${formatBytes(est.usage)} used of ${formatBytes(est.quota)}`
      : "";
    return folders;
  }

  #cachedRow(f: CachedFolder): HTMLTableRowElement {
    const tr = document.createElement("tr");
    tr.dataset.folder = f.folder;
    const name = document.createElement("td");
    name.textContent = new URL(f.folder).pathname;
    name.title = f.folder;
    const files = document.createElement("td");
    files.textContent = String(f.files);
    const size = document.createElement("td");
    size.textContent = formatBytes(f.bytes);
    size.dataset.bytes = String(f.bytes);
    const actions = document.createElement("td");
    const del = document.createElement("button");
    del.type = "button";
    del.className = "danger";
    del.textContent = "Delete";
    del.setAttribute("aria-label", `Delete cached files of ${name.textContent}`);
    del.addEventListener("click", async () => {
      del.disabled = true;
      await this.#cache.deletePrefix(`${f.folder}/`);
      await this.refreshCached();
    });
    actions.append(del);
    tr.append(name, files, size, actions);
    return tr;
  }

  #renderCatalog(catalog: readonly CatalogEntry[]): void {
    const current = new URL(this.#request.modelUrl).pathname.replace(/\/$/, "");
    this.#el.bundled.replaceChildren(...catalog.map((m, i) => {
      const label = document.createElement("label");
      label.className = "check";
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "bundled-model";
      radio.value = m.path;
      radio.checked = m.path === current || (i === 0 && !catalog.some((c) => c.path === current));
      radio.addEventListener("change", () => {
        this.#el.url.value = "";
        this.#el.draft.value = pairedDraft(catalog, m);
      });
      const text = m.parameters === undefined
        ? m.name
        : `${m.name} (${m.parameters.toLocaleString()} parameters)`;
      label.append(radio, ` ${text}`);
      return label;
    }));
    if (!catalog.some((c) => c.path === current)) this.#el.url.value = this.#request.modelUrl;
    const draft = this.#request.draftUrl === undefined
      ? ""
      : new URL(this.#request.draftUrl).pathname;
    this.#el.draft.replaceChildren(
      new Option("None", ""),
      ...catalog.map((m) => new Option(m.name, m.path, false, m.path === draft)),
    );
  }

  #submit(): void {
    const custom = this.#el.url.value.trim();
    const picked = this.#el.bundled.querySelector<HTMLInputElement>("input:checked")?.value;
    const model = custom !== "" ? custom : picked ?? this.#request.modelUrl;
    const draft = this.#el.draft.value;
    this.#onLoad({
      modelUrl: new URL(model, location.href).href,
      ...(draft !== "" ? { draftUrl: new URL(draft, location.href).href } : {}),
      ep: this.#el.ep.value as LoadRequest["ep"],
      cache: this.#el.cache.checked,
    });
  }
}
