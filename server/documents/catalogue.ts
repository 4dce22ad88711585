/**
 * The template catalogue: templates/NN-<id>.hbs with its NN-<id>.schema.json and NN-<id>.sample.json, the shared
 * templates/common.schema.json, templates/partials/*.hbs and templates/styles/*.css. Loaded and compiled once.
 * A template's version is the SHA-256 of everything that shapes its output (its source, every partial, the CSS and
 * its schema), so a stored document records exactly which template produced it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { ValidateFunction } from 'ajv';
import { registerHelpers } from './helpers.ts';
import { createAjv } from './validate.ts';

export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');
const FILE_PATTERN = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.hbs$/;
export const SCHEMA_BASE = 'https://fucheng-eproc.local/templates/';

export type JsonSchema = Record<string, unknown>;

export interface TemplateInfo {
  id: string;
  /** The brief's number, "01" … "20". */
  no: string;
  title: string;
  titleEn: string;
  /** The procurement step that produces it. */
  step: string;
  legalBasis: string;
  ocdsDocumentType: string;
  /** SHA-256 (hex) of the template, partials, styles and schema. */
  version: string;
}

export interface LoadedTemplate extends TemplateInfo {
  file: string;
  schema: JsonSchema;
  /** The schema with every $ref to common.schema.json inlined: what a form generator needs. */
  formSchema: JsonSchema;
  sample: Record<string, unknown>;
  /** Dotted paths into the data whose values a rendered document must show (checked by the tests). */
  keyFields: string[];
  render: Handlebars.TemplateDelegate;
  validate: ValidateFunction;
}

export interface Catalogue {
  dir: string;
  templates: Map<string, LoadedTemplate>;
  css: string;
  hbs: typeof Handlebars;
}

function sha256(parts: string[]): string {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest('hex');
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`template file ${file}: ${(err as Error).message}`);
  }
}

/** Inlines `common.schema.json#/$defs/x` and local `#/$defs/x` references (no cycles in our schemas). */
export function inlineRefs(node: unknown, common: JsonSchema, local: JsonSchema): unknown {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, common, local));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  if (typeof obj.$ref === 'string') {
    const m = /^(common\.schema\.json)?#\/\$defs\/([A-Za-z0-9_]+)$/.exec(obj.$ref);
    if (!m) throw new Error(`unsupported $ref ${obj.$ref}`);
    const defs = ((m[1] ? common : local).$defs ?? {}) as Record<string, unknown>;
    const target = defs[m[2]];
    if (!target) throw new Error(`$ref ${obj.$ref} not found`);
    const { $ref: _ignored, ...rest } = obj;
    const resolved = inlineRefs(target, common, m[1] ? common : local) as Record<string, unknown>;
    return { ...resolved, ...(inlineRefs(rest, common, local) as Record<string, unknown>) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === '$defs' || k === '$id' || k === '$schema') continue;
    out[k] = inlineRefs(v, common, local);
  }
  return out;
}

export function loadCatalogue(dir = TEMPLATES_DIR): Catalogue {
  const hbs = Handlebars.create();
  registerHelpers(hbs);
  const partialDir = path.join(dir, 'partials');
  const partialSources: string[] = [];
  for (const f of fs.readdirSync(partialDir).filter((f) => f.endsWith('.hbs')).sort()) {
    const src = fs.readFileSync(path.join(partialDir, f), 'utf8');
    partialSources.push(f, src);
    hbs.registerPartial(f.replace(/\.hbs$/, ''), src);
  }
  const styleDir = path.join(dir, 'styles');
  const css = fs
    .readdirSync(styleDir)
    .filter((f) => f.endsWith('.css'))
    .sort()
    .map((f) => fs.readFileSync(path.join(styleDir, f), 'utf8'))
    .join('\n');

  const ajv = createAjv();
  const common = readJson(path.join(dir, 'common.schema.json'));
  ajv.addSchema(common, `${SCHEMA_BASE}common.schema.json`);

  const templates = new Map<string, LoadedTemplate>();
  for (const file of fs.readdirSync(dir).sort()) {
    const m = FILE_PATTERN.exec(file);
    if (!m) continue;
    const [, no, id] = m;
    const base = path.join(dir, file.replace(/\.hbs$/, ''));
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    const schemaText = fs.readFileSync(`${base}.schema.json`, 'utf8');
    const schema = readJson(`${base}.schema.json`);
    const sample = readJson(`${base}.sample.json`);
    if (templates.has(id)) throw new Error(`template id ${id} used twice`);
    const validate = ajv.compile({ ...schema, $id: `${SCHEMA_BASE}${no}-${id}.schema.json` });
    const str = (k: string) => (typeof schema[k] === 'string' ? (schema[k] as string) : '');
    templates.set(id, {
      id,
      no,
      file,
      title: str('title'),
      titleEn: str('x-title-en'),
      step: str('x-step'),
      legalBasis: str('x-legal'),
      ocdsDocumentType: str('x-ocds'),
      version: sha256([source, ...partialSources, css, schemaText]),
      schema,
      formSchema: inlineRefs(schema, common, schema) as JsonSchema,
      sample,
      keyFields: Array.isArray(schema['x-key-fields']) ? (schema['x-key-fields'] as string[]) : [],
      // Strict: a template that names a field its data lacks fails loudly instead of printing nothing.
      render: hbs.compile(source, { strict: true, preventIndent: true }),
      validate,
    });
  }
  return { dir, templates, css, hbs };
}

let shared: Catalogue | null = null;

/** The catalogue of templates/ (loaded on first use). */
export function catalogue(): Catalogue {
  shared ??= loadCatalogue();
  return shared;
}

export function templateInfo(t: LoadedTemplate): TemplateInfo {
  const { id, no, title, titleEn, step, legalBasis, ocdsDocumentType, version } = t;
  return { id, no, title, titleEn, step, legalBasis, ocdsDocumentType, version };
}

/** Every template, in the brief's order. */
export function listTemplates(): TemplateInfo[] {
  return [...catalogue().templates.values()].map(templateInfo);
}

/** The ids a model may name in a `generate-document` task's `templateId` header. */
export function templateIds(): string[] {
  return [...catalogue().templates.keys()];
}

export function findTemplate(id: string): LoadedTemplate | undefined {
  return catalogue().templates.get(id);
}
