/**
 * The alert region that shows a {@link Failure} with its recovery buttons. One failure at a
 * time; a new one replaces the old.
 *
 * @module
 */
import type { Failure, RecoveryAction } from "./failures.ts";

/** Shows failures in `root` (a role="alert" element) and calls `onAction` for a button. */
export class ErrorBanner {
  readonly #root: HTMLElement;
  readonly #onAction: (action: RecoveryAction) => void;

  constructor(root: HTMLElement, onAction: (action: RecoveryAction) => void) {
    this.#root = root;
    this.#onAction = onAction;
  }

  /** The kind of the failure shown now, or undefined. */
  get shown(): string | undefined {
    return this.#root.dataset.kind;
  }

  /** Show a failure. */
  show(failure: Failure): void {
    const box = document.createElement("div");
    box.className = "banner";
    const title = document.createElement("strong");
    title.textContent = failure.title;
    const detail = document.createElement("p");
    detail.className = "detail";
    detail.textContent = failure.detail;
    const actions = document.createElement("div");
    actions.className = "actions";
    for (const { action, label } of failure.actions) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.dataset.action = action;
      b.addEventListener("click", () => {
        this.clear();
        if (action !== "dismiss") this.#onAction(action);
      });
      actions.append(b);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.setAttribute("aria-label", "Dismiss message");
    close.textContent = "×";
    close.addEventListener("click", () => this.clear());
    box.append(title, detail, actions, close);
    this.#root.replaceChildren(box);
    this.#root.dataset.kind = failure.kind;
    this.#root.hidden = false;
  }

  /** Remove the message. */
  clear(): void {
    this.#root.replaceChildren();
    delete this.#root.dataset.kind;
    this.#root.hidden = true;
  }
}
