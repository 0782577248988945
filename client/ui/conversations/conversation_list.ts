/**
 * The conversation sidebar: the list (most recent first) with a delete button per entry and a
 * search box that filters by title and message text.
 *
 * @module
 */
import type { Conversation, ConversationDb } from "./conversation_db.ts";

/** Callbacks of {@link ConversationList}. */
export interface ConversationListHandlers {
  onSelect(id: string): void;
  onDelete(id: string): void;
}

/** Renders the conversations of a {@link ConversationDb} into a list element. */
export class ConversationList {
  readonly #db: ConversationDb;
  readonly #list: HTMLElement;
  readonly #search: HTMLInputElement;
  readonly #handlers: ConversationListHandlers;
  #activeId: string | undefined;

  constructor(
    db: ConversationDb,
    list: HTMLElement,
    search: HTMLInputElement,
    handlers: ConversationListHandlers,
  ) {
    this.#db = db;
    this.#list = list;
    this.#search = search;
    this.#handlers = handlers;
    search.addEventListener("input", () => void this.refresh());
  }

  /** Mark a conversation as the open one. */
  setActive(id: string | undefined): void {
    this.#activeId = id;
    for (const li of this.#list.querySelectorAll<HTMLElement>("li")) {
      const on = li.dataset.id === id;
      li.classList.toggle("active", on);
      li.querySelector(".open")?.setAttribute("aria-current", String(on));
    }
  }

  /** Re-read the list from the database (applying the search box). */
  async refresh(): Promise<Conversation[]> {
    const items = await this.#db.search(this.#search.value);
    this.#list.replaceChildren(...items.map((c) => this.#item(c)));
    this.setActive(this.#activeId);
    return items;
  }

  #item(c: Conversation): HTMLLIElement {
    const li = document.createElement("li");
    li.dataset.id = c.id;
    const open = document.createElement("button");
    open.type = "button";
    open.className = "open";
    open.textContent = c.title;
    open.title = new Date(c.updatedAt).toLocaleString();
    open.addEventListener("click", () => this.#handlers.onSelect(c.id));
    const del = document.createElement("button");
    del.type = "button";
    del.className = "delete ghost";
    del.textContent = "×";
    del.setAttribute("aria-label", `Delete conversation ${c.title}`);
    del.addEventListener("click", () => this.#handlers.onDelete(c.id));
    li.append(open, del);
    return li;
  }
}
