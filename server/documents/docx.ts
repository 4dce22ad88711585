/**
 * Stored HTML → DOCX with the `docx` library. The HTML comes only from our templates (a small, known vocabulary:
 * h1–h3, p, div, span, strong, br, ol/ul/li, table/tr/th/td with colspan), so a small tokenizer is enough and
 * every document converts the same way. Fonts: 仿宋 for the body and 黑体/小标宋 for titles, set for the eastAsia
 * script so Word shows the Chinese in the intended face (and falls back to a CJK font, not boxes).
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';

interface El {
  tag: string;
  cls: string[];
  attrs: Record<string, string>;
  children: Node[];
}
type Node = El | string;

const VOID = new Set(['br', 'meta', 'link', 'hr', 'img']);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Parses the <body> of our HTML into a tree. */
export function parseBody(html: string): El {
  const start = html.search(/<body[^>]*>/i);
  const end = html.search(/<\/body>/i);
  const body = start >= 0 ? html.slice(html.indexOf('>', start) + 1, end >= 0 ? end : undefined) : html;
  const root: El = { tag: 'body', cls: [], attrs: {}, children: [] };
  const stack: El[] = [root];
  const re = /<(\/?)([a-zA-Z0-9]+)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*\/?>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    if (m[4] !== undefined) {
      stack[stack.length - 1].children.push(decodeEntities(m[4]));
      continue;
    }
    const tag = m[2].toLowerCase();
    if (m[1]) {
      const idx = stack.map((e) => e.tag).lastIndexOf(tag);
      if (idx > 0) stack.length = idx;
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) attrs[a[1].toLowerCase()] = decodeEntities(a[2] ?? '');
    const el: El = { tag, cls: (attrs.class ?? '').split(/\s+/).filter(Boolean), attrs, children: [] };
    stack[stack.length - 1].children.push(el);
    if (!VOID.has(tag)) stack.push(el);
  }
  return root;
}

const BODY_FONT = 'FangSong';
const TITLE_FONT = 'SimHei';
const font = (name: string) => ({ ascii: name, hAnsi: name, eastAsia: name, cs: name });
const isEl = (n: Node): n is El => typeof n !== 'string';
const BLOCK = new Set(['p', 'h1', 'h2', 'h3', 'div', 'table', 'ol', 'ul', 'li', 'tr']);

function textOf(n: Node): string {
  return typeof n === 'string' ? n : n.children.map(textOf).join('');
}

function runs(nodes: Node[], bold = false, size?: number, fontName?: string): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  for (const n of nodes) {
    if (typeof n === 'string') {
      const text = n.replace(/\s+/g, ' ');
      if (text.trim() || text === ' ') out.push(new TextRun({ text, bold, size, font: fontName ? font(fontName) : undefined }));
    } else if (n.tag === 'br') {
      out.push(new TextRun({ break: 1 }));
    } else {
      const b = bold || n.tag === 'strong' || n.tag === 'b' || n.cls.includes('mark') || n.cls.includes('amount-upper');
      out.push(...runs(n.children, b, size, fontName));
    }
  }
  return out;
}

type Block = Paragraph | Table;

function paragraph(el: El, opts: { pageBreak?: boolean; prefix?: string } = {}): Paragraph {
  const cls = el.cls;
  const children = runs(el.children, cls.includes('mark'));
  if (opts.prefix) children.unshift(new TextRun({ text: opts.prefix }));
  switch (el.tag) {
    case 'h1':
      return new Paragraph({
        children: runs(el.children, true, 40, TITLE_FONT),
        alignment: AlignmentType.CENTER,
        spacing: { before: 240, after: 120 },
        pageBreakBefore: opts.pageBreak,
      });
    case 'h2':
      return new Paragraph({ children: runs(el.children, true, 28, TITLE_FONT), spacing: { before: 240, after: 80 }, keepNext: true });
    case 'h3':
      return new Paragraph({ children: runs(el.children, true, 24), spacing: { before: 120, after: 40 }, keepNext: true });
    default: {
      const centred = cls.includes('doc-no');
      const small = cls.includes('doc-footer');
      return new Paragraph({
        children: small ? runs(el.children, false, 16) : children,
        alignment: centred ? AlignmentType.CENTER : AlignmentType.LEFT,
        indent: el.tag === 'p' && !cls.includes('plain') && !centred && !small ? { firstLineChars: 200 } : undefined,
        spacing: { after: 60, line: 360 },
        pageBreakBefore: opts.pageBreak,
      });
    }
  }
}

