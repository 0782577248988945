/**
 * The list of past runs: one line per stored run with Open and Delete buttons, the open run
 * marked. Clicks are delegated to the handlers given at construction.
 *
 * @module
 */
import { runLabel } from "./run_record.ts";
import type { StoredRun } from "./run_store.ts";

/** What the list does on a click. */
export interface RunListActions {
  open(id: number): void;
  remove(id: number): void;
}

/** The `<ul>` of past runs. */
export class RunList {
  readonly #root: HTMLUListElement;

  constructor(root: HTMLUListElement, actions: RunListActions) {
    this.#root = root;
    root.addEventListener("click", (event) => {
      const button = (event.target as Element | null)?.closest("button[data-action]");
      if (!(button instanceof HTMLButtonElement)) return;
      const id = Number(button.closest("li")?.dataset.runId);
      if (!Number.isInteger(id)) return;
      if (button.dataset.action === "open") actions.open(id);
      if (button.dataset.action === "delete") actions.remove(id);
    });
  }

  /** Show `runs` (newest first); `current` is marked. */
  render(runs: readonly StoredRun[], current: number | undefined): void {
    const doc = this.#root.ownerDocument;
    this.#root.replaceChildren(
      ...runs.map((run) => {
        const li = doc.createElement("li");
        li.dataset.runId = String(run.id);
        li.dataset.status = run.status;
        if (run.id === current) li.setAttribute("aria-current", "true");
        const text = doc.createElement("span");
        text.textContent = runLabel(run);
        const open = doc.createElement("button");
        open.type = "button";
        open.dataset.action = "open";
        open.textContent = "Open";
        const del = doc.createElement("button");
        del.type = "button";
        del.dataset.action = "delete";
        del.textContent = "Delete";
        li.append(text, open, del);
        return li;
      }),
    );
    if (runs.length === 0) {
      const li = doc.createElement("li");
      li.textContent = "No runs yet.";
      this.#root.append(li);
    }
  }

  /** Enable or disable the buttons (a running experiment owns the charts). */
  setDisabled(disabled: boolean): void {
    for (const b of this.#root.querySelectorAll("button")) b.disabled = disabled;
  }
}
