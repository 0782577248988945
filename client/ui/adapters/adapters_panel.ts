/**
 * The Adapters panel: import a PEFT LoRA adapter from its two files (adapter_config.json and
 * adapter_model.safetensors), list stored adapters with rank, alpha and target modules, delete
 * them, and show the engine's adapter pool (resident, hits, misses, evictions). The composer's
 * adapter picker (per conversation) is filled from the same list.
 *
 * @module
 */
import type { AdapterMetrics, Engine } from "../../engine/api.ts";
import type { AdapterMeta, AdapterStore } from "../../adapters/store/adapter_store.ts";
import { type BundledAdapter, bundledAdapters } from "../models/catalog.ts";
import { formatBytes } from "../progress_view.ts";

/** Callbacks of {@link AdaptersPanel}. */
export interface AdaptersPanelDeps {
  /**
   * Opens the store on first use (each IndexedDB database costs tens of kB of quota, so the
   * page opens this one only when adapters are looked at or used); rejects when IndexedDB is
   * unavailable.
   */
  readonly store: () => Promise<AdapterStore>;
  /** Called after the list changed (to refill the composer's picker). */
  readonly onChanged: (adapters: readonly AdapterMeta[]) => void;
  readonly onError: (err: Error) => void;
  /** Reads the server's models manifest (default: GET /models/manifest.json). */
  readonly manifest?: () => Promise<unknown>;
}

