/**
 * Camunda form JSON for a task: `<FORMS_DIR>/<formId>.form`. The form id must be a plain name
 * (/^[A-Za-z0-9_.-]+$/, no `..`), never a path; a missing or unreadable form gives null.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger.ts';

export const FORM_ID = /^[A-Za-z0-9_.-]+$/;

export function formPath(formsDir: string, formId: string): string | null {
  if (!FORM_ID.test(formId) || formId.includes('..') || formId.length > 200) return null;
  const dir = path.resolve(formsDir);
  const file = path.resolve(dir, `${formId}.form`);
  return path.dirname(file) === dir ? file : null;
}

export async function readForm(formsDir: string, formId: string | null, logger: Logger): Promise<Record<string, unknown> | null> {
  if (!formId) return null;
  const file = formPath(formsDir, formId);
  if (!file) {
    logger.warn({ formId }, 'task form id is not a plain name; form not served');
    return null;
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ formId, err }, 'cannot read task form');
    return null;
  }
  try {
    const form = JSON.parse(text) as unknown;
    return form && typeof form === 'object' && !Array.isArray(form) ? (form as Record<string, unknown>) : null;
  } catch {
    logger.warn({ formId }, 'task form is not valid JSON');
    return null;
  }
}
