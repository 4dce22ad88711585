/**
 * A form generated from a template's JSON Schema (draft 2020-12, $refs inlined by the server): objects become
 * fieldsets, arrays repeatable groups, enums selects, `format: date` date pickers, `date-time` Beijing-time pickers,
 * `x-widget: textarea` text areas and `x-widget: fen` amounts typed in 元 and kept as integer fen. Field paths match
 * the server's error paths (`items[1].unit`), so every problem the server lists appears at its field.
 */
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../../i18n/index.ts';
import { formatWan, formatYuan, parseYuanToFen } from '../../ui/format.ts';

export interface Schema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: string[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  'x-widget'?: string;
}

type Errors = Map<string, string>;

const childPath = (base: string, key: string | number) =>
  typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key;
const idOf = (path: string) => `sf-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** "2026-04-10T09:30:00+08:00" (or any instant) → "2026-04-10T09:30" in Beijing time, for datetime-local. */
function toLocalInput(v: unknown): string {
  if (typeof v !== 'string' || !v) return '';
  const t = Date.parse(v);
  if (Number.isNaN(t)) return v;
  return new Date(t + 8 * 3_600_000).toISOString().slice(0, 16);
}

/** Empty values are dropped, so an untouched optional field is absent rather than "". */
function emptyToUndefined(v: unknown): unknown {
  return v === '' ? undefined : v;
}

export function emptyValue(schema: Schema): unknown {
  if (schema.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of schema.required ?? []) {
      const s = schema.properties?.[key];
      if (s && (s.type === 'object' || s.type === 'array')) out[key] = emptyValue(s);
    }
    return out;
  }
  if (schema.type === 'array') return [];
  return undefined;
}

function MoneyInput(props: { id: string; fen: unknown; onChange: (v: unknown) => void; invalid: boolean }) {
  const t = useT('documents');
  const initial = typeof props.fen === 'number' ? formatYuan(props.fen) : typeof props.fen === 'string' ? props.fen : '';
  const [text, setText] = useState(initial);
  // A new value from outside (sample loaded, form cleared) replaces what is typed.
  useEffect(() => {
    if (typeof props.fen === 'number' && parseYuanToFen(text) !== props.fen) setText(formatYuan(props.fen));
    if (props.fen === undefined && text !== '' && parseYuanToFen(text) !== null) setText('');
  }, [props.fen]);
  const fen = parseYuanToFen(text);
  const bad = text.trim() !== '' && fen === null;
  return (
    <span class="money-input">
      <input
        id={props.id}
        inputMode="decimal"
        value={text}
        aria-invalid={bad || props.invalid}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          setText(v);
          const parsed = parseYuanToFen(v);
          // Keep an unparseable text as is: the server then names the field, and nothing is rounded silently.
          props.onChange(v.trim() === '' ? undefined : parsed ?? v);
        }}
      />
      <span class="unit">{t('yuan')}</span>
      {bad ? <span class="field-error">{t('invalidAmount')}</span> : fen !== null && fen > 0 ? <span class="muted small">＝{formatWan(fen)} 万元</span> : null}
    </span>
  );
}

function Label({ schema, path, required }: { schema: Schema; path: string; required: boolean }) {
  return (
    <label for={idOf(path)}>
      {schema.title ?? path.split('.').pop()}
      {required ? <span class="required" aria-hidden="true">*</span> : null}
    </label>
  );
}

function FieldShell(props: { schema: Schema; path: string; required: boolean; errors: Errors; children: preact.ComponentChildren }) {
  const error = props.errors.get(props.path);
  return (
    <div class={`field${error ? ' field-invalid' : ''}`} data-field={props.path}>
      <Label schema={props.schema} path={props.path} required={props.required} />
      {props.children}
      {props.schema.description && !error ? <div class="field-hint">{props.schema.description}</div> : null}
      {error ? <div class="field-error" role="alert">{error}</div> : null}
    </div>
  );
}

export function SchemaField(props: { schema: Schema; value: unknown; path: string; required: boolean; errors: Errors; onChange: (v: unknown) => void }) {
  const t = useT('documents');
  const { schema, value, path, errors, onChange } = props;
  const id = idOf(path);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;

  if (type === 'object' && schema.properties) {
    const obj = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    const req = new Set(schema.required ?? []);
    const error = errors.get(path);
    return (
      <fieldset class="schema-object" data-field={path}>
        {path ? <legend>{schema.title ?? path}</legend> : null}
        {error ? <div class="field-error" role="alert">{error}</div> : null}
        {Object.entries(schema.properties).map(([key, s]) => (
          <SchemaField
            key={key}
            schema={s}
            value={obj[key]}
            path={childPath(path, key)}
            required={req.has(key)}
            errors={errors}
            onChange={(v) => {
              const next = { ...obj };
              if (v === undefined) delete next[key];
              else next[key] = v;
              onChange(next);
            }}
          />
        ))}
      </fieldset>
    );
  }

  if (type === 'array' && schema.items) {
    const list = Array.isArray(value) ? value : [];
    const item = schema.items;
    const error = errors.get(path);
    return (
      <fieldset class="schema-array" data-field={path}>
        <legend>
          {schema.title ?? path}
          {props.required ? <span class="required" aria-hidden="true">*</span> : null}
        </legend>
        {error ? <div class="field-error" role="alert">{error}</div> : null}
        {list.map((v, i) => (
          <div class="schema-array-item" key={i}>
            <SchemaField
              schema={{ ...item, title: item.type === 'object' ? `${item.title ?? ''} ${i + 1}` : `${i + 1}.` }}
              value={v}
              path={childPath(path, i)}
              required
              errors={errors}
              onChange={(nv) => onChange(list.map((x, j) => (j === i ? nv : x)))}
            />
            <button type="button" class="link" onClick={() => onChange(list.filter((_, j) => j !== i))}>{t('remove')}</button>
          </div>
        ))}
        <button type="button" data-testid={`add-${path}`} onClick={() => onChange([...list, emptyValue(item)])}>＋ {t('add')}</button>
      </fieldset>
    );
  }

  let control: preact.JSX.Element;
  const invalid = errors.has(path);
  if (type === 'boolean') {
    return (
      <div class={`field field-check${invalid ? ' field-invalid' : ''}`} data-field={path}>
        <label>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} /> {schema.title ?? path}
        </label>
        {invalid ? <div class="field-error" role="alert">{errors.get(path)}</div> : null}
      </div>
    );
  } else if (schema.enum) {
    control = (
      <select id={id} value={typeof value === 'string' ? value : ''} aria-invalid={invalid} onChange={(e) => onChange(emptyToUndefined((e.target as HTMLSelectElement).value))}>
        <option value="">—</option>
        {schema.enum.map((v) => <option key={v} value={v}>{v}</option>)}
      </select>
    );
  } else if (schema['x-widget'] === 'fen') {
    // Kept in fen, typed in 元: the label says 元 and the fen hint of the schema is not shown.
    const shown: Schema = { ...schema, title: (schema.title ?? path).replace('（分）', '（元）'), description: undefined };
    return (
      <FieldShell schema={shown} path={path} required={props.required} errors={errors}>
        <MoneyInput id={id} fen={value} invalid={invalid} onChange={onChange} />
      </FieldShell>
    );
  } else if (type === 'integer' || type === 'number') {
    control = (
      <input
        id={id}
        type="number"
        step={type === 'integer' ? 1 : 'any'}
        min={schema.minimum}
        max={schema.maximum}
        value={typeof value === 'number' ? String(value) : ''}
        aria-invalid={invalid}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          onChange(v === '' ? undefined : Number(v));
        }}
      />
    );
  } else if (schema.format === 'date') {
    control = <input id={id} type="date" value={typeof value === 'string' ? value : ''} aria-invalid={invalid} onInput={(e) => onChange(emptyToUndefined((e.target as HTMLInputElement).value))} />;
  } else if (schema.format === 'date-time') {
    control = (
      <input
        id={id}
        type="datetime-local"
        value={toLocalInput(value)}
        aria-invalid={invalid}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          onChange(v ? `${v}:00+08:00` : undefined);
        }}
      />
    );
  } else if (schema['x-widget'] === 'textarea' || (schema.maxLength ?? 0) > 500) {
    control = <textarea id={id} rows={4} maxLength={schema.maxLength} value={typeof value === 'string' ? value : ''} aria-invalid={invalid} onInput={(e) => onChange(emptyToUndefined((e.target as HTMLTextAreaElement).value))} />;
  } else {
    control = <input id={id} type="text" maxLength={schema.maxLength} value={typeof value === 'string' ? value : ''} aria-invalid={invalid} onInput={(e) => onChange(emptyToUndefined((e.target as HTMLInputElement).value))} />;
  }
  return (
    <FieldShell schema={schema} path={path} required={props.required} errors={errors}>
      {control}
    </FieldShell>
  );
}

/** The whole form: `value` is the template data; `errors` maps server error paths to reasons. */
export function SchemaForm(props: { schema: Schema; value: Record<string, unknown>; errors: Errors; onChange: (v: Record<string, unknown>) => void }) {
  return <SchemaField schema={props.schema} value={props.value} path="" required errors={props.errors} onChange={(v) => props.onChange(v as Record<string, unknown>)} />;
}