async function fetchManifest(): Promise<unknown> {
  const res = await fetch("/models/manifest.json");
  if (!res.ok) throw new Error(`Cannot read the models manifest: HTTP ${res.status}`);
  return await res.json();
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** The Adapters panel controller; renders into `root`. */
export class AdaptersPanel {
  readonly #deps: AdaptersPanelDeps;
  readonly #list: HTMLTableSectionElement;
  readonly #pool: HTMLElement;
  readonly #status: HTMLElement;
  readonly #bundled: HTMLUListElement;
  #adapters: AdapterMeta[] = [];

  constructor(root: HTMLElement, deps: AdaptersPanelDeps) {
    this.#deps = deps;
    const config = el("input", {
      id: "adapter-config",
      type: "file",
      accept: ".json,application/json",
    });
    const weights = el("input", { id: "adapter-weights", type: "file", accept: ".safetensors" });
    const name = el("input", { id: "adapter-name", type: "text", placeholder: "e.g. math" });
    const form = el(
      "form",
      { id: "adapter-form", "aria-label": "Import a PEFT adapter" },
      el("label", { for: config.id }, "adapter_config.json"),
      config,
      el("label", { for: weights.id }, "adapter_model.safetensors"),
      weights,
      el("label", { for: name.id }, "Name"),
      name,
      el("button", { type: "submit", class: "primary", id: "adapter-import" }, "Import"),
    );
    this.#status = el("p", { id: "adapter-status", role: "status" });
    this.#list = el("tbody");
    const table = el(
      "table",
      { id: "adapter-list" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ...["Name", "Rank", "Alpha", "Targets", "Size"].map((h) => el("th", { scope: "col" }, h)),
          el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Actions")),
        ),
      ),
      this.#list,
    );
    this.#pool = el("dl", { id: "adapter-pool" });
    this.#bundled = el("ul", { id: "bundled-adapters" });
    root.replaceChildren(
      el("h2", {}, "Adapters"),
      el(
        "p",
        { class: "muted" },
        "LoRA adapters in PEFT format, kept in this browser. Pick one per conversation in the chat settings.",
      ),
      form,
      el("h3", {}, "Bundled adapters"),
      el(
        "p",
        { class: "muted" },
        "Trained with Verity on the tiny world; they run on models with LoRA slots (world/target_lora).",
      ),
      this.#bundled,
      this.#status,
      el("h3", {}, "Stored adapters"),
      table,
      el("h3", {}, "Adapter pool"),
      this.#pool,
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const c = config.files?.[0];
      const w = weights.files?.[0];
      if (c === undefined || w === undefined) {
        this.#status.textContent =
          "Choose both files: adapter_config.json and adapter_model.safetensors.";
        return;
      }
      void this.#import(c, w, name.value.trim() || w.name.replace(/\.safetensors$/, ""), form);
    });
    this.showPool(undefined);
  }

  /** The adapters listed now. */
  get adapters(): readonly AdapterMeta[] {
    return this.#adapters;
  }

  /** Offer the adapters the server bundles, each with a one-click import into the store. */
  async showBundled(): Promise<readonly BundledAdapter[]> {
    let offered: BundledAdapter[] = [];
    try {
      offered = bundledAdapters(await (this.#deps.manifest ?? fetchManifest)());
    } catch (err) {
      this.#bundled.replaceChildren(
        el("li", {}, `Bundled adapters are unavailable: ${String(err)}`),
      );
      return [];
    }
    this.#bundled.replaceChildren(...offered.map((a) => {
      const button = el("button", {
        type: "button",
        "data-bundled": a.name,
        "aria-label": `Import bundled adapter ${a.name}`,
      }, "Import");
      button.addEventListener("click", () => void this.#importBundled(a, button));
      const served = a.model === undefined
        ? ""
        : ` (runs on ${a.model.replace(/^\/models\//, "")})`;
      return el("li", {}, `${a.name}${served} `, button);
    }));
    if (offered.length === 0) this.#bundled.append(el("li", {}, "None."));
    return offered;
  }

  async #importBundled(a: BundledAdapter, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    this.#status.textContent = `Importing ${a.name}…`;
    try {
      const store = await this.#deps.store();
      const meta = await store.importUrl(a.path, {
        name: a.name,
        onProgress: (p) => {
          this.#status.textContent = `Importing ${a.name}: ${formatBytes(p.loaded)} of ${
            formatBytes(p.total)
          }`;
        },
      });
      this.#status.textContent = `Imported ${meta.name} (rank ${meta.r}, ${
        formatBytes(meta.bytes)
      }).`;
      await this.refresh();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.#status.textContent = `${e.name}: ${e.message}`;
      this.#deps.onError(e);
    } finally {
      button.disabled = false;
    }
  }

  /** Re-read the stored adapters. */
  async refresh(): Promise<readonly AdapterMeta[]> {
    try {
      const store = await this.#deps.store();
      this.#adapters = await store.list();
    } catch (err) {
      this.#status.textContent = `Adapters are unavailable: ${String(err)}`;
      this.#adapters = [];
    }
    this.#list.replaceChildren(...this.#adapters.map((a) => this.#row(a)));
    if (this.#adapters.length === 0) {
      const td = el("td", {}, "No adapters yet.");
      td.colSpan = 6;
      this.#list.append(el("tr", {}, td));
    }
    this.#deps.onChanged(this.#adapters);
    return this.#adapters;
  }

  /** Read and show the pool counters of `engine` (undefined when none is loaded or it fails). */
  async refreshPool(engine: Engine | undefined): Promise<AdapterMetrics | undefined> {
    let m: AdapterMetrics | undefined;
    try {
      m = typeof engine?.adapterMetrics === "function" ? await engine.adapterMetrics() : undefined;
    } catch {
      m = undefined; // a worker that predates adapter metrics, or one that just stopped
    }
    this.showPool(m);
    return m;
  }

  /** Show the engine's pool counters (undefined: no engine loaded). */
  showPool(m: AdapterMetrics | undefined): void {
    const rows: [string, string, string][] = m === undefined
      ? [["state", "State", "no model loaded"]]
      : m.slots === 0
      ? [["state", "State", "this model has no LoRA slots"]]
      : [
        ["slots", "Slots", `${m.slots} (${m.location})`],
        [
          "resident",
          "Resident",
          m.resident.length === 0 ? "none" : m.resident.map((id) => this.#nameOf(id)).join(", "),
        ],
        ["hits", "Hits", String(m.hits)],
        ["misses", "Misses", String(m.misses)],
        ["evictions", "Evictions", String(m.evictions)],
        ["load-ms", "Slowest load", `${m.loadMsMax.toFixed(1)} ms`],
      ];
    this.#pool.replaceChildren(...rows.flatMap(([k, label, value]) => [
      el("dt", {}, label),
      el("dd", { "data-pool": k }, value),
    ]));
  }

  #nameOf(id: string): string {
    return this.#adapters.find((a) => a.id === id)?.name ?? id;
  }

  async #import(config: File, weights: File, name: string, form: HTMLFormElement): Promise<void> {
    this.#status.textContent = `Importing ${name}…`;
    try {
      const store = await this.#deps.store();
      const meta = await store.importFiles({ config, weights }, {
        name,
        onProgress: (p) => {
          this.#status.textContent = `Importing ${name}: ${formatBytes(p.loaded)} of ${
            formatBytes(p.total)
          }`;
        },
      });
      this.#status.textContent = `Imported ${meta.name} (rank ${meta.r}, ${
        formatBytes(meta.bytes)
      }).`;
      form.reset();
      await this.refresh();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.#status.textContent = `${e.name}: ${e.message}`;
      this.#deps.onError(e);
    }
  }

  #row(a: AdapterMeta): HTMLTableRowElement {
    const del = el("button", {
      type: "button",
      class: "danger",
      "aria-label": `Delete adapter ${a.name}`,
    }, "Delete");
    del.addEventListener("click", async () => {
      del.disabled = true;
      try {
        await (await this.#deps.store()).delete(a.id);
      } catch (err) {
        this.#deps.onError(err instanceof Error ? err : new Error(String(err)));
      }
      await this.refresh();
    });
    return el(
      "tr",
      { "data-id": a.id },
      el("td", {}, a.name),
      el("td", { "data-rank": String(a.r) }, String(a.r)),
      el("td", {}, String(a.loraAlpha)),
      el("td", {}, a.targetModules.join(", ")),
      el("td", {}, formatBytes(a.bytes)),
      el("td", {}, del),
    );
  }
}
