/**
 * The chat: the open conversation's messages, the composer (Enter sends, Shift+Enter adds a
 * line, Esc or Stop stops), per-conversation settings, and persistence of every message and
 * answer in the conversation database.
 *
 * @module
 */
import type { ChatMessage, Engine } from "../../engine/api.ts";
import type {
  Conversation,
  ConversationDb,
  ConversationSettings,
} from "../conversations/conversation_db.ts";
import type { StatsView } from "../stats/stats_view.ts";
import { type PipelineBridge, produceAnswer } from "./answer.ts";
import { chatHistory } from "./history.ts";
import { MessageView, storedMessageView } from "./message_view.ts";
import { readSettings, showSettings } from "./settings_form.ts";

/** Names of the errors that mean "stopped by the user". */
const ABORTED = new Set(["GenerationAbortedError", "PipelineAbortedError", "AbortError"]);

/** The elements the chat drives. */
export interface ChatElements {
  readonly messages: HTMLElement;
  readonly form: HTMLFormElement;
  readonly prompt: HTMLTextAreaElement;
  readonly send: HTMLButtonElement;
  readonly stop: HTMLButtonElement;
  readonly title: HTMLElement;
  readonly maxTokens: HTMLInputElement;
  readonly temperature: HTMLInputElement;
  readonly adapter: HTMLSelectElement;
}

/** Dependencies of {@link ChatController}. */
export interface ChatDeps {
  readonly db: ConversationDb;
  readonly stats: StatsView;
  /** The loaded engine and its execution provider, or undefined while none is loaded. */
  readonly engine: () => { engine: Engine; ep: string } | undefined;
  /** Called after a conversation changed (list refresh). */
  readonly onConversationsChanged: () => void;
  /** Called with the error of a failed answer. */
  readonly onError: (err: Error) => void;
  /** Called when a message is sent (e.g. to clear an old error). */
  readonly onSend?: () => void;
  /** Called after a conversation was opened (to show its pipeline settings). */
  readonly onOpen?: (c: Conversation) => void;
  readonly pipelines?: PipelineBridge;
}

/** The last answer, for tests and tools (`verityPage.lastAnswer`). */
export interface LastAnswer {
  readonly text: string;
  readonly done: string;
}

/** Drives one conversation at a time. */
export class ChatController {
  readonly #el: ChatElements;
  readonly #deps: ChatDeps;
  #conversation: Conversation | undefined;
  #running: AbortController | undefined;
  #last: LastAnswer | undefined;
  #lastPrompt: string | undefined;
  /** The last exchange when its answer failed: removed before a retry. */
  #failed: { ids: number[]; elements: HTMLElement[] } | undefined;
  /** Pipeline toggles as shown (restored from each opened conversation). */
  #pipeline: unknown = null;

