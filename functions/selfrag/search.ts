/**
 * The retrieval rounds of Self-RAG's segment-level beam search (Asai et al., ICLR 2024,
 * Section 3.3): retrieve per live node, one candidate per passage as ONE batch, critiques
 * as ONE batch, node score = segment score x parent score, keep the best `beam_width`.
 *
 * @module
 */
import type { StepResult } from "../../shared/pipeline.ts";
import { resultFor, type StageEnv, type StageEvent } from "../pipeline/stage.ts";
import { answerOf, type BeamNode, type Candidate, prefixOf, rootNode, topK } from "./beam.ts";
import { critiqueRequests, readCritique, segmentText } from "./critique.ts";
import { fitCandidate, fitCritiqueText } from "./fit.ts";
import { candidatePrompt } from "./prompts.ts";
import { prob, relevanceScore, segmentScore, sequenceScore } from "./scoring.ts";
import { ask, askAnswer, done, type Outcome, type State } from "./state.ts";
import { RELEVANCE_TOKENS } from "./tokens.ts";

/** Retrieve for every live node and ask for one candidate per passage, as one batch. */
export async function expand(env: StageEnv, state: State, events: StageEvent[]): Promise<Outcome> {
  const o = env.options.selfrag;
  const candidates: Candidate[] = [];
  const maxTokens = new Map<number, number>(); // candidate id -> its answer budget
  let nextId = state.next_id;
  for (const node of state.beam) {
    const last = node.segments[node.segments.length - 1];
    const query = last === undefined ? env.question : `${env.question} ${last}`;
    const retrieved = await env.retriever.retrieve(query, o.k);
    const fitted = retrieved.map((p) => fitCandidate(env, prefixOf(node), p));
    const passages = fitted.map((f) => f.passage);
    events.push({
      event: "retrieve",
      data: {
        depth: state.depth,
        node: node.id,
        query,
        passages: passages.map((p, i) => ({
          doc_id: p.doc_id,
          passage_id: p.passage_id,
          title: p.title,
          score: p.score,
          snippet: p.text.slice(0, 160),
          // Only when context_tokens made the passage shorter: its kept and original length.
          ...(p === retrieved[i]
            ? {}
            : { trimmed: { chars: p.text.length, of: retrieved[i]?.text.length ?? 0 } }),
          // Only when the window leaves too little room to answer after this passage.
          ...(fitted[i]?.fits === false ? { skipped: "no room in context_tokens" } : {}),
        })),
      },
    });
    for (const f of fitted) {
      if (!f.fits) continue;
      maxTokens.set(nextId, f.maxTokens);
      candidates.push({ id: nextId++, parent: node.id, passage: f.passage, text: "" });
    }
  }
  if (candidates.length === 0) {
    const finished = [...state.finished, ...(state.depth === 0 ? [] : state.beam)];
    const next = { ...state, beam: [], finished };
    if (state.depth > 0) return finish(env, next, events);
    events.push({ event: "no_passages", data: { depth: 0 } });
    if (state.fallback !== null) return done(env, state.fallback, events);
    return askAnswer(env, next, events);
  }
  const requests = candidates.map((c) => {
    const node = state.beam.find((n) => n.id === c.parent) ?? rootNode();
    return env.request(`c${c.id}`, {
      prompt: candidatePrompt(env.question, prefixOf(node), c.passage),
    }, {
      max_tokens: maxTokens.get(c.id) ?? env.options.max_tokens,
      ...(o.reflection_tokens ? { score_tokens: RELEVANCE_TOKENS } : {}),
      ...(o.use_seq_score ? { logprobs: true } : {}),
    });
  });
  return ask({ ...state, phase: "candidates", candidates, next_id: nextId }, requests, events);
}

