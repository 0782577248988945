/**
 * Reading a settings form back: the text of each field becomes a typed leaf at its path, and the
 * assembled object is validated with the experiment's zod schema. Errors come back per field
 * key (zod issue paths mapped onto the field that owns them), in the house style. Pure: no DOM.
 *
 * @module
 */
import type { z } from "zod";
import type { SettingsField } from "./settings_fields.ts";

/** Settings read from a form: the parsed value, or messages by field key ("" = the form). */
export type FormReading =
  | { readonly ok: true; readonly settings: unknown }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

type Leaf = { ok: true; value: unknown } | { ok: false; message: string } | {
  ok: true;
  skip: true;
};

function parseNumber(text: string, integer: boolean): number | undefined {
  const n = Number(text);
  if (text === "" || !Number.isFinite(n)) return undefined;
  return integer && !Number.isInteger(n) ? undefined : n;
}

/** Parse one field's text into its leaf value (or "skip" when empty and optional). */
export function parseLeaf(field: SettingsField, text: string): Leaf {
  const t = text.trim();
  if (t === "" && field.kind !== "const") {
    return field.optional ? { ok: true, skip: true } : {
      ok: false,
      message: `Cannot read '${field.key}' as it is required: current value is empty`,
    };
  }
  switch (field.kind) {
    case "const":
      return { ok: true, value: field.options?.[0] ?? t };
    case "enum":
      return field.options?.includes(t) ? { ok: true, value: t } : {
        ok: false,
        message: `Cannot read '${field.key}' as it must be one of ${
          (field.options ?? []).filter((o) => o !== "").map((o) => `"${o}"`).join(", ")
        }: current value is "${t}"`,
      };
    case "boolean":
      return t === "true" || t === "false" ? { ok: true, value: t === "true" } : {
        ok: false,
        message: `Cannot read '${field.key}' as it must be true or false: current value is "${t}"`,
      };
    case "number":
    case "integer": {
      const n = parseNumber(t, field.kind === "integer");
      return n !== undefined ? { ok: true, value: n } : {
        ok: false,
        message: `Cannot read '${field.key}' as it must be ${
          field.kind === "integer" ? "an integer" : "a finite number"
        }: current value is "${t}"`,
      };
    }
    case "numbers": {
      const parts = t.split(/[\s,]+/).filter((p) => p !== "");
      const values = parts.map((p) => parseNumber(p, false));
      return values.every((v) => v !== undefined) ? { ok: true, value: values } : {
        ok: false,
        message:
          `Cannot read '${field.key}' as it must be numbers separated by commas: current value is "${t}"`,
      };
    }
    case "json":
      try {
        return { ok: true, value: JSON.parse(t) };
      } catch (e) {
        return {
          ok: false,
          message: `Cannot read '${field.key}' as JSON (${
            (e as Error).message
          }): current value is "${t.slice(0, 40)}"`,
        };
      }
  }
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

/** The field key owning a zod issue path (the longest field key that prefixes it; "" if none). */
export function ownerKey(
  fields: readonly SettingsField[],
  issuePath: readonly PropertyKey[],
): string {
  const parts = issuePath.map(String);
  let best = "";
  for (const f of fields) {
    const prefix = f.path.length <= parts.length && f.path.every((p, i) => parts[i] === p);
    if (prefix && f.key.length > best.length) best = f.key;
  }
  return best;
}

/**
 * Read settings from the fields' texts and validate them with `schema`.
 *
 * @example
 * ```ts
 * const fields = settingsFields(NtkSettings, NtkSettings.parse({}));
 * readSettings(NtkSettings, fields, { widths: "16, 32", seeds: "1" });
 * ```
 */
export function readSettings(
  schema: z.ZodType,
  fields: readonly SettingsField[],
  texts: Readonly<Record<string, string>>,
): FormReading {
  const settings: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const leaf = parseLeaf(field, texts[field.key] ?? field.raw);
    if (!leaf.ok) errors[field.key] = leaf.message;
    else if (!("skip" in leaf)) setAt(settings, field.path, leaf.value);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const parsed = schema.safeParse(settings);
  if (parsed.success) return { ok: true, settings };
  for (const issue of parsed.error.issues) {
    const key = ownerKey(fields, issue.path);
    const where = issue.path.length > 0 ? issue.path.join(".") : "settings";
    errors[key] ??= `Cannot use '${where}': ${issue.message}`;
  }
  return { ok: false, errors };
}
