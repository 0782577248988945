/**
 * Splits a list answer ("Barack Obama, Joe Biden and Kamala Harris", or a bulleted list)
 * into items, as CoVe's list-based questions need (Dhuliawala et al. 2023, Wikidata and
 * Wiki-Category list tasks).
 *
 * @module
 */
import { cleanLine, stripMarker } from "./plan_parser.ts";

const BULLET = /^\s*(?:[-*•]|\(?\d+[.)])\s+/;

function tidy(item: string): string {
  return cleanLine(item).replace(/^(?:and|or)\s+/i, "").replace(/[.;:!]+$/, "").trim();
}

/**
 * The items of a list answer, in order, without duplicates (case-insensitive).
 *
 * @example
 * ```ts
 * parseListItems("Some politicians born in NY are: Donald Trump, Hillary Clinton, and Al Smith.");
 * // ["Donald Trump", "Hillary Clinton", "Al Smith"]
 * ```
 */
export function parseListItems(text: string): string[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const bullets = lines.filter((l) => BULLET.test(l));
  let parts: string[];
  if (bullets.length >= 2) {
    parts = bullets.map((l) => stripMarker(l));
  } else {
    const body = lines.join(" ");
    const colon = body.indexOf(":");
    const list = colon >= 0 && colon < body.length - 1 ? body.slice(colon + 1) : body;
    parts = list.split(/\s*[,;]\s*|\s+(?:and|or)\s+/i);
  }
  const seen = new Set<string>();
  const items: string[] = [];
  for (const p of parts.map(tidy)) {
    const key = p.toLowerCase();
    if (p === "" || seen.has(key)) continue;
    seen.add(key);
    items.push(p);
  }
  return items;
}
