/**
 * Browser entry of the trace view test (bundled by tests/e2e/trace_view_test.ts with
 * tools/build.ts bundleModule): the trace panel, the pipeline toggles and readers of a
 * rendered panel's structure and of the toggles' state for the assertions.
 *
 * @module
 */
export { renderTrace } from "../../client/ui/trace/render_trace.ts";
export {
  defaultPipelineSettings,
  renderPipelineToggles,
  toPipelineRequest,
} from "../../client/ui/trace/pipeline_toggles.ts";

/** What the test reads from one rendered panel (see {@link inspectPanel}). */
export interface PanelReport {
  tag: string;
  openAtFirst: boolean;
  openAfterClick: boolean;
  closedAfterSecondClick: boolean;
  dels: string[];
  citations: { href: string; resolves: boolean; samePassage: boolean; inPanel: boolean }[];
  passages: number;
  critiqueRows: number;
  verificationRows: string[][];
  /** Elements that would only exist if text had become markup. */
  markup: number;
  text: string;
}

/** Read the structure of the rendered panel with id `id` (runs in the page). */
export function inspectPanel(
  id: string,
): Omit<PanelReport, "openAtFirst" | "openAfterClick" | "closedAfterSecondClick"> {
  const panel = document.getElementById(id);
  if (panel === null) throw new Error(`Cannot inspect panel '${id}' as it is not in the page`);
  const links = [...panel.querySelectorAll<HTMLAnchorElement>("a.trace-citation")];
  return {
    tag: panel.tagName.toLowerCase(),
    dels: [...panel.querySelectorAll("del")].map((d) => d.textContent ?? ""),
    citations: links.map((a) => {
      const href = a.getAttribute("href") ?? "";
      const target = document.getElementById(href.slice(1));
      return {
        href,
        resolves: target !== null,
        samePassage: target?.dataset.passage === a.dataset.passage,
        inPanel: target !== null && panel.contains(target),
      };
    }),
    passages: panel.querySelectorAll("li.trace-passage").length,
    critiqueRows: panel.querySelectorAll("table.trace-critique tbody tr").length,
    verificationRows: [...panel.querySelectorAll("table.trace-verification tbody tr")].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")
    ),
    markup: panel.querySelectorAll("img, script, b, i, iframe").length,
    text: panel.textContent ?? "",
  };
}

/** What the test reads from one toggle control (see {@link inspectToggles}). */
export interface ControlReport {
  id: string;
  /** Text of the control's <label>s. */
  label: string;
  disabled: boolean;
  /** Text of the elements aria-describedby names, when they are shown ("" otherwise). */
  description: string;
}

/** Read every input and select of the toggle group inside the element with id `rootId`. */
export function inspectToggles(rootId: string): ControlReport[] {
  const root = document.getElementById(rootId);
  if (root === null) {
    throw new Error(`Cannot inspect toggles '${rootId}' as they are not in the page`);
  }
  const controls = root.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select");
  return [...controls].map((c) => {
    const notes = (c.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((i) => i !== "")
      .map((i) => document.getElementById(i))
      .filter((n): n is HTMLElement => n !== null && !n.hidden && n.offsetParent !== null);
    return {
      id: c.id,
      label: [...(c.labels ?? [])].map((l) => l.textContent ?? "").join(" | "),
      disabled: c.disabled,
      description: notes.map((n) => n.textContent?.trim() ?? "").join(" "),
    };
  });
}
