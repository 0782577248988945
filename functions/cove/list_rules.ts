/**
 * Rule-based verification of list answers: for a list question whose shape a rule knows
 * ("Name the cities located in X."), the edge itself splits the draft into items
 * (list_items.ts) and writes one open verification question per item from the rule's template
 * ("In which country is C?"), instead of asking the model for the plan. The model still
 * answers every question on its own, never seeing the draft (the factored execution of
 * Dhuliawala et al. 2023, Section 3.3); the verified list is the draft's label with the items
 * whose verification agrees with the question: the answer names the asked owner (factored), or
 * the model's cross-check says CONSISTENT (factor+revise).
 *
 * Why: planning and rewriting a list only copy names, and the bundled 1.3M-parameter models do
 * not copy names across tens of tokens (ARCHITECTURE.md, CoVe). The rules cover the bundled
 * world's direct list shapes; their questions and facts are the world's closed-book templates
 * (tools/forge/world/templates.ts, checked by a test), so execution asks what the model was
 * trained to answer.
 *
 * @module
 */
import { containsWord, proseList } from "../../shared/words.ts";
import { parseListItems } from "./list_items.ts";
import type { VerificationQuestion, VerifiedPair } from "./prompts.ts";

/** One list shape the edge plans by rule. */
export interface ListRule {
  /** Matches the list question; group 1 is the owner the members belong to. */
  readonly pattern: RegExp;
  /** Verification question of one item, `{item}` filled in. */
  readonly question: string;
  /** The claim the draft makes about one item, `{item}` and `{owner}` filled in. */
  readonly fact: string;
}

/** The bundled world's direct list shapes (cities of a country, products of a maker). */
export const LIST_RULES: readonly ListRule[] = [
  {
    pattern: /^Name the cities located in (.+?)\.?$/i,
    question: "In which country is {item}?",
    fact: "{item} is located in {owner}",
  },
  {
    pattern: /^Name the products made by (.+?)\.?$/i,
    question: "Who makes {item}?",
    fact: "{item} is made by {owner}",
  },
];

/** A rule-planned verification of one draft: the owner, the label and one pair per item. */
export interface ListPlan {
  readonly owner: string;
  /** The draft's text before its first colon ("Cities located in X"), or "" when none. */
  readonly label: string;
  /** The verified items, in draft order, one per question. */
  readonly items: string[];
  readonly questions: VerificationQuestion[];
}

function fill(template: string, item: string, owner: string): string {
  return template.replaceAll("{item}", item).replaceAll("{owner}", owner);
}

/**
 * The rule plan of `draft` for `question`: null when no rule matches the question or the draft
 * lists no item. At most `max` items are verified (the first ones).
 *
 * @example
 * ```ts
 * planByRule("Name the cities located in Boria.", "Cities located in Boria: Arlen and Bly.", 8)
 *   ?.questions[1]; // { fact: "Bly is located in Boria", question: "In which country is Bly?" }
 * ```
 */
export function planByRule(question: string, draft: string, max: number): ListPlan | null {
  const q = question.trim();
  for (const rule of LIST_RULES) {
    const owner = rule.pattern.exec(q)?.[1]?.trim();
    if (owner === undefined || owner === "") continue;
    const items = parseListItems(draft).slice(0, max);
    if (items.length === 0) return null;
    const colon = draft.indexOf(":");
    return {
      owner,
      label: colon > 0 ? draft.slice(0, colon).trim() : "",
      items,
      questions: items.map((item) => ({
        fact: fill(rule.fact, item, owner),
        question: fill(rule.question, item, owner),
      })),
    };
  }
  return null;
}

/**
 * Whether a verified pair keeps its item: with a cross-check verdict, only `CONSISTENT`;
 * without one, the verification answer names the owner as a whole word.
 *
 * @example
 * ```ts
 * keepsItem({ fact: "Bly is located in Boria", question: "In which country is Bly?",
 *   answer: "Bly is located in Kozia." }, "Boria"); // false
 * ```
 */
export function keepsItem(pair: VerifiedPair, owner: string): boolean {
  return pair.verdict !== undefined
    ? pair.verdict === "CONSISTENT"
    : containsWord(pair.answer, owner);
}

/**
 * The verified list: the label and the kept items as prose ("A", "A and B", "A, B and C"), or a
 * sentence saying nothing was verified.
 *
 * @example
 * ```ts
 * verifiedList("Cities located in Boria", ["Arlen", "Bly"]); // "Cities located in Boria: Arlen and Bly."
 * ```
 */
export function verifiedList(label: string, items: readonly string[]): string {
  if (items.length === 0) return "None of the drafted items could be verified.";
  const prose = proseList(items);
  return label === "" ? `${prose}.` : `${label}: ${prose}.`;
}

/**
 * The items whose verified pair (same index) keeps them, in draft order.
 *
 * @example
 * ```ts
 * keptItems({ owner: "Boria", items: ["Arlen", "Bly"] }, pairs); // ["Arlen"]
 * ```
 */
export function keptItems(
  plan: { readonly owner: string; readonly items: readonly string[] },
  pairs: readonly VerifiedPair[],
): string[] {
  return plan.items.filter((_, i) => pairs[i] !== undefined && keepsItem(pairs[i], plan.owner));
}
