/**
 * The Self-RAG evidence example shape (Asai et al. 2023): the instruction, `[Retrieval]`
 * (trained), the passage (not trained), then the critique tokens and the answer (trained).
 *
 * @module
 */
import { evidence, instructionPrompt } from "../../../functions/selfrag/prompts.ts";
import type { DocumentInput } from "../../../shared/documents.ts";
import type { ExampleKind, TrainingExample } from "./examples.ts";

/**
 * One evidence example: `### Instruction:` prompt, `[Retrieval]<paragraph>...</paragraph>`
 * and `after` (reflection tokens and answer) ending with `<|endoftext|>`.
 *
 * @example
 * ```ts
 * selfRagRetrieval("Who leads Boria?", doc, "[Relevant]Boria is led by Ana Dor.[Fully supported][Utility:5]");
 * ```
 */
export function selfRagRetrieval(
  question: string,
  doc: DocumentInput,
  after: string,
  kind: ExampleKind = "selfrag_retrieval",
): TrainingExample {
  const paragraph = evidence({ title: doc.title ?? doc.id, text: doc.text });
  return {
    kind,
    segments: [
      { text: instructionPrompt(question), loss: false },
      { text: "[Retrieval]", loss: true },
      { text: paragraph.slice("[Retrieval]".length), loss: false },
      { text: `${after}<|endoftext|>`, loss: true },
    ],
  };
}
