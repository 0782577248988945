/**
 * DOM of one chat message: the role, the body (plain text for the user, sanitized markdown for
 * answers), a footer with the answer's figures, and an optional trace panel. While an answer
 * streams, its body is re-rendered at most once per animation frame.
 *
 * @module
 */
import type { AnswerStats, StoredMessage } from "../conversations/conversation_db.ts";
import { setMarkdown } from "./markdown.ts";

/** One message element and its parts. */
export class MessageView {
  /** The `<article>` of the message. */
  readonly element: HTMLElement;
  /** The element holding the text. */
  readonly body: HTMLElement;
  readonly #meta: HTMLElement;
  readonly #role: StoredMessage["role"];
  #text = "";
  #frame: number | undefined;

  constructor(role: StoredMessage["role"], text = "") {
    this.#role = role;
    this.element = document.createElement("article");
    this.element.className = `msg ${role}`;
    this.element.dataset.role = role;
    const who = document.createElement("h3");
    who.className = "who";
    who.textContent = role === "user" ? "You" : role === "assistant" ? "Verity" : "System";
    this.body = document.createElement("div");
    this.body.className = "body";
    this.#meta = document.createElement("footer");
    this.#meta.className = "meta";
    this.element.append(who, this.body, this.#meta);
    this.setText(text);
  }

  /** The raw text (markdown source) of the message. */
  get text(): string {
    return this.#text;
  }

  /** Replace the text and render it now. */
  setText(text: string): void {
    this.#text = text;
    this.#render();
  }

  /** Append streamed text; rendering is batched to one per animation frame. */
  append(delta: string): void {
    this.#text += delta;
    if (this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      this.#render();
    });
  }

  /** Render pending text now and mark how the answer ended. */
  finish(done: string): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    this.#render();
    this.body.dataset.done = done;
    this.element.dataset.done = done;
    this.element.setAttribute("aria-busy", "false");
  }

  /** Mark the answer as streaming. */
  start(): void {
    this.element.setAttribute("aria-busy", "true");
  }

  /** Show an answer's figures in the footer. */
  setStats(stats: AnswerStats | undefined, finish?: string): void {
    const parts: string[] = [];
    if (stats !== undefined) {
      parts.push(`${stats.completionTokens} tokens`);
      if (stats.tokensPerSecond !== null) parts.push(`${stats.tokensPerSecond.toFixed(1)} tok/s`);
      if (stats.ttftMs !== null) parts.push(`TTFT ${Math.round(stats.ttftMs)} ms`);
      if (stats.acceptanceRate !== null) {
        parts.push(`acceptance ${(stats.acceptanceRate * 100).toFixed(0)} %`);
      }
      if (stats.ep !== undefined) parts.push(stats.ep);
    }
    if (finish === "aborted") parts.push("stopped");
    if (finish === "length") parts.push("hit the token limit");
    if (finish === "error") parts.push("failed");
    this.#meta.textContent = parts.join(" · ");
  }

  /** Attach (or replace) a trace panel below the body. */
  setTrace(panel: HTMLElement): void {
    this.element.querySelector(".trace-slot")?.remove();
    const slot = document.createElement("div");
    slot.className = "trace-slot";
    slot.append(panel);
    this.#meta.before(slot);
  }

  #render(): void {
    if (this.#role === "assistant") setMarkdown(this.body, this.#text);
    else this.body.textContent = this.#text;
  }
}

/**
 * The view of a stored message: an answer shows its figures, how it ended and, with
 * `renderTrace`, its trace panel.
 *
 * @example
 * ```ts
 * list.append(storedMessageView(message).element);
 * ```
 */
export function storedMessageView(
  m: StoredMessage,
  renderTrace?: (trace: unknown, answer: string) => HTMLElement,
): MessageView {
  const view = new MessageView(m.role, m.content);
  if (m.role !== "assistant") return view;
  view.setStats(m.stats, m.finish);
  view.finish(m.finish ?? "stop");
  if (m.trace !== undefined && renderTrace !== undefined) {
    try {
      view.setTrace(renderTrace(m.trace, m.content));
    } catch {
      // A trace from an older format: the answer still shows without it.
    }
  }
  return view;
}
