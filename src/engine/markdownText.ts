// Adaptive Card TextBlocks and FactSet values render markdown (bold, italic, lists, links), so a
// company name such as `[Approve here](https://evil.example)` typed into a form would become a link
// on everyone's card. Every value a person supplied (names, reasons, typed inputs, echoed text, and
// the engine's messages that quote them) passes through here before it reaches a card, and so does
// a typed value inside the markdown a step's manual instructions are written in: each markdown
// character is backslash-escaped and shows as itself. Templating expressions in the values are
// already inert (adaptivecards-templating expands the template, not the data).
// https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features

/**
 * Characters that open a link, an autolink or inline HTML, emphasis, code or strike-through. An
 * underscore inside a word (`cdm_companies`) opens nothing (CommonMark's intraword rule) and stays.
 */
const INLINE = /[\\`*[\]<~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
/** A list item, heading or quote where a line starts. */
const LINE_START = /^(\s*)(?:([-+#>])|(\d+)\.)/gm;

/** `text` with every markdown construct escaped, so a card shows it literally. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE, (character) => `\\${character}`)
    .replace(LINE_START, (_match, space: string, marker?: string, number?: string) =>
      marker ? `${space}\\${marker}` : `${space}${number}\\.`,
    );
}
