/**
 * Conversations in IndexedDB through Dexie (database "verity-conversations"): one row per
 * conversation with its settings, one row per message. Rows are zod-checked when read back,
 * so a damaged or foreign row is skipped instead of breaking the page.
 *
 * @module
 */
import { Dexie, type Table } from "dexie";
import { z } from "zod";

/** Default IndexedDB database name. */
export const CONVERSATION_DB = "verity-conversations";

/** Settings kept per conversation (restored with it after a reload). */
export const ConversationSettings = z.object({
  maxTokens: z.number().int().min(1).max(4096).default(64),
  temperature: z.number().min(0).max(2).default(0),
  /** Adapter id from the adapter store, or null for the base model. */
  adapter: z.string().nullable().default(null),
  /** Pipeline toggles (shape owned by client/ui/trace/pipeline_toggles.ts), or null when all off. */
  pipeline: z.unknown().default(null),
});
/** Settings kept per conversation. */
export type ConversationSettings = z.infer<typeof ConversationSettings>;

/** One conversation. */
export const Conversation = z.object({
  id: z.string().min(1),
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  settings: ConversationSettings,
});
/** One conversation. */
export type Conversation = z.infer<typeof Conversation>;

/** Live figures recorded with an answer. */
export const AnswerStats = z.object({
  completionTokens: z.number().int().nonnegative(),
  /** Time to first token, ms. */
  ttftMs: z.number().nonnegative().nullable(),
  /** Decode rate after the first token, tokens per second. */
  tokensPerSecond: z.number().nonnegative().nullable(),
  totalMs: z.number().nonnegative(),
  acceptanceRate: z.number().min(0).max(1).nullable().default(null),
  gamma: z.number().nonnegative().nullable().default(null),
  ep: z.string().optional(),
});
/** Live figures recorded with an answer. */
export type AnswerStats = z.infer<typeof AnswerStats>;

/** One message of a conversation. */
export const StoredMessage = z.object({
  id: z.number().int().optional(),
  conversationId: z.string(),
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
  createdAt: z.number(),
  /** How an answer ended: "stop", "length", "aborted" or "error". */
  finish: z.string().optional(),
  stats: AnswerStats.optional(),
  /** A pipeline trace (shape owned by client/pipelines), kept for the trace panel. */
  trace: z.unknown().optional(),
});
/** One message of a conversation. */
export type StoredMessage = z.infer<typeof StoredMessage>;

/** Options of {@link ConversationDb}. */
export interface ConversationDbOptions {
  readonly dbName?: string;
  /** IndexedDB implementation (default: the global one; tests pass fake-indexeddb's). */
  readonly indexedDB?: IDBFactory;
  readonly IDBKeyRange?: typeof IDBKeyRange;
  /** Clock for createdAt / updatedAt, ms since the epoch. */
  readonly now?: () => number;
}

/**
 * The conversation store.
 *
 * @example
 * ```ts
 * const db = new ConversationDb();
 * const c = await db.create("New chat");
 * await db.addMessage({ conversationId: c.id, role: "user", content: "Hi", createdAt: Date.now() });
 * ```
 */
export class ConversationDb {
  readonly #db: Dexie;
  readonly #conversations: Table<Conversation, string>;
  readonly #messages: Table<StoredMessage, number>;
  readonly #now: () => number;

  constructor(options: ConversationDbOptions = {}) {
    this.#db = new Dexie(options.dbName ?? CONVERSATION_DB, {
      ...(options.indexedDB !== undefined ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange !== undefined ? { IDBKeyRange: options.IDBKeyRange } : {}),
    });
    // Schema history (bump the version and add an upgrade when a table or index changes):
    // 1: conversations by id (indexed by updatedAt), messages by auto id (by conversation).
    this.#db.version(1).stores({
      conversations: "&id, updatedAt",
      messages: "++id, conversationId, [conversationId+createdAt]",
    });
    this.#conversations = this.#db.table("conversations");
    this.#messages = this.#db.table("messages");
    this.#now = options.now ?? Date.now;
  }

  /** Every conversation, most recently updated first. */
  async list(): Promise<Conversation[]> {
    const rows = await this.#conversations.orderBy("updatedAt").reverse().toArray();
    return rows.flatMap((r) => {
      const p = Conversation.safeParse(r);
      return p.success ? [p.data] : [];
    });
  }

  /** One conversation, or undefined. */
  async get(id: string): Promise<Conversation | undefined> {
    const p = Conversation.safeParse(await this.#conversations.get(id));
    return p.success ? p.data : undefined;
  }

  /** Create a conversation with default (or given) settings. */
  async create(
    title = "New chat",
    settings: Partial<ConversationSettings> = {},
  ): Promise<Conversation> {
    const t = this.#now();
    const c: Conversation = {
      id: crypto.randomUUID(),
      title,
      createdAt: t,
      updatedAt: t,
      settings: ConversationSettings.parse(settings),
    };
    await this.#conversations.add(c);
    return c;
  }

  /** Rename a conversation; the title is trimmed and must not be empty. */
  async rename(id: string, title: string): Promise<void> {
    const clean = title.trim();
    if (clean === "") {
      throw new RangeError(`Cannot rename conversation '${id}' as the title is empty`);
    }
    await this.#conversations.update(id, { title: clean, updatedAt: this.#now() });
  }

  /** Replace a conversation's settings (validated). */
  async saveSettings(id: string, settings: ConversationSettings): Promise<void> {
    await this.#conversations.update(id, { settings: ConversationSettings.parse(settings) });
  }

  /** Delete a conversation and all its messages in one transaction. */
  async delete(id: string): Promise<void> {
    await this.#db.transaction("rw", this.#conversations, this.#messages, async () => {
      await this.#messages.where("conversationId").equals(id).delete();
      await this.#conversations.delete(id);
    });
  }

  /** Messages of a conversation, oldest first. */
  async messages(conversationId: string): Promise<StoredMessage[]> {
    const rows = await this.#messages.where("[conversationId+createdAt]")
      .between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey]).toArray();
    return rows.flatMap((r) => {
      const p = StoredMessage.safeParse(r);
      return p.success ? [p.data] : [];
    });
  }

  /** Append a message (bumps the conversation's updatedAt); returns its id. */
  async addMessage(message: StoredMessage): Promise<number> {
    const row = StoredMessage.parse(message);
    return await this.#db.transaction("rw", this.#conversations, this.#messages, async () => {
      const id = await this.#messages.add(row);
      await this.#conversations.update(row.conversationId, { updatedAt: this.#now() });
      return id;
    });
  }

  /** Update fields of a stored message (content, finish, stats, trace). */
  async updateMessage(
    id: number,
    fields: Partial<Pick<StoredMessage, "content" | "finish" | "stats" | "trace">>,
  ): Promise<void> {
    await this.#messages.update(id, fields);
  }

  /** Delete messages by id. */
  async deleteMessages(ids: readonly number[]): Promise<void> {
    await this.#messages.bulkDelete([...ids]);
  }

  /**
   * Conversations whose title or any message contains `query` (case-insensitive), most
   * recent first; an empty query returns them all.
   */
  async search(query: string): Promise<Conversation[]> {
    const all = await this.list();
    const q = query.trim().toLowerCase();
    if (q === "") return all;
    const hits = new Set<string>();
    await this.#messages.each((m) => {
      if (typeof m.content === "string" && m.content.toLowerCase().includes(q)) {
        hits.add(m.conversationId);
      }
    });
    return all.filter((c) => c.title.toLowerCase().includes(q) || hits.has(c.id));
  }

  /** Close the connection. */
  close(): void {
    this.#db.close();
  }
}
