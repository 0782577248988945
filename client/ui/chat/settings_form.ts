/**
 * The composer's per-conversation settings controls (max tokens, temperature, adapter): read
 * them into validated {@link ConversationSettings} and show a conversation's settings.
 *
 * @module
 */
import { ConversationSettings } from "../conversations/conversation_db.ts";

/** The settings controls. */
export interface SettingsElements {
  readonly maxTokens: HTMLInputElement;
  readonly temperature: HTMLInputElement;
  readonly adapter: HTMLSelectElement;
}

/**
 * Read the controls; `pipeline` is kept as given. Invalid input falls back to the defaults.
 *
 * @example
 * ```ts
 * const settings = readSettings(elements, null);
 * ```
 */
export function readSettings(el: SettingsElements, pipeline: unknown): ConversationSettings {
  const num = (input: HTMLInputElement, fallback: number) =>
    Number.isFinite(input.valueAsNumber) ? input.valueAsNumber : fallback;
  const parsed = ConversationSettings.safeParse({
    maxTokens: Math.round(num(el.maxTokens, 64)),
    temperature: num(el.temperature, 0),
    adapter: el.adapter.value === "" ? null : el.adapter.value,
    pipeline,
  });
  return parsed.success ? parsed.data : ConversationSettings.parse({ pipeline });
}

/** Show settings in the controls (an adapter not listed yet is kept as a placeholder option). */
export function showSettings(el: SettingsElements, settings: ConversationSettings): void {
  el.maxTokens.value = String(settings.maxTokens);
  el.temperature.value = String(settings.temperature);
  const adapter = settings.adapter ?? "";
  if (adapter !== "" && ![...el.adapter.options].some((o) => o.value === adapter)) {
    // The adapter list loads later; keep the choice until it does.
    el.adapter.append(new Option(adapter, adapter));
  }
  el.adapter.value = adapter;
}
