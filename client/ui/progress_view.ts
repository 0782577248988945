/**
 * The model download progress view: one bar per file and one for the total, in bytes.
 *
 * @module
 */
import type { LoadProgress } from "../engine/loader/progress.ts";

/** Human-readable byte count ("1.0 MB"). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** Renders progress events into a list of per-file rows and a total bar. */
export class ProgressView {
  readonly #list: HTMLElement;
  readonly #total: HTMLProgressElement;
  readonly #totalText: HTMLElement;
  readonly #rows = new Map<string, { bar: HTMLProgressElement; text: HTMLElement }>();

  constructor(list: HTMLElement, total: HTMLProgressElement, totalText: HTMLElement) {
    this.#list = list;
    this.#total = total;
    this.#totalText = totalText;
  }

  /** Forget every row (before a new load). */
  reset(): void {
    this.#rows.clear();
    this.#list.replaceChildren();
    this.#total.value = 0;
    this.#total.max = 1;
    this.#totalText.textContent = "";
  }

  /** Apply one progress event. */
  update(p: LoadProgress): void {
    const row = this.#row(p.file);
    row.bar.max = Math.max(1, p.total ?? p.loaded);
    row.bar.value = p.loaded;
    row.text.textContent = `${formatBytes(p.loaded)}${
      p.total === null ? "" : ` / ${formatBytes(p.total)}`
    }${p.cached ? " (cached)" : ""}`;
    const { loaded, total } = p.overall;
    if (total === null) {
      this.#total.removeAttribute("value");
    } else {
      this.#total.max = Math.max(1, total);
      this.#total.value = loaded;
    }
    this.#totalText.textContent = `${formatBytes(loaded)}${
      total === null ? "" : ` / ${formatBytes(total)}`
    }`;
  }

  #row(file: string) {
    let row = this.#rows.get(file);
    if (row === undefined) {
      const li = document.createElement("li");
      li.dataset.file = file;
      const name = document.createElement("span");
      name.textContent = file;
      const bar = document.createElement("progress");
      bar.setAttribute("aria-label", `Download of ${file}`);
      const text = document.createElement("span");
      li.append(name, bar, text);
      this.#list.append(li);
      row = { bar, text };
      this.#rows.set(file, row);
    }
    return row;
  }
}