/** Pick the best finished answer. */
export function finish(env: StageEnv, state: State, events: StageEvent[]): Outcome {
  const [best] = topK(state.finished, 1);
  const output = best === undefined ? "" : answerOf(best);
  events.push({
    event: "select",
    data: {
      node: best?.id ?? null,
      score: best?.score ?? null,
      passages: best?.passages ?? [],
      output,
    },
  });
  return done(env, output, events);
}

/** Record the candidates and ask for their critiques. */
export function afterCandidates(
  env: StageEnv,
  state: State,
  results: ReadonlyMap<string, StepResult>,
): Outcome {
  const o = env.options.selfrag;
  const candidates = state.candidates.map((c) => {
    const r = resultFor(results, env.pendingId(`c${c.id}`));
    const rel = o.reflection_tokens
      ? {
        rel: relevanceScore(
          prob(r.scores ?? {}, "[Relevant]"),
          prob(r.scores ?? {}, "[Irrelevant]"),
        ),
      }
      : {};
    const seq = o.use_seq_score ? { seq: sequenceScore(r.token_logprobs ?? []) } : {};
    return { ...c, text: r.text, ...rel, ...seq };
  });
  const parents = new Map(state.beam.map((n) => [n.id, n]));
  const cuts: { node: number; kept_chars: number; of: number }[] = [];
  const fit = (node: number, carrier: string, text: string) => {
    const kept = fitCritiqueText(env, carrier, text);
    if (kept.length < text.length) cuts.push({ node, kept_chars: kept.length, of: text.length });
    return kept;
  };
  const requests = critiqueRequests(candidates, {
    question: env.question,
    prefix: (id) => prefixOf(parents.get(id) ?? rootNode()),
    reflection: o.reflection_tokens,
    askComplete: state.depth + 1 < o.max_depth,
    request: env.request,
    fit,
  });
  const events: StageEvent[] = cuts.length === 0 ? [] : [{
    event: "window_fit",
    data: { depth: state.depth, context_tokens: env.options.context_tokens ?? null, cuts },
  }];
  return ask({ ...state, phase: "critique", candidates }, requests, events);
}

/** Score the candidates, keep the beam, go deeper or finish. */
export function afterCritique(
  env: StageEnv,
  state: State,
  results: ReadonlyMap<string, StepResult>,
): Promise<Outcome> | Outcome {
  const o = env.options.selfrag;
  const parents = new Map(state.beam.map((n) => [n.id, n]));
  const askComplete = state.depth + 1 < o.max_depth;
  const children = state.candidates.map((c) => {
    const parent = parents.get(c.parent) ?? rootNode();
    const critique = readCritique(c, env.pendingId, results, {
      reflection: o.reflection_tokens,
      askComplete,
    });
    const segment = segmentText(c);
    const segScore = segmentScore(critique.scores, o);
    const node: BeamNode = {
      id: c.id,
      parent: parent.id,
      segments: [...parent.segments, segment],
      passages: [...parent.passages, c.passage.passage_id],
      score: segScore * parent.score,
    };
    const continues = critique.continues && askComplete && segment !== "";
    return {
      node,
      continues,
      row: {
        node: c.id,
        parent: parent.id,
        passage_id: c.passage.passage_id,
        ...critique.scores,
        segment_score: segScore,
        node_score: node.score,
        continues,
        text: segment,
      },
    };
  });
  const kept = topK(children.map((c) => ({ ...c, score: c.node.score })), o.beam_width);
  const events: StageEvent[] = [
    {
      event: "critique",
      data: {
        depth: state.depth,
        reflection_tokens: o.reflection_tokens,
        candidates: children.map((c) => c.row),
      },
    },
    { event: "beam", data: { depth: state.depth, kept: kept.map((k) => k.node.id) } },
  ];
  const finished = [...state.finished, ...kept.filter((k) => !k.continues).map((k) => k.node)];
  const live = kept.filter((k) => k.continues).map((k) => k.node);
  const next: State = { ...state, candidates: [], finished, beam: live, depth: state.depth + 1 };
  if (live.length === 0) return finish(env, next, events);
  return expand(env, next, events);
}
