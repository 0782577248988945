/**
 * Markdown of model output and retrieved text, rendered safely: `marked` turns it into HTML and
 * DOMPurify removes everything that could run code or reach the network (scripts, event
 * handlers, `javascript:` URLs, images, iframes, forms, styles). Links open in a new tab
 * without an opener.
 *
 * @module
 */
import DOMPurify from "dompurify";
import { Marked } from "marked";

const marked = new Marked({ gfm: true, breaks: true, async: false });

/** Tags allowed in rendered output: text structure and code only, no media or forms. */
const ALLOWED_TAGS = [
  "p",
  "br",
  "hr",
  "em",
  "strong",
  "del",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "a",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "span",
];

let hooked = false;

function purifier(): typeof DOMPurify {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A") {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer");
      }
    });
  }
  return DOMPurify;
}

/**
 * Sanitized HTML for a markdown string (never contains script, event handlers or media).
 *
 * @example
 * ```ts
 * el.innerHTML = renderMarkdown("**hi** <img src=x onerror=alert(1)>");
 * ```
 */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false });
  return purifier().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["href", "title", "class", "target", "rel", "colspan", "rowspan", "align"],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  });
}

/** Replace `el`'s children with the rendered markdown. */
export function setMarkdown(el: HTMLElement, markdown: string): void {
  el.innerHTML = renderMarkdown(markdown);
}
