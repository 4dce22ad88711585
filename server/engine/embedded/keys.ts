/** Keys for engine objects: time-ordered, unique across restarts and processes, strings like Zeebe's. */
import crypto from 'node:crypto';

let last = 0;
let seq = 0;

export function newKey(): string {
  const now = Date.now();
  if (now === last) seq++;
  else {
    last = now;
    seq = 0;
  }
  // 13 digits of time, 4 of sequence, 6 random hex: sortable by creation, no coordination needed.
  return `${now.toString().padStart(13, '0')}${seq.toString().padStart(4, '0')}${crypto.randomBytes(3).toString('hex')}`;
}
