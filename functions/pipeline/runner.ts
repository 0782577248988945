/**
 * The step protocol's state machine (design.md, "The client-in-the-loop step protocol"):
 * `start` and `step` advance a run through its stages until a stage asks the client for
 * generations (then the state is signed and returned with the action) or the last stage
 * is done (then the output and the full trace are returned).
 *
 * @module
 */
import type {
  GenerateRequest,
  PipelineResponse,
  Stage,
  StartRequest,
  StepRequest,
  StepResult,
} from "../../shared/pipeline.ts";
import { ApiError } from "../http/errors.ts";
import type { Retriever } from "../retrieval/retriever.ts";
import { coveStage } from "../cove/stage.ts";
import { bestOfNStage } from "./best_of_n/stage.ts";
import { s2aStage } from "../s2a/stage.ts";
import { selfragStage } from "../selfrag/stage.ts";
import { matchResults } from "./results.ts";
import type { RequestFactory, StageEnv, StageMachine, StageOutcome } from "./stage.ts";
import { PipelineState, type StageState } from "./state.ts";
import { StateCodec } from "./state_token.ts";

/** What the pipeline endpoints depend on. */
export interface PipelineDeps {
  retriever: Retriever;
  /** HMAC secret of the state tokens (VERITY_STATE_SECRET), at least 16 characters. */
  stateSecret: string;
  /** Clock in milliseconds (injected in tests). */
  now?: () => number;
  /** State token lifetime in milliseconds (default 15 minutes). */
  stateTtlMs?: number;
}

// Each stage machine typed over the union of stage states; its own schema keeps it honest.
const MACHINES = {
  s2a: s2aStage,
  selfrag: selfragStage,
  cove: coveStage,
  best_of_n: bestOfNStage,
} as unknown as Record<Stage, StageMachine<StageState>>;

/** The id of request `tag` of `stage` in round `round`. */
export function requestId(round: number, stage: Stage, tag: string): string {
  return `${round}.${stage}.${tag}`;
}

function requestFactory(state: PipelineState, stage: Stage): RequestFactory {
  const { temperature, adapter } = state.options;
  return (tag, body, s) => ({
    id: requestId(state.round + 1, stage, tag),
    ...body,
    max_tokens: s.max_tokens,
    temperature: s.temperature ?? temperature,
    stop: [...(s.stop ?? [])],
    // The run's adapter belongs to the prover; a verifier request may go to another model.
    ...(adapter === undefined || s.role === "verifier" ? {} : { adapter }),
    ...(s.seed === undefined ? {} : { seed: s.seed }),
    ...(s.role === undefined ? {} : { role: s.role }),
    ...(s.score_tokens === undefined ? {} : { score_tokens: [...s.score_tokens] }),
    ...(s.logprobs ? { logprobs: true } : {}),
    ...(s.stream ? { stream: true } : {}),
  } as GenerateRequest);
}

/** Runs pipelines over signed state. */
export class PipelineRunner {
  private readonly codec: Promise<StateCodec>;

  constructor(private readonly deps: PipelineDeps) {
    this.codec = StateCodec.create({
      secret: deps.stateSecret,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.stateTtlMs ? { ttlMs: deps.stateTtlMs } : {}),
    });
  }

  private env(state: PipelineState): StageEnv {
    const stage = state.pipeline[state.stage] as Stage;
    return {
      question: state.question,
      draft: state.draft,
      isLast: state.stage === state.pipeline.length - 1,
      options: state.options,
      retriever: this.deps.retriever,
      request: requestFactory(state, stage),
      pendingId: (tag) => requestId(state.round, stage, tag),
    };
  }

  /** POST /v1/pipelines/start */
  async start(req: StartRequest): Promise<PipelineResponse> {
    const users = req.input.messages.filter((m) => m.role === "user" && m.content.trim() !== "");
    const state: PipelineState = {
      v: 1,
      round: 0,
      pipeline: req.pipeline,
      stage: 0,
      options: req.options,
      question: users[users.length - 1]?.content ?? "",
      draft: null,
      pending: [],
      stage_state: null,
      trace: [],
    };
    const machine = MACHINES[req.pipeline[0] as Stage];
    return this.advance(state, await machine.start(this.env(state)));
  }

  /** POST /v1/pipelines/step */
  async step(req: StepRequest): Promise<PipelineResponse> {
    const payload = await (await this.codec).verify(req.state);
    const parsed = PipelineState.safeParse(payload);
    const current = parsed.success ? parsed.data.pipeline[parsed.data.stage] : undefined;
    if (!parsed.success || current === undefined || parsed.data.stage_state?.kind !== current) {
      throw new ApiError(
        400,
        "invalid_state",
        "Cannot continue as the state does not describe a running pipeline",
      );
    }
    const state = parsed.data;
    const stageState = state.stage_state as StageState; // non-null: checked above
    const results: Map<string, StepResult> = matchResults(state.pending, req.results);
    const machine = MACHINES[current];
    return this.advance(state, await machine.step(this.env(state), stageState, results));
  }

  private async advance(
    state: PipelineState,
    outcome: StageOutcome<StageState>,
  ): Promise<PipelineResponse> {
    for (;;) {
      const stage = state.pipeline[state.stage] as Stage;
      const trace = [...state.trace, ...outcome.events.map((e) => ({ stage, ...e }))];
      if (outcome.kind === "ask") {
        const next: PipelineState = {
          ...state,
          round: state.round + 1,
          stage_state: outcome.state,
          pending: outcome.requests.map((r) => ({
            id: r.id,
            ...(r.score_tokens ? { score_tokens: r.score_tokens } : {}),
            ...(r.logprobs ? { logprobs: true } : {}),
          })),
          trace,
        };
        const token = await (await this.codec).sign(next);
        return { state: token, actions: [{ kind: "generate", requests: outcome.requests }] };
      }
      state = {
        ...state,
        question: outcome.question,
        draft: outcome.draft ?? state.draft,
        stage: state.stage + 1,
        stage_state: null,
        pending: [],
        trace,
      };
      if (state.stage >= state.pipeline.length) {
        return { final: { output: state.draft ?? "", trace } };
      }
      outcome = await MACHINES[state.pipeline[state.stage] as Stage].start(this.env(state));
    }
  }
}