const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };

function table(el: El): Table {
  const rows = collect(el, 'tr');
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    rows: rows.map(
      (tr) =>
        new TableRow({
          cantSplit: true,
          children: tr.children.filter(isEl).filter((c) => c.tag === 'td' || c.tag === 'th').map(
            (cell) =>
              new TableCell({
                columnSpan: cell.attrs.colspan ? Number(cell.attrs.colspan) : undefined,
                shading: cell.tag === 'th' ? { type: ShadingType.CLEAR, color: 'auto', fill: 'F2F2F2' } : undefined,
                children: cellBlocks(cell),
              }),
          ),
        }),
    ),
  });
}

function cellBlocks(cell: El): Paragraph[] {
  const hasBlocks = cell.children.some((c) => isEl(c) && BLOCK.has(c.tag));
  const size = 21;
  if (!hasBlocks) {
    return [
      new Paragraph({
        children: runs(cell.children, cell.tag === 'th', size),
        alignment: cell.cls.includes('num') ? AlignmentType.RIGHT : AlignmentType.LEFT,
      }),
    ];
  }
  return cell.children.filter(isEl).map((c) => new Paragraph({ children: runs(c.children, false, size) }));
}

/** Descendants with this tag, not descending into a match. */
function collect(el: El, tag: string): El[] {
  const out: El[] = [];
  for (const c of el.children) {
    if (!isEl(c)) continue;
    if (c.tag === tag) out.push(c);
    else out.push(...collect(c, tag));
  }
  return out;
}

function blocks(nodes: Node[]): Block[] {
  const out: Block[] = [];
  let pageBreak = false;
  let inline: Node[] = [];
  const flush = () => {
    if (inline.some((n) => textOf(n).trim())) out.push(paragraph({ tag: 'p', cls: ['plain'], attrs: {}, children: inline }));
    inline = [];
  };
  for (const n of nodes) {
    if (!isEl(n) || !BLOCK.has(n.tag) && !['h1', 'h2', 'h3'].includes(n.tag)) {
      inline.push(n);
      continue;
    }
    flush();
    if (n.tag === 'div' && n.cls.includes('page-break')) {
      pageBreak = true;
      continue;
    }
    if (n.tag === 'table') out.push(table(n));
    else if (n.tag === 'ol' || n.tag === 'ul') {
      n.children.filter(isEl).forEach((li, i) =>
        out.push(paragraph({ ...li, tag: 'p', cls: ['plain'] }, { prefix: n.tag === 'ol' ? `${i + 1}. ` : '• ' })),
      );
    } else if (n.tag === 'div') {
      if (n.cls.includes('seal-block')) {
        // Seal lines sit on the right half of the page, as on paper.
        for (const c of n.children.filter(isEl)) {
          out.push(new Paragraph({ children: runs(c.children, c.cls.includes('seal-unit')), indent: { left: 4200 }, spacing: { line: 440 } }));
        }
      } else out.push(...blocks(n.children));
    } else {
      out.push(paragraph(n, { pageBreak }));
      pageBreak = false;
    }
  }
  flush();
  return out;
}

/** A DOCX (A4, margins like the print CSS) of a stored HTML document. */
export async function htmlToDocx(html: string, title: string): Promise<Buffer> {
  const root = parseBody(html);
  const doc = new Document({
    title,
    creator: '涪城区政府采购电子化审批系统',
    styles: { default: { document: { run: { font: font(BODY_FONT), size: 24 } } } },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1417, bottom: 1247, left: 1474, right: 1361 } } },
        children: blocks(root.children),
      },
    ],
  });
  return Packer.toBuffer(doc);
}
