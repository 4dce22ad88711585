/**
 * Every template renders every document its schema allows: with each template's sample stripped of everything the
 * schema leaves optional (at every level, also inside list items), rendering succeeds. Handlebars runs in strict
 * mode, so a template reading `list.length` of a list the data may omit throws — the chain's workers met this once
 * (06 tender documents without `criteria`, an incident at generate_tender_documents), and 03/04/08/10 had the same trap.
 */
import { expect } from 'chai';
import { catalogue, type JsonSchema } from '../../server/documents/catalogue.ts';
import { renderDocument } from '../../server/documents/render.ts';

/** The data with only what `schema` requires, recursively; oneOf/anyOf pick the branch the value satisfies first. */
function requiredOnly(value: unknown, schema: JsonSchema | undefined): unknown {
  if (!schema || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    return value.map((v) => requiredOnly(v, items));
  }
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!required.has(k) && k in props) continue;
    out[k] = requiredOnly(v, props[k]);
  }
  return out;
}

describe('QA documents: templates render the minimal data their schema allows', function () {
  for (const t of catalogue().templates.values()) {
    it(`${t.no} ${t.id}`, function () {
      const minimal = requiredOnly(structuredClone(t.sample), t.formSchema);
      let problem: unknown = null;
      try {
        renderDocument(t.id, minimal);
      } catch (err) {
        problem = err;
      }
      // A schema refusal would mean the stripping is wrong (a dependency between fields); a template crash is the bug.
      expect(problem && ((problem as { details?: unknown }).details ?? (problem as Error).message), `${t.id}`).to.equal(null);
    });
  }
});
