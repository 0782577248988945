/**
 * The Quiet-STaR thinking controls of the composer: on/off, K thoughts, t tokens per thought,
 * and where w comes from: a fixed w in [0, 1] or an entropy-gated w (both labelled
 * "untrained"), or the model's mixing head ("trained", offered only when the loaded model
 * declares one). Every numeric field is validated with the zod schema of thinking_settings.ts;
 * an invalid value shows its error right after the field (aria-invalid, aria-describedby) and
 * the settings keep their last valid value until it is fixed. Native labelled controls only.
 *
 * @module
 */
import type { Build } from "./dom.ts";
import {
  defaultThinkingSettings,
  describeThinking,
  headUnavailable,
  MAX_THOUGHT_TOKENS,
  MAX_THOUGHTS,
  type ThinkingField,
  thinkingFieldErrors,
  ThinkingSettings,
  type ThinkingSupport,
  W_SOURCES,
  wLabel,
  type WSource,
} from "./thinking_settings.ts";

const W_LABELS: Record<WSource, string> = {
  fixed: "fixed w (untrained)",
  entropy: "entropy-gated w (untrained)",
  head: "mixing head (trained)",
};

/** The rendered thinking controls. */
export interface ThinkingControls {
  /** The fieldset to place in the toggle group. */
  readonly box: HTMLElement;
  /** The settings shown; enabled only while the box is checked and not blocked. */
  get(): ThinkingSettings;
  /** Show `s`, clearing field errors. */
  set(s: ThinkingSettings): void;
  /**
   * Validate the fields (showing errors next to them) and enable the controls; `blocked` says
   * why thinking cannot be on now (it is then disabled with that note), undefined when it can.
   */
  sync(blocked: string | undefined): void;
}

interface NumberField {
  readonly field: ThinkingField;
  readonly input: HTMLInputElement;
  readonly error: HTMLElement;
  readonly row: HTMLElement;
}

function numberField(
  h: Build,
  id: string,
  field: ThinkingField,
  label: string,
  range: { min: number; max: number; step: string },
): NumberField {
  const input = h("input", {
    type: "number",
    id,
    min: String(range.min),
    max: String(range.max),
    step: range.step,
    "data-thinking": field,
  }) as HTMLInputElement;
  const error = h("small", { id: `${id}-error`, class: "field-error", role: "alert" });
  error.hidden = true;
  const row = h(
    "span",
    { class: "thinking-field" },
    h("label", { for: id }, label),
    " ",
    input,
    error,
  );
  return { field, input, error, row };
}

/** Render the controls (ids start with `${prefix}-thinking`). */
export function thinkingControls(
  h: Build,
  prefix: string,
  support: ThinkingSupport = {},
): ThinkingControls {
  const p = `${prefix}-thinking`;
  const enabled = h("input", { type: "checkbox", id: p }) as HTMLInputElement;
  const why = h("small", { id: `${p}-why`, class: "pipeline-conflict" });
  why.hidden = true;
  const k = numberField(h, `${p}-k`, "k", "Thoughts (K)", { min: 1, max: MAX_THOUGHTS, step: "1" });
  const t = numberField(h, `${p}-t`, "t", "Tokens per thought (t)", {
    min: 1,
    max: MAX_THOUGHT_TOKENS,
    step: "1",
  });
  const noHead = headUnavailable(support);
  const w = h(
    "select",
    { id: `${p}-w` },
    ...W_SOURCES.map((v) =>
      h(
        "option",
        { value: v, ...(v === "head" && noHead !== undefined ? { disabled: "" } : {}) },
        W_LABELS[v],
      )
    ),
  ) as HTMLSelectElement;
  const wError = h("small", { id: `${p}-w-error`, class: "field-error", role: "alert" });
  wError.hidden = true;
  const badge = h("span", { id: `${p}-w-label`, class: "thinking-w-label" });
  const fixedW = numberField(h, `${p}-fixed-w`, "fixedW", "w", { min: 0, max: 1, step: "0.05" });
  const threshold = numberField(h, `${p}-entropy-threshold`, "entropyThreshold", "above (nats)", {
    min: 0,
    max: 20,
    step: "0.1",
  });
  const maxW = numberField(h, `${p}-max-w`, "maxW", "up to w", { min: 0, max: 1, step: "0.05" });
  const fields = [k, t, fixedW, threshold, maxW];
  const summary = h("p", { id: `${p}-summary`, class: "thinking-summary", "aria-live": "polite" });
  const box = h(
    "fieldset",
    { class: "pipeline-thinking" },
    h("legend", {}, "Thinking (Quiet-STaR)"),
    h("div", {}, enabled, h("label", { for: p }, "Think before each token"), why),
    h("div", {}, k.row, " ", t.row),
    h("div", {}, h("label", { for: w.id }, "Mixing"), " ", w, " ", badge, wError),
    h("div", { class: "thinking-fixed" }, fixedW.row, h("small", {}, " w = 0 is the base model")),
    h("div", { class: "thinking-entropy" }, threshold.row, " ", maxW.row),
    summary,
  );
  let last: ThinkingSettings = defaultThinkingSettings;

  /** The fields as typed (NaN for an empty or unreadable number). */
  function raw(): Record<string, unknown> {
    const out: Record<string, unknown> = { enabled: enabled.checked, w: w.value };
    for (const f of fields) {
      out[f.field] = f.input.value.trim() === "" ? Number.NaN : Number(f.input.value);
    }
    return out;
  }
  function showError(input: HTMLElement, error: HTMLElement, message: string | undefined) {
    error.textContent = message ?? "";
    error.hidden = message === undefined;
    if (message === undefined) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    } else {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
    }
  }
  function sync(blocked: string | undefined): void {
    enabled.disabled = blocked !== undefined;
    why.textContent = blocked === undefined ? "" : ` ${blocked}`;
    why.hidden = blocked === undefined;
    if (blocked !== undefined) enabled.setAttribute("aria-describedby", why.id);
    else enabled.removeAttribute("aria-describedby");
    const on = enabled.checked && !enabled.disabled;
    for (const c of [k.input, t.input, w, fixedW.input, threshold.input, maxW.input]) {
      c.disabled = !on;
    }
    const source = w.value as WSource;
    fixedW.input.disabled ||= source !== "fixed";
    threshold.input.disabled ||= source !== "entropy";
    maxW.input.disabled ||= source !== "entropy";
    badge.textContent = wLabel(source);
    badge.dataset.wLabel = wLabel(source);
    const input = raw();
    const errors = thinkingFieldErrors(input);
    for (const f of fields) showError(f.input, f.error, errors[f.field]);
    const headError = source === "head" ? noHead : undefined;
    showError(w, wError, headError);
    if (Object.keys(errors).length === 0) last = ThinkingSettings.parse(input);
    summary.textContent = on ? `Thinking: ${describeThinking(last)}` : "";
  }
  function set(s: ThinkingSettings): void {
    last = ThinkingSettings.parse(s);
    enabled.checked = s.enabled;
    k.input.value = String(s.k);
    t.input.value = String(s.t);
    w.value = s.w;
    fixedW.input.value = String(s.fixedW);
    threshold.input.value = String(s.entropyThreshold);
    maxW.input.value = String(s.maxW);
  }
  return {
    box,
    get: () => ({ ...last, enabled: enabled.checked && !enabled.disabled }),
    set,
    sync,
  };
}
