/**
 * QA of the browser's display helpers (web/ui/format.ts): money exact from integer fen at any size and sign,
 * amounts typed by a user parsed strictly (a malformed thousands grouping such as "1,5" or "12，5" — someone
 * meaning 1.5 元 — was read as 15 元 / 125 元), and instants shown on the Asia/Shanghai calendar day.
 */
import { expect } from 'chai';
import { formatDateTime, formatWan, formatYuan, parseYuanToFen } from '../../web/ui/format.ts';

describe('QA web format helpers', () => {
  it('formats fen exactly, beyond Number precision and with a sign', () => {
    expect(formatYuan(0)).to.equal('0.00');
    expect(formatYuan(-1)).to.equal('-0.01');
    expect(formatYuan(12345678)).to.equal('123,456.78');
    expect(formatYuan('9007199254740993')).to.equal('90,071,992,547,409.93');
    expect(formatYuan(-9007199254740993n)).to.equal('-90,071,992,547,409.93');
    expect(formatWan(12345678)).to.equal('12.345678');
    expect(formatWan(-50)).to.equal('-0.00005');
    expect(formatWan(100_000_000)).to.equal('100.00'); // 1,000,000 元
    expect(formatWan(100_000_000_000n)).to.equal('100,000.00');
    for (const bad of [1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2, '1e3', '1.0', '+5', ' 5', '']) {
      expect(() => formatYuan(bad as number), String(bad)).to.throw(/integer fen/);
    }
  });

  it('parses amounts typed in 元 into fen, and refuses what it would have to guess', () => {
    expect(parseYuanToFen('1,234.5')).to.equal(123450);
    expect(parseYuanToFen('1，234,567.89')).to.equal(123456789);
    expect(parseYuanToFen(' 0.01 ')).to.equal(1);
    expect(parseYuanToFen('9999999999999.99')).to.equal(999999999999999);
    for (const bad of ['1,5', '12，5', '123,4,5', '1,2345', ',123', '123,', '1.', '.5', '-1', '1.234', '１２３', '1e3', '']) {
      expect(parseYuanToFen(bad), bad).to.equal(null);
    }
  });

  it('shows instants on the Shanghai day, including the midnight and year edges', () => {
    expect(formatDateTime('2026-03-01T16:00:00Z')).to.equal('2026-03-02 00:00');
    expect(formatDateTime('2026-03-01T15:59:59.999Z')).to.equal('2026-03-01 23:59');
    expect(formatDateTime('2026-12-31T16:00:00Z', false)).to.equal('2027-01-01');
    expect(formatDateTime('2024-02-28T16:30:00Z')).to.equal('2024-02-29 00:30');
    expect(formatDateTime(null)).to.equal('');
    expect(formatDateTime('not a date')).to.equal('not a date');
  });
});
