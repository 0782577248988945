/**
 * Section "closed_book": direct answers (chat template, greedy, no retrieval) on facts seen in
 * training (closed_book_seen) and facts that exist only in the corpus (corpus_only).
 * Accuracy: a gold answer occurs in the output as whole words.
 *
 * @module
 */
import type { EvalRow, EvalSection, SectionResult } from "../context.ts";
import { directAnswersFor, logExamples } from "../direct.ts";
import { errorRows } from "../failures.ts";
import { loadEvalSet } from "../items.ts";
import { pointsRow } from "../rows.ts";
import { answerCorrect } from "../score.ts";

/** The sets of the section, in table order. */
export const CLOSED_BOOK_SETS = ["closed_book_seen", "corpus_only"] as const;

/** Closed-book accuracy on seen and corpus-only facts. */
export const closedBookSection: EvalSection = {
  name: "closed_book",
  async run(ctx): Promise<SectionResult> {
    const rows: EvalRow[] = [];
    const summary: Record<string, number> = {};
    for (const set of CLOSED_BOOK_SETS) {
      const items = await loadEvalSet(ctx.modelsDir, set, ctx.limit);
      const { outputs, failures } = await directAnswersFor(ctx, `closed_book ${set}`, items);
      logExamples(ctx, `closed_book ${set}`, items.map((i) => i.question), outputs);
      const scores = items.map((item, i) => answerCorrect(outputs[i]!, item.answers));
      const row = pointsRow(
        { section: "closed_book", set, method: "closed_book", metric: "accuracy" },
        scores,
        ctx.seed,
        "direct answer, chat template, greedy",
      );
      rows.push(
        row,
        ...errorRows(
          { section: "closed_book", set, method: "closed_book" },
          items.length,
          failures,
        ),
      );
      summary[`closed_book_accuracy_${set}`] = row.value;
    }
    return { rows, summary, gains: {} };
  },
};
