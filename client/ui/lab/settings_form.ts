/**
 * The DOM side of the settings form: renders the fields of ./settings_fields.ts (nested objects
 * as fieldsets), reads their texts back through ./settings_values.ts and shows the errors next
 * to the fields they belong to.
 *
 * @module
 */
import type { z } from "zod";
import { type SettingsField, settingsFields } from "./settings_fields.ts";
import { type FormReading, readSettings } from "./settings_values.ts";

type Input = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A settings form inside a container element. */
export class SettingsForm {
  readonly #root: HTMLElement;
  readonly #formError: HTMLElement;
  #schema: z.ZodType | undefined;
  #fields: SettingsField[] = [];
  readonly #inputs = new Map<string, Input>();
  readonly #errors = new Map<string, HTMLElement>();

  /**
   * @param root where the fields go (emptied on every `show`)
   * @param formError where errors that belong to no single field go
   */
  constructor(root: HTMLElement, formError: HTMLElement) {
    this.#root = root;
    this.#formError = formError;
  }

  /** Render the fields of `schema` filled from `value`. */
  show(schema: z.ZodType, value: unknown): void {
    this.#schema = schema;
    this.#fields = settingsFields(schema, value);
    this.#inputs.clear();
    this.#errors.clear();
    this.#root.replaceChildren();
    this.#formError.textContent = "";
    const groups = new Map<string, HTMLElement>();
    const doc = this.#root.ownerDocument;
    for (const field of this.#fields) {
      const parent = field.path.slice(0, -1).join(".");
      let group = groups.get(parent);
      if (group === undefined) {
        group = parent === "" ? doc.createElement("div") : doc.createElement("fieldset");
        if (parent !== "") {
          const legend = doc.createElement("legend");
          legend.textContent = field.path.slice(0, -1).join(" › ");
          group.append(legend);
        }
        group.className = "lab-fields";
        groups.set(parent, group);
        this.#root.append(group);
      }
      group.append(this.#fieldElement(field));
    }
  }

  /** Read and validate; shows the errors (or clears them) and returns the reading. */
  read(): FormReading {
    if (this.#schema === undefined) return { ok: false, errors: { "": "Choose an experiment" } };
    const texts: Record<string, string> = {};
    for (const [key, input] of this.#inputs) texts[key] = input.value;
    const reading = readSettings(this.#schema, this.#fields, texts);
    for (const el of this.#errors.values()) el.textContent = "";
    this.#formError.textContent = "";
    if (!reading.ok) {
      for (const [key, message] of Object.entries(reading.errors)) {
        const el = this.#errors.get(key) ?? this.#formError;
        el.textContent = el.textContent ? `${el.textContent} ${message}` : message;
      }
    }
    return reading;
  }

  /** Enable or disable every input (while a run is going). */
  setDisabled(disabled: boolean): void {
    for (const input of this.#inputs.values()) input.disabled = disabled;
  }

  #fieldElement(field: SettingsField): HTMLElement {
    const doc = this.#root.ownerDocument;
    const label = doc.createElement("label");
    label.className = "lab-field";
    const name = doc.createElement("span");
    name.textContent = field.path[field.path.length - 1] ?? field.key;
    const input = this.#input(field);
    input.name = field.key;
    input.dataset.setting = field.key;
    const error = doc.createElement("small");
    error.className = "lab-error";
    error.dataset.errorFor = field.key;
    label.append(name, input, error);
    this.#inputs.set(field.key, input);
    this.#errors.set(field.key, error);
    return label;
  }

  #input(field: SettingsField): Input {
    const doc = this.#root.ownerDocument;
    if (field.kind === "enum" || field.kind === "boolean") {
      const select = doc.createElement("select");
      const options = field.kind === "boolean"
        ? [...(field.optional ? [""] : []), "true", "false"]
        : field.options ?? [];
      for (const value of options) {
        const option = doc.createElement("option");
        option.value = value;
        option.textContent = value === ""
          ? `(default${field.placeholder ? `: ${field.placeholder}` : ""})`
          : value;
        select.append(option);
      }
      select.value = field.raw;
      return select;
    }
    if (field.kind === "json") {
      const area = doc.createElement("textarea");
      area.rows = 3;
      area.value = field.raw;
      return area;
    }
    const input = doc.createElement("input");
    input.type = "text";
    input.value = field.raw;
    input.readOnly = field.kind === "const";
    if (field.kind === "number" || field.kind === "integer") input.inputMode = "decimal";
    if (field.placeholder !== undefined) input.placeholder = field.placeholder;
    else if (field.optional) input.placeholder = "(default)";
    return input;
  }
}
