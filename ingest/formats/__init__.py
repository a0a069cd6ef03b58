"""Format converters: each turns one file format into the canonical clean text form.

The canonical form (what `Document.text` holds and what `ingest.chunking` reads):

- headings are lines `#` .. `######` followed by a space and the heading text;
- a paragraph is one line of plain words (hard wraps rejoined, no emphasis/link/image syntax:
  link text is kept, URLs and images are dropped);
- a list is a run of consecutive lines `- item` (bulleted) or `3. item` (numbered, keeping the
  document's own number, because steps are referred to by number); nested items are indented
  by two spaces per level;
- a table is a run of consecutive lines, one per row, reading `Header1: cell1; Header2: cell2.`;
- a tip/note/warning box is a paragraph starting `Tip: `, `Note: `, `Warning: ` ...; a pull
  quote is a plain paragraph;
- a code block is kept verbatim between ``` fences;
- blocks are separated by one blank line.
"""
