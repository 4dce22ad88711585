/**
 * What both adapters make of a worker's outcome, so that a misbehaving worker fails the same way on each: a
 * thrown value of any kind becomes a failure message (never a crash of the failure handling itself, which left
 * the job without retries or incident), and a result that is not a plain object of variables is a failure.
 */

/** What a worker threw, as text: an Error's message, else a string message, else the value itself as JSON. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  const message = (err as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

export const ARRAY_RESULT_MESSAGE = '作业结果必须是 JSON 对象，而不是数组 (the worker returned an array, not an object of variables)';
