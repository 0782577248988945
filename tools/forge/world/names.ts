/**
 * Seeded, pronounceable, globally unique names for the tiny world (syllable chains with
 * kind-specific endings), so no name collides with another entity's or with an English word
 * the templates use.
 *
 * @module
 */
import type { Rng } from "../rng.ts";

const ONSETS = [
  "b",
  "d",
  "f",
  "g",
  "k",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "z",
  "br",
  "dr",
  "kr",
  "st",
  "th",
  "sh",
];
const VOWELS = ["a", "e", "i", "o", "u", "ai", "eo", "ou"];
const CODAS = ["", "", "n", "r", "l", "s", "m", "th"];

const SUFFIXES = {
  country: ["ia", "land", "ora", "istan", "mar", "avia"],
  city: ["ton", "holm", "port", "burg", "vale", "ford", "wick", "mouth"],
  organization: [" Works", " Labs", " Guild", " Company", " Institute", " Trust"],
  product: [" One", " Pro", " Mini", " Max", " Lite", " Prime"],
} as const;

/** Pick one element of a non-empty list. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng.uniform() * items.length)]!;
}

/** Integer in [lo, hi], both inclusive. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.uniform() * (hi - lo + 1));
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function stem(rng: Rng, syllables: number): string {
  let s = "";
  for (let i = 0; i < syllables; i++) s += pick(rng, ONSETS) + pick(rng, VOWELS);
  return s + pick(rng, CODAS);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The kinds of name {@link NameFactory} makes. */
export type NameKind = keyof typeof SUFFIXES | "person";

/** Makes names that are unique across everything it has made (case-insensitively). */
export class NameFactory {
  readonly #rng: Rng;
  readonly #used = new Set<string>();

  /** Draw from `rng` (shared with the caller, so the stream stays deterministic). */
  constructor(rng: Rng) {
    this.#rng = rng;
  }

  /** A fresh name of `kind`. */
  next(kind: NameKind): string {
    for (;;) {
      const name = this.#draw(kind);
      const key = name.toLowerCase();
      const firstWord = key.split(" ")[0]!;
      // Unique by full name and by first word, so a name never prefixes another.
      if (!this.#used.has(key) && !this.#used.has(`w:${firstWord}`)) {
        this.#used.add(key);
        if (kind !== "person") this.#used.add(`w:${firstWord}`);
        return name;
      }
    }
  }

  #draw(kind: NameKind): string {
    const rng = this.#rng;
    if (kind === "person") {
      return `${capitalize(stem(rng, intBetween(rng, 1, 2)))} ${capitalize(stem(rng, 2))}`;
    }
    const base = capitalize(stem(rng, intBetween(rng, 1, 2)));
    return base + pick(rng, SUFFIXES[kind]);
  }
}
