/**
 * The OCDS 1.1.5 schemas (vendored in server/exchange/schema/) compiled with ajv for JSON Schema draft-04, with the
 * date-time/uri formats checked, and every `codelist` value checked against the vendored codelist CSV (open
 * codelists included: the exchange uses only standard codes). The record package schema refers to the versioned
 * release schema, which is not vendored; records carry no `versionedRelease`, and validateRecordPackage also fails if
 * one ever does.
 */
import fs from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { Ajv as AjvCore, ErrorObject, Options, ValidateFunction } from 'ajv';

// Both are CommonJS modules whose default export is the function itself.
const Ajv = AjvDraft04 as unknown as new (opts: Options) => AjvCore;
const addFormats = addFormatsModule as unknown as (ajv: AjvCore) => AjvCore;

const dir = path.resolve('server/exchange/schema');
const load = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;

function codes(file: string): Set<string> {
  const lines = fs.readFileSync(path.join(dir, 'codelists', file), 'utf8').split(/\r?\n/).slice(1);
  return new Set(lines.filter(Boolean).map((l) => l.split(',')[0]!.replace(/^"|"$/g, '')));
}

function build() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const lists = new Map<string, Set<string>>();
  ajv.addVocabulary(['openCodelist', 'deprecated', 'omitWhenMerged', 'wholeListMerge', 'versionId']);
  ajv.addKeyword({
    keyword: 'codelist',
    schemaType: 'string',
    validate: (file: string, data: unknown) => {
      if (data === null || data === undefined) return true;
      if (!lists.has(file)) lists.set(file, codes(file));
      const known = lists.get(file)!;
      return (Array.isArray(data) ? data : [data]).every((v) => typeof v !== 'string' || known.has(v));
    },
  });
  ajv.addSchema(load('release-schema.json'));
  const releasePackage = ajv.compile(load('release-package-schema.json'));
  const recordSchema = load('record-package-schema.json') as { definitions: { record: { properties: Record<string, unknown> } } };
  delete recordSchema.definitions.record.properties.versionedRelease;
  const recordPackage = ajv.compile(recordSchema);
  const release = ajv.getSchema('https://standard.open-contracting.org/schema/1__1__5/release-schema.json')!;
  return { release, releasePackage, recordPackage };
}

let compiled: ReturnType<typeof build> | null = null;
const schemas = () => (compiled ??= build());

export interface Verdict {
  valid: boolean;
  errors: string[];
}

function run(v: ValidateFunction, data: unknown): Verdict {
  const valid = v(data) as boolean;
  return { valid, errors: ((v.errors ?? []) as ErrorObject[]).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`) };
}

export const validateRelease = (r: unknown) => run(schemas().release, r);
export const validateReleasePackage = (p: unknown) => run(schemas().releasePackage, p);
export function validateRecordPackage(p: { records?: Record<string, unknown>[] }): Verdict {
  const out = run(schemas().recordPackage, p);
  const versioned = (p.records ?? []).filter((r) => 'versionedRelease' in r);
  return versioned.length ? { valid: false, errors: [...out.errors, 'versionedRelease present but not validated'] } : out;
}
