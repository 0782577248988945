/**
 * The settings form of an experiment, generated from its zod schema: the schema is turned into
 * JSON Schema (`z.toJSONSchema`, input side) and walked next to a settings value, giving one
 * flat field per leaf (number, integer, choice, fixed kind, yes/no, list of numbers, or JSON for
 * anything else). Union members are picked by their `kind` constant, so a preset decides which
 * model or optimiser the form shows. Pure: no DOM.
 *
 * @module
 */
import { z } from "zod";

/** How a field is edited and read back. */
export type FieldKind = "number" | "integer" | "enum" | "const" | "boolean" | "numbers" | "json";

/** One form field: a leaf of the settings object. */
export interface SettingsField {
  /** Path of the leaf in the settings object, e.g. ["optimizer", "lr"]. */
  readonly path: readonly string[];
  /** `path` joined with "." (unique within a form; used as the input's name). */
  readonly key: string;
  readonly kind: FieldKind;
  /** Choices of an "enum" field (a leading "" means "leave it to the default"). */
  readonly options?: readonly string[];
  /** The schema accepts the leaf being absent (optional, or with a default). */
  readonly optional: boolean;
  /** The schema's default, shown as a placeholder. */
  readonly placeholder?: string;
  /** The field's text as the form shows it ("" when absent). */
  readonly raw: string;
}

/** The subset of JSON Schema the walker reads. */
interface JsonNode {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonNode>;
  required?: string[];
  items?: JsonNode;
  oneOf?: JsonNode[];
  anyOf?: JsonNode[];
}

/** JSON Schema of the settings as a caller writes them (defaults optional). */
export function settingsJsonSchema(schema: z.ZodType): JsonNode {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonNode;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The union member matching the value's `kind` (else the first member). */
function pickBranch(branches: JsonNode[], value: unknown): JsonNode {
  const kind = isRecord(value) ? value.kind : undefined;
  return branches.find((b) => b.properties?.kind?.const === kind) ?? branches[0] ?? {};
}

function isNumberType(t: string | undefined): boolean {
  return t === "number" || t === "integer";
}

function rawOf(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (kind === "numbers" && Array.isArray(value)) return value.join(", ");
  if (kind === "json") return JSON.stringify(value);
  return String(value);
}

function leafKind(node: JsonNode): FieldKind {
  if (node.const !== undefined) return "const";
  if (node.enum !== undefined) return "enum";
  if (node.type === "integer") return "integer";
  if (node.type === "number") return "number";
  if (node.type === "boolean") return "boolean";
  if (node.type === "array" && isNumberType(node.items?.type) && node.items?.oneOf === undefined) {
    return "numbers";
  }
  return "json";
}

function walk(
  node: JsonNode,
  value: unknown,
  path: string[],
  optional: boolean,
  out: SettingsField[],
): void {
  const branches = node.oneOf ?? node.anyOf;
  if (branches !== undefined && node.type === undefined) {
    walk({ ...pickBranch(branches, value), default: node.default }, value, path, optional, out);
    return;
  }
  if (node.type === "object" && node.properties !== undefined) {
    const obj = isRecord(value) ? value : isRecord(node.default) ? node.default : {};
    const required = new Set(node.required ?? []);
    for (const [key, child] of Object.entries(node.properties)) {
      walk(child, obj[key], [...path, key], optional || !required.has(key), out);
    }
    return;
  }
  const kind = leafKind(node);
  const isOptional = optional || node.default !== undefined;
  const options = kind === "enum"
    ? [...(isOptional ? [""] : []), ...(node.enum ?? []).map(String)]
    : kind === "const"
    ? [String(node.const)]
    : undefined;
  const shown = kind === "const" ? node.const : value;
  out.push({
    path,
    key: path.join("."),
    kind,
    ...(options !== undefined ? { options } : {}),
    optional: isOptional,
    ...(node.default !== undefined ? { placeholder: rawOf(kind, node.default) } : {}),
    raw: rawOf(kind, shown),
  });
}

/**
 * The fields of a settings form for `schema`, filled from `value` (a preset or a stored run's
 * settings).
 *
 * @example
 * ```ts
 * const fields = settingsFields(GrokkingSettings, GROKKING_PRESETS.quick);
 * fields.find((f) => f.key === "optimizer.lr")?.raw; // "0.003"
 * ```
 */
export function settingsFields(schema: z.ZodType, value: unknown): SettingsField[] {
  const out: SettingsField[] = [];
  walk(settingsJsonSchema(schema), value, [], false, out);
  return out;
}
