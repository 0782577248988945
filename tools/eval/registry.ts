/**
 * The evaluation sections, in run and table order. `deno task eval [section...]` runs a
 * subset by name.
 *
 * @module
 */
import type { EvalSection } from "./context.ts";
import { closedBookSection } from "./sections/closed_book.ts";
import { coveSection } from "./sections/cove.ts";
import { s2aSection } from "./sections/s2a.ts";
import { selfragSection } from "./sections/selfrag.ts";
import { speculativeSection } from "./sections/speculative.ts";
import { stylesSection } from "./sections/styles.ts";
import { quietStarSection } from "./sections/quiet_star.ts";
// Section "best_of_n" is written by another engineer (issue 8); it exports bestOfNSection.
import { bestOfNSection } from "./sections/best_of_n.ts";

/** Every section, in order. */
export const SECTIONS: readonly EvalSection[] = [
  closedBookSection,
  selfragSection,
  s2aSection,
  coveSection,
  bestOfNSection,
  speculativeSection,
  stylesSection,
  quietStarSection,
];

/** Names of every section. */
export const SECTION_NAMES: readonly string[] = SECTIONS.map((s) => s.name);
