/**
 * Test helper: the few DOM calls the trace and lab table views make (createElement,
 * createTextNode, setAttribute, append, replaceChildren, className, textContent), recorded in
 * plain objects so views can be checked without a browser. Text stays text: there is no
 * innerHTML, so a `<b>` in text never becomes an element.
 *
 * @module
 */

/** An element or text node of the fake document. */
export class FakeNode {
  readonly tag: string;
  readonly attrs = new Map<string, string>();
  readonly childNodes: FakeNode[] = [];
  readonly ownerDocument: Document;
  #text: string;

  constructor(doc: Document, tag: string, text = "") {
    this.ownerDocument = doc;
    this.tag = tag;
    this.#text = text;
  }

  get className(): string {
    return this.attrs.get("class") ?? "";
  }
  set className(v: string) {
    this.attrs.set("class", v);
  }
  setAttribute(k: string, v: string): void {
    this.attrs.set(k, v);
  }
  getAttribute(k: string): string | null {
    return this.attrs.get(k) ?? null;
  }
  append(...nodes: FakeNode[]): void {
    this.childNodes.push(...nodes);
  }
  replaceChildren(...nodes: FakeNode[]): void {
    this.childNodes.splice(0, this.childNodes.length, ...nodes);
  }
  get textContent(): string {
    return this.tag === "#text" ? this.#text : this.childNodes.map((c) => c.textContent).join("");
  }
  /** Descendant elements with this tag, in document order. */
  all(tag: string): FakeNode[] {
    return this.childNodes.flatMap((c) => [...(c.tag === tag ? [c] : []), ...c.all(tag)]);
  }
  /** Descendant elements with this attribute (and value, when given). */
  withAttr(name: string, value?: string): FakeNode[] {
    return this.childNodes.flatMap((c) => [
      ...(c.attrs.has(name) && (value === undefined || c.attrs.get(name) === value) ? [c] : []),
      ...c.withAttr(name, value),
    ]);
  }
}

/** A fake document and a root element in it. */
export function fakeDocument(): { doc: Document; root: FakeNode } {
  const doc = {
    createElement: (tag: string) => new FakeNode(doc, tag),
    createTextNode: (text: string) => new FakeNode(doc, "#text", text),
  } as unknown as Document;
  return { doc, root: new FakeNode(doc, "div") };
}

/** A fake node seen as the DOM type a view expects (the views use only the calls above). */
export function asElement(node: FakeNode): HTMLElement {
  return node as unknown as HTMLElement;
}

/** A view's element seen as the fake node it is. */
export function asFake(el: Element): FakeNode {
  return el as unknown as FakeNode;
}
