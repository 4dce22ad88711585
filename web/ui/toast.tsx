/** Short notices at the top right ("已保存"), gone after a few seconds; role=status so screen readers hear them. */
import { useEffect, useState } from 'preact/hooks';

interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error';
}

let next = 1;
const listeners = new Set<(t: Toast[]) => void>();
let toasts: Toast[] = [];

function emit(): void {
  listeners.forEach((l) => l(toasts));
}

export function showToast(text: string, kind: Toast['kind'] = 'ok'): void {
  const t = { id: next++, text, kind };
  toasts = [...toasts, t];
  emit();
  setTimeout(() => {
    toasts = toasts.filter((x) => x.id !== t.id);
    emit();
  }, 4000);
}

export function Toasts() {
  const [list, setList] = useState<Toast[]>(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>{t.text}</div>
      ))}
    </div>
  );
}
