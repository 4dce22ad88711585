/**
 * The OCDS 1.1 merge (https://standard.open-contracting.org/1.1/en/schema/merging/): releases in date order are
 * folded into one compiled release. Objects merge field by field, the later value winning; an explicit null removes
 * the field; arrays of objects that all carry an `id` merge item by item on that id (new ids appended in order);
 * every other array (strings, objects without ids, and the `wholeListMerge` lists) is replaced whole. The release's
 * own `id`, `date` and `tag` are not merged (`omitWhenMerged`): the compiled release gets `tag: ['compiled']`, the
 * latest date, and an id made of the ocid and that date.
 */
import type { Json } from './ocds.ts';

/** Arrays the schema marks `wholeListMerge`. */
const WHOLE_LIST = new Set(['additionalIdentifiers', 'additionalClassifications']);
const OMIT = new Set(['id', 'date', 'tag']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const mergeableById = (list: unknown[]) => list.length > 0 && list.every((x) => isObject(x) && x.id !== undefined && x.id !== null);

function mergeArray(target: unknown, incoming: unknown[]): unknown[] {
  if (!mergeableById(incoming)) return structuredClone(incoming);
  const out = Array.isArray(target) && mergeableById(target) ? target.map((x) => structuredClone(x) as Json) : [];
  for (const item of incoming as Json[]) {
    const at = out.findIndex((x) => String(x.id) === String(item.id));
    if (at === -1) out.push(mergeObject({}, item));
    else out[at] = mergeObject(out[at]!, item);
  }
  return out;
}

function mergeObject(target: Json, incoming: Json): Json {
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(incoming)) {
    if (value === null) delete out[key];
    else if (Array.isArray(value)) out[key] = WHOLE_LIST.has(key) ? structuredClone(value) : mergeArray(out[key], value);
    else if (isObject(value)) out[key] = mergeObject(isObject(out[key]) ? (out[key] as Json) : {}, value);
    else out[key] = value;
  }
  return out;
}

const sortKey = (r: Json) => new Date(String(r.date)).getTime();

/** The compiled release of one ocid's releases (any order; sorted by date, stable for equal dates). */
export function compileRelease(releases: Json[]): Json {
  if (!releases.length) throw new Error('compileRelease: no releases');
  const ordered = releases.map((r, i) => ({ r, i })).sort((a, b) => sortKey(a.r) - sortKey(b.r) || a.i - b.i).map((x) => x.r);
  let compiled: Json = {};
  for (const r of ordered) {
    const body: Json = {};
    for (const [k, v] of Object.entries(r)) if (!OMIT.has(k)) body[k] = v;
    compiled = mergeObject(compiled, body);
  }
  const last = ordered[ordered.length - 1]!;
  return { ...compiled, id: `${String(last.ocid)}-${String(last.date)}`, date: last.date, tag: ['compiled'] };
}

/** The OCDS record of one contracting process: its releases in date order and the compiled release. */
export function recordOf(ocid: string, releases: Json[]): Json {
  const ordered = [...releases].sort((a, b) => sortKey(a) - sortKey(b));
  return { ocid, releases: ordered, compiledRelease: compileRelease(ordered) };
}
