/**
 * Which stored turns of a conversation are sent to the model as its history.
 *
 * @module
 */
import type { StoredMessage } from "../conversations/conversation_db.ts";

/**
 * The turns to send as history: no system rows, no empty answers, and no exchange whose answer
 * failed (its question stays on screen but is not repeated to the model).
 *
 * @example
 * ```ts
 * const history = chatHistory(await db.messages(id));
 * ```
 */
export function chatHistory(messages: readonly StoredMessage[]): StoredMessage[] {
  return messages.filter((m, i) => {
    if (m.role === "system" || m.content === "" || m.finish === "error") return false;
    return !(m.role === "user" && messages[i + 1]?.finish === "error");
  });
}
