/**
 * The task's Camunda form, rendered by @bpmn-io/form-js-viewer 2 with Chinese messages (its `translate`
 * service replaced), the instance variables as initial data. The same rules run on the server; the server's
 * refusals (details `variables.<key>`) are put on the fields they name.
 */
import { Form } from '@bpmn-io/form-js-viewer';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import { useEffect, useRef } from 'preact/hooks';
import type { ErrorDetail } from '../../api.ts';
import { currentLanguage } from '../../i18n/index.ts';
import { FORM_JS_ZH } from '../../i18n/inbox.ts';

export interface TaskFormHandle {
  /** Runs form-js's own validation; the data to submit, or null when the form shows errors. */
  submit(): { data: Record<string, unknown>; errorCount: number };
  /** Shows the server's field errors on the fields; returns the details that match no field. */
  showServerErrors(details: ErrorDetail[]): ErrorDetail[];
}

interface Component {
  id?: string;
  key?: string;
  components?: Component[];
}

function translateFor(lang: string) {
  return (template: string, replacements: Record<string, unknown> = {}) => {
    const text = lang === 'zh-CN' ? (FORM_JS_ZH[template] ?? template) : template;
    return text.replace(/{([^}]+)}/g, (_, key: string) => (replacements[key] != null ? String(replacements[key]) : `{${key}}`));
  };
}

function fieldIdsByKey(schema: Record<string, unknown>): Map<string, string> {
  const map = new Map<string, string>();
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const c of list as Component[]) {
      if (c?.key && c.id) map.set(c.key, c.id);
      if (c?.components) walk(c.components);
    }
  };
  walk(schema.components);
  return map;
}

export function TaskForm({ schema, data, readOnly, handle }: {
  schema: Record<string, unknown>;
  data: Record<string, unknown>;
  readOnly: boolean;
  handle: { current: TaskFormHandle | null };
}) {
    const container = useRef<HTMLDivElement>(null);
    const form = useRef<Form | null>(null);
    const lang = currentLanguage();

    useEffect(() => {
      const f = new Form({ container: container.current!, additionalModules: [{ translate: ['value', translateFor(lang)] }] } as never);
      form.current = f;
      let alive = true;
      f.importSchema(schema, data).then(() => {
        if (alive && readOnly) f.setProperty('readOnly', true);
      });
      return () => {
        alive = false;
        f.destroy();
        form.current = null;
      };
      // A new task, new data or another language builds a new form.
    }, [schema, data, readOnly, lang]);

    handle.current = {
      submit() {
        const { data: out, errors } = form.current!.submit() as { data: Record<string, unknown>; errors: Record<string, unknown> };
        return { data: out, errorCount: Object.keys(errors).length };
      },
      showServerErrors(details) {
        const ids = fieldIdsByKey(schema);
        const errors: Record<string, string[]> = {};
        const unmatched: ErrorDetail[] = [];
        for (const d of details) {
          const key = d.path.replace(/^variables\./, '').split('.')[0]!;
          const id = ids.get(key);
          // The reason starts with the field's label ("审批意见：…"), which the field already shows.
          if (id) (errors[id] ??= []).push(d.reason.replace(/^[^：]+：/, ''));
          else unmatched.push(d);
        }
        (form.current as unknown as { _setState(s: unknown): void })._setState({ errors });
        return unmatched;
      },
    };

    return <div class="task-form" data-testid="task-form" ref={container} />;
}