  constructor(el: ChatElements, deps: ChatDeps) {
    this.#el = el;
    this.#deps = deps;
    el.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.send();
    });
    el.prompt.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.send();
      }
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.#running !== undefined) this.stop();
    });
    el.stop.addEventListener("click", () => this.stop());
    for (const input of [el.maxTokens, el.temperature, el.adapter]) {
      input.addEventListener("change", () => void this.#saveSettings());
    }
  }

  /** The open conversation. */
  get conversation(): Conversation | undefined {
    return this.#conversation;
  }

  /** The last answer's text and how it ended. */
  get lastAnswer(): LastAnswer | undefined {
    return this.#last;
  }

  /** True while an answer is generated. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** Enable Send when a model is loaded and nothing runs. */
  refreshControls(): void {
    this.#el.send.disabled = this.#deps.engine() === undefined || this.#running !== undefined;
    this.#el.stop.disabled = this.#running === undefined;
  }

  /** Update the pipeline settings (saved with the open conversation, or the next new one). */
  async setPipeline(pipeline: unknown): Promise<void> {
    this.#pipeline = pipeline;
    if (this.#conversation === undefined) return;
    this.#conversation.settings.pipeline = pipeline;
    await this.#deps.db.saveSettings(this.#conversation.id, this.#conversation.settings);
  }

  /** Set the adapter of the open conversation (null: the base model) and save it. */
  async setAdapter(id: string | null): Promise<void> {
    this.#el.adapter.value = id ?? "";
    await this.#saveSettings();
  }

  /** Open a conversation: render its messages and restore its settings. */
  async open(id: string): Promise<void> {
    const c = await this.#deps.db.get(id);
    if (c === undefined) return;
    this.#conversation = c;
    this.#pipeline = c.settings.pipeline;
    this.#el.title.textContent = c.title;
    showSettings(this.#el, c.settings);
    const messages = await this.#deps.db.messages(id);
    this.#el.messages.replaceChildren();
    for (const m of messages) {
      this.#el.messages.append(storedMessageView(m, this.#deps.pipelines?.renderTrace).element);
    }
    this.#markOutput();
    this.#deps.stats.setHistory(messages.flatMap((m) => (m.stats ? [m.stats] : [])));
    this.#deps.onOpen?.(c);
  }

  /** Start a new conversation with the current settings and open it. */
  async create(): Promise<Conversation> {
    const c = await this.#deps.db.create("New chat", this.#readSettings());
    await this.open(c.id);
    this.#deps.onConversationsChanged();
    return c;
  }

  /** Rename the open conversation. */
  async rename(title: string): Promise<void> {
    if (this.#conversation === undefined) return;
    await this.#deps.db.rename(this.#conversation.id, title);
    this.#conversation.title = title.trim();
    this.#el.title.textContent = this.#conversation.title;
    this.#deps.onConversationsChanged();
  }

  /** Stop the running answer. */
  stop(): void {
    this.#running?.abort();
  }

  /** Send the prompt box's text (or `text`) and stream the answer. */
  async send(text = this.#el.prompt.value): Promise<void> {
    const loaded = this.#deps.engine();
    const content = text.trim();
    if (loaded === undefined || this.#running !== undefined || content === "") return;
    // Everything visible happens before the first await: the answer element exists (and owns
    // id="output") and Stop works from the moment Send is pressed.
    const running = new AbortController();
    this.#running = running;
    this.#deps.onSend?.();
    this.refreshControls();
    this.#lastPrompt = content;
    this.#el.prompt.value = "";
    document.getElementById("output")?.removeAttribute("id");
    const { db } = this.#deps;
    const conversation = this.#conversation ?? await this.create();
    const userView = new MessageView("user", content);
    const view = new MessageView("assistant");
    this.#el.messages.append(userView.element, view.element);
    this.#markOutput();
    view.start();
    view.element.scrollIntoView({ block: "end" });
    let done = "error";
    let stored: number | undefined;
    try {
      const settings = this.#readSettings();
      conversation.settings = settings;
      await db.saveSettings(conversation.id, settings);
      const history = chatHistory(await db.messages(conversation.id));
      const now = Date.now();
      const userId = await db.addMessage({
        conversationId: conversation.id,
        role: "user",
        content,
        createdAt: now,
      });
      if (conversation.title === "New chat") await this.rename(content.slice(0, 48));
      this.#failed = { ids: [userId], elements: [userView.element, view.element] };
      stored = await db.addMessage({
        conversationId: conversation.id,
        role: "assistant",
        content: "",
        createdAt: now + 1,
      });
      const messages: ChatMessage[] = [
        ...history.map((m) => ({ role: m.role, content: m.content })),
        { role: "user", content },
      ];
      const result = await this.#answerFitting(loaded, messages, settings, view, running.signal);
      done = result.finish;
      this.#failed = undefined;
      view.setText(result.text);
      view.setStats(result.stats, done);
      if (result.trace !== undefined && this.#deps.pipelines !== undefined) {
        view.setTrace(this.#deps.pipelines.renderTrace(result.trace, result.text));
      }
      this.#deps.stats.addAnswer(result.stats);
      await db.updateMessage(stored, {
        content: result.text,
        finish: done,
        stats: result.stats,
        ...(result.trace !== undefined ? { trace: result.trace } : {}),
      });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      done = ABORTED.has(e.name) ? "aborted" : "error";
      view.setStats(undefined, done);
      if (stored !== undefined) {
        await db.updateMessage(stored, { content: view.text, finish: done }).catch(() => {});
      }
      if (done === "error") {
        if (stored !== undefined) this.#failed?.ids.push(stored);
        this.#deps.onError(e);
      }
    } finally {
      this.#last = { text: view.text, done };
      view.finish(done);
      this.#running = undefined;
      this.refreshControls();
      this.#deps.onConversationsChanged();
    }
  }

  /** Send the last prompt again, replacing the failed exchange (recovery after a failure). */
  async retry(): Promise<void> {
    const failed = this.#failed;
    this.#failed = undefined;
    if (failed !== undefined) {
      await this.#deps.db.deleteMessages(failed.ids);
      for (const el of failed.elements) el.remove();
    }
    if (this.#lastPrompt !== undefined) await this.send(this.#lastPrompt);
  }

  /** Answer; when the history overflows the context, drop the oldest turns and try again. */
  async #answerFitting(
    loaded: { engine: Engine; ep: string },
    messages: ChatMessage[],
    settings: ConversationSettings,
    view: MessageView,
    signal: AbortSignal,
  ) {
    for (let start = 0;; start += 2) {
      try {
        return await produceAnswer({
          engine: loaded.engine,
          ep: loaded.ep,
          messages: messages.slice(Math.min(start, messages.length - 1)),
          settings,
          signal,
          onToken: (d) => view.append(d),
          ...(this.#deps.pipelines !== undefined ? { pipelines: this.#deps.pipelines } : {}),
        });
      } catch (err) {
        const overflow = err instanceof Error && err.name === "ContextOverflowError";
        if (!overflow || start >= messages.length - 1 || view.text !== "") throw err;
      }
    }
  }

  /** The newest answer's body carries id="output" (tests and tools read it). */
  #markOutput(): void {
    document.getElementById("output")?.removeAttribute("id");
    const bodies = this.#el.messages.querySelectorAll<HTMLElement>(".msg.assistant .body");
    bodies[bodies.length - 1]?.setAttribute("id", "output");
  }

  #readSettings(): ConversationSettings {
    return readSettings(this.#el, this.#pipeline);
  }

  async #saveSettings(): Promise<void> {
    if (this.#conversation === undefined) return;
    this.#conversation.settings = this.#readSettings();
    await this.#deps.db.saveSettings(this.#conversation.id, this.#conversation.settings);
  }
}
