/**
 * 工作日日历: a month of days with their kind (工作日/休息日/节假日/调休上班), the administrator's overrides (process_admin
 * edits them, with the reason recorded), the years whose schedule is entered, and a deadline calculator that shows
 * the legal basis of each time limit.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { ErrorBox, fieldError } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';
import { showToast } from '../../ui/toast.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import './calendar.css';

interface Day { date: string; working: boolean; kind: 'workday' | 'weekend' | 'holiday' | 'makeup_workday'; name: string | null; source: string }
interface Override { date: string; kind: 'holiday' | 'workday'; name: string; reason: string; updatedBy: string; updatedAt: string }
interface Rule { id: string; event: string; value?: number; dayType?: 'WD' | 'CD'; direction?: 'after' | 'before'; basis: string }
interface Deadline { ruleId: string; event: string; basis: string; direction: 'after' | 'before'; dueDate: string; dueAt: string; rolledFrom: string | null; calendarVersion: string; warnings: string[] }

function shanghaiToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

function monthBounds(month: string): { from: string; to: string; firstWeekday: number } {
  const [y, m] = month.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const last = new Date(Date.UTC(y, m, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10), firstWeekday: (first.getUTCDay() + 6) % 7 };
}

function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

export function CalendarPage({ query }: PageProps) {
  const t = useT('calendar');
  const admin = hasRole('process_admin');
  const qMonth = query.get('month');
  // Only a real month in the years the server's calendar covers; 2017-13 would show January 2018 under "2017-13".
  const month = qMonth && /^(20\d\d|2100)-(0[1-9]|1[0-2])$/.test(qMonth) ? qMonth : shanghaiToday().slice(0, 7);
  const bounds = monthBounds(month);
  const days = useAsync(() => api<{ days: Day[]; unscheduledYears: number[]; calendarVersion: string }>('GET', '/api/calendar/days', { query: { from: bounds.from, to: bounds.to } }), [month]);
  const overrides = useAsync(() => api<{ overrides: Override[]; years: { year: number; basis: string; declaredBy: string }[] }>('GET', '/api/calendar/overrides'), []);
  const weekdays = t('weekdays', { returnObjects: true }) as unknown as string[];

  const [form, setForm] = useState({ date: '', kind: 'holiday' as 'holiday' | 'workday', name: '', reason: '' });
  const [formError, setFormError] = useState<unknown>(null);
  // One notice number per unscheduled year (each year has its own State Council notice).
  const [basis, setBasis] = useState<Record<number, string>>({});
  const [yearError, setYearError] = useState<unknown>(null);

  async function saveOverride(e: Event) {
    e.preventDefault();
    setFormError(null);
    if (!form.date) {
      // Without a date the URL would name no override and the server could only say "no such route".
      setFormError(new ApiError(422, 'VALIDATION_FAILED', t('dateMissing'), [{ path: 'date', reason: t('dateMissing') }]));
      return;
    }
    try {
      await api('PUT', `/api/calendar/overrides/${encodeURIComponent(form.date)}`, { body: { kind: form.kind, name: form.name, reason: form.reason } });
      showToast(t('saved'));
      setForm({ date: '', kind: 'holiday', name: '', reason: '' });
      overrides.reload();
      days.reload();
    } catch (err) {
      setFormError(err);
    }
  }

  async function removeOverride(date: string) {
    try {
      await api('DELETE', `/api/calendar/overrides/${date}`);
      showToast(t('removed'));
      overrides.reload();
      days.reload();
    } catch (err) {
      setFormError(err);
    }
  }

  async function declare(year: number) {
    setYearError(null);
    try {
      await api('PUT', `/api/calendar/years/${year}`, { body: { basis: basis[year] ?? '' } });
      showToast(t('declared', { year }));
      setBasis({ ...basis, [year]: '' });
      overrides.reload();
      days.reload();
    } catch (err) {
      setYearError(err);
    }
  }

  const cells: (Day | null)[] = [...Array(bounds.firstWeekday).fill(null), ...(days.data?.days ?? [])];
  return (
    <section class="calendar-page">
      <h1>{t('title')}</h1>
      <div class="toolbar">
        <button type="button" onClick={() => navigate('/calendar', { month: shiftMonth(month, -1) })}>{t('prevMonth')}</button>
        <strong data-testid="calendar-month">{month}</strong>
        <button type="button" onClick={() => navigate('/calendar', { month: shiftMonth(month, 1) })}>{t('nextMonth')}</button>
        <span class="legend">
          {(['workday', 'weekend', 'holiday', 'makeup_workday'] as const).map((k) => (
            <span key={k} class={`day-chip day-${k}`}>{t(`kind.${k}`)}</span>
          ))}
        </span>
      </div>
      <ErrorBox error={days.error} />
      {days.data && days.data.unscheduledYears.length > 0 ? (
        <div class="panel warn" data-testid="unscheduled">
          {t('unscheduled', { years: days.data.unscheduledYears.join('、') })}
          {admin
            ? days.data.unscheduledYears.map((y) => (
                <div key={y} class="toolbar">
                  <input placeholder={t('declareBasis')} data-year={y} value={basis[y] ?? ''} onInput={(e) => setBasis({ ...basis, [y]: e.currentTarget.value })} />
                  <button type="button" onClick={() => declare(y)}>{t('declareYear', { year: y })}</button>
                </div>
              ))
            : null}
          <ErrorBox error={yearError} />
        </div>
      ) : null}
      <div class="month-grid" data-testid="month-grid">
        {weekdays.map((w) => <div key={w} class="weekday">{w}</div>)}
        {cells.map((d, i) =>
          d ? (
            <div key={d.date} class={`day day-${d.kind}`} data-date={d.date} data-kind={d.kind} title={`${t(`kind.${d.kind}`)}${d.name ? ' · ' + d.name : ''}`}>
              <span class="num">{Number(d.date.slice(8))}</span>
              <span class="label">{d.name ?? (d.kind === 'workday' ? '' : t(`kind.${d.kind}`))}</span>
              {d.source === 'override' ? <span class="mark" aria-label="override">✎</span> : null}
            </div>
          ) : (
            <div key={`pad-${i}`} class="day pad" />
          ),
        )}
      </div>

      <DeadlineCalculator />

      <h2>{t('overrides')}</h2>
      <table class="data-table" data-testid="overrides">
        <thead>
          <tr><th>{t('date')}</th><th>{t('kindLabel')}</th><th>{t('name')}</th><th>{t('reason')}</th><th>{t('by')}</th>{admin ? <th /> : null}</tr>
        </thead>
        <tbody>
          {(overrides.data?.overrides ?? []).length === 0 ? (
            <tr><td colSpan={admin ? 6 : 5} class="muted">{t('noOverrides')}</td></tr>
          ) : (
            overrides.data!.overrides.map((o) => (
              <tr key={o.date}>
                <td>{o.date}</td>
                <td>{o.kind === 'holiday' ? t('setHoliday') : t('setWorkday')}</td>
                <td>{o.name}</td>
                <td>{o.reason}</td>
                <td>{o.updatedBy}</td>
                {admin ? <td><button type="button" class="danger" onClick={() => removeOverride(o.date)}>{t('remove')}</button></td> : null}
              </tr>
            ))
          )}
        </tbody>
      </table>
      {admin ? (
        <form class="panel override-form" onSubmit={saveOverride} data-testid="override-form">
          <Field label={t('date')} name="date" required error={fieldError(formError, 'date')}>
            <input id="f-date" type="date" value={form.date} onInput={(e) => setForm({ ...form, date: e.currentTarget.value })} />
          </Field>
          <Field label={t('kindLabel')} name="kind" required error={fieldError(formError, 'kind')}>
            <select id="f-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.currentTarget.value as 'holiday' | 'workday' })}>
              <option value="holiday">{t('setHoliday')}</option>
              <option value="workday">{t('setWorkday')}</option>
            </select>
          </Field>
          <Field label={t('name')} name="name" required error={fieldError(formError, 'name')}>
            <input id="f-name" value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          </Field>
          <Field label={t('reason')} name="reason" required error={fieldError(formError, 'reason')}>
            <input id="f-reason" value={form.reason} onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })} />
          </Field>
          <button type="submit" class="primary">{t('addOverride')}</button>
          <ErrorBox error={formError} />
        </form>
      ) : null}
      {(overrides.data?.years ?? []).length > 0 ? (
        <p class="muted small">{t('years')}：{overrides.data!.years.map((y) => `${y.year}（${y.basis}）`).join('；')}</p>
      ) : null}
    </section>
  );
}

function DeadlineCalculator() {
  const t = useT('calendar');
  const rules = useAsync(() => api<{ rules: Rule[] }>('GET', '/api/time-limits'), []);
  const [ruleId, setRuleId] = useState('T3');
  const [anchor, setAnchor] = useState(() => `${shanghaiToday()}T09:00`);
  const [result, setResult] = useState<Deadline | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function compute(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      // datetime-local has no zone: the user means Beijing time.
      setResult(await api<Deadline>('POST', '/api/deadlines', { body: { ruleId, anchor: `${anchor}:00+08:00` } }));
    } catch (err) {
      setResult(null);
      setError(err);
    }
  }

  const periods = (rules.data?.rules ?? []).filter((r) => r.dayType && Number.isInteger(r.value));
  return (
    <form class="panel deadline-calc" onSubmit={compute} data-testid="deadline-form">
      <h2>{t('deadline')}</h2>
      <div class="toolbar">
        <label>
          {t('rule')}{' '}
          <select name="rule" value={ruleId} onChange={(e) => setRuleId(e.currentTarget.value)}>
            {periods.map((r) => (
              <option key={r.id} value={r.id}>{`${r.id} ${r.event}（${t(r.dayType === 'WD' ? 'workingDays' : 'calendarDays', { count: r.value })}${r.direction === 'before' ? t('beforeEvent') : ''}）`}</option>
            ))}
          </select>
        </label>
        <label>
          {t('anchor')} <input type="datetime-local" name="anchor" value={anchor} onInput={(e) => setAnchor(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">{t('compute')}</button>
      </div>
      {periods.find((r) => r.id === ruleId)?.direction === 'before' ? <p class="muted small" data-testid="anchor-is-event">{t('anchorIsEvent')}</p> : null}
      <ErrorBox error={error} />
      {result ? (
        <dl class="facts" data-testid="deadline-result">
          <dt>{t(result.direction === 'before' ? 'dueDateBefore' : 'dueDate')}</dt>
          <dd>
            <strong data-testid="due-date">{result.dueDate}</strong> 24:00 {result.rolledFrom ? t(result.direction === 'before' ? 'rolledBack' : 'rolledFrom', { date: result.rolledFrom }) : null}
          </dd>
          <dt>{t('basis')}</dt>
          <dd>{result.basis}</dd>
          <dt>{t('calendarVersion')}</dt>
          <dd class="small">{result.calendarVersion}</dd>
          {result.warnings.map((w, i) => (
            <dd key={i} class="warn-text">{w}</dd>
          ))}
        </dl>
      ) : null}
    </form>
  );
}
