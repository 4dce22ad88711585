/**
 * First line of defence for an uploaded model, before any XML parser sees it: size, no DTD or entities (XXE and
 * entity expansion), bounded element nesting (a parser building a tree recursively would overflow), and a BPMN
 * `definitions` root. One linear scan, no recursion, so hostile input costs at most one pass over 1 MB.
 */
import { AppError, type ErrorDetail } from '../errors.ts';

/** The engine refuses models over 5 MB; the JSON body limit (1 MB) is the tighter bound over HTTP. */
export const MAX_MODEL_BYTES = 5 * 1024 * 1024;
/** Real BPMN nests about 10 deep (definitions › process › sub-process › task › extensionElements › ioMapping › input). */
export const MAX_NESTING = 64;

const BPMN_MODEL_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

export function invalidModel(reasonZh: string, reasonEn: string, extra: ErrorDetail[] = []): AppError {
  return new AppError(422, 'INVALID_MODEL', `BPMN 模型无效：${reasonZh} (invalid BPMN model: ${reasonEn})`, [
    { path: 'xml', reason: `${reasonZh} (${reasonEn})` },
    ...extra,
  ]);
}

/** Throws INVALID_MODEL (422) naming the first problem; returns normally when the text may be parsed. */
export function guardModelXml(xml: string): void {
  if (!xml.trim()) throw invalidModel('内容为空', 'empty document');
  if (Buffer.byteLength(xml, 'utf8') > MAX_MODEL_BYTES) throw invalidModel('模型超过 5 MB', 'model larger than 5 MB');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw invalidModel('不允许 DOCTYPE/ENTITY 声明（外部实体风险）', 'DOCTYPE/ENTITY declarations are not allowed');
  }
  checkCharacters(xml);
  const root = scan(xml);
  const [prefix, local] = root.name.includes(':') ? root.name.split(':', 2) : ['', root.name];
  const ns = new RegExp(`\\sxmlns${prefix ? `:${escapeRe(prefix)}` : ''}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(root.tag);
  const uri = ns ? (ns[2] ?? ns[3]) : null;
  if (local !== 'definitions' || uri !== BPMN_MODEL_NS) {
    throw invalidModel(
      `根元素必须是 BPMN 2.0 的 definitions（实际为 <${root.name}>）`,
      `root element must be BPMN 2.0 definitions (found <${root.name}>)`,
    );
  }
}

/** Raw characters XML 1.0 forbids: C0 controls other than tab/LF/CR, lone surrogates, U+FFFE and U+FFFF. */
const ILLEGAL_RAW = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const legalCodePoint = (c: number) =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/**
 * XML 1.0 allows neither those characters nor references to them (&#0;, &#x1B;, &#xD800;, &#x110000;). Zeebe's
 * parser refuses such a model, while the JavaScript parsers here let it through: refuse it before lint and deploy.
 */
function checkCharacters(xml: string): void {
  const raw = ILLEGAL_RAW.exec(xml);
  if (raw) {
    const code = `U+${raw[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw invalidModel(`第 ${lineOf(xml, raw.index)} 行含有 XML 不允许的字符 ${code}`, `character ${code} at line ${lineOf(xml, raw.index)} is not allowed in XML`);
  }
  for (const m of xml.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const ref = m[1];
    const c = ref[0] === 'x' ? parseInt(ref.slice(1), 16) : Number(ref);
    if (!legalCodePoint(c)) {
      throw invalidModel(`第 ${lineOf(xml, m.index!)} 行的字符引用 &#${ref}; 指向 XML 不允许的字符`, `character reference &#${ref}; at line ${lineOf(xml, m.index!)} names a character XML does not allow`);
    }
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Walks the markup once: checks nesting depth and that there is exactly one root element; returns the root's start tag. */
function scan(xml: string): { name: string; tag: string } {
  let depth = 0;
  const open: string[] = [];
  let root: { name: string; tag: string } | null = null;
  let rootClosed = false;
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      if (xml.slice(i).trim() && depth === 0) throw invalidModel('根元素之外有文本', 'text outside the root element');
      break;
    }
    if (depth === 0 && xml.slice(i, lt).trim()) throw invalidModel('根元素之外有文本', 'text outside the root element');
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw invalidModel('注释未结束', 'unterminated comment');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      if (depth === 0) throw invalidModel('根元素之外有 CDATA', 'CDATA outside the root element');
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw invalidModel('CDATA 未结束', 'unterminated CDATA section');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) throw invalidModel('处理指令未结束', 'unterminated processing instruction');
      i = end + 2;
      continue;
    }
    if (xml.startsWith('<!', lt)) throw invalidModel('不支持的标记声明', 'markup declarations are not allowed');
    // A tag: find its end, skipping quoted attribute values (they may contain '>').
    let j = lt + 1;
    let quote = '';
    for (; j < n; j++) {
      const c = xml[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
      else if (c === '<') throw invalidModel(`第 ${lineOf(xml, j)} 行标记不完整`, `malformed tag at line ${lineOf(xml, j)}`);
    }
    if (j >= n) throw invalidModel('标记未结束', 'unterminated tag');
    const tag = xml.slice(lt, j + 1);
    const closing = tag.startsWith('</');
    const selfClosing = !closing && tag.endsWith('/>');
    const name = /^<\/?\s*([^\s/>]+)/.exec(tag)?.[1] ?? '';
    if (!name) throw invalidModel(`第 ${lineOf(xml, lt)} 行标记不完整`, `malformed tag at line ${lineOf(xml, lt)}`);
    if (closing) {
      const expected = open.pop();
      if (expected !== name) {
        throw invalidModel(
          `第 ${lineOf(xml, lt)} 行结束标记 </${name}> 与开始标记 <${expected ?? ''}> 不匹配`,
          `closing tag </${name}> at line ${lineOf(xml, lt)} does not match <${expected ?? ''}>`,
        );
      }
      depth--;
      if (depth === 0) rootClosed = true;
    } else {
      if (depth === 0) {
        if (root) throw invalidModel('只能有一个根元素', 'more than one root element');
        root = { name, tag };
        if (selfClosing) rootClosed = true;
      }
      if (rootClosed) throw invalidModel('只能有一个根元素', 'more than one root element');
      if (!selfClosing) {
        open.push(name);
        depth++;
        if (depth > MAX_NESTING) throw invalidModel(`元素嵌套超过 ${MAX_NESTING} 层`, `elements nested deeper than ${MAX_NESTING} levels`);
      }
    }
    i = j + 1;
  }
  if (!root) throw invalidModel('没有根元素', 'no root element');
  if (!rootClosed || depth !== 0) throw invalidModel('XML 不完整：有未结束的元素', 'unclosed elements');
  return root;
}

function lineOf(xml: string, index: number): number {
  let line = 1;
  for (let k = xml.indexOf('\n'); k >= 0 && k < index; k = xml.indexOf('\n', k + 1)) line++;
  return line;
}
