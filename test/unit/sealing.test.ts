/**
 * Bid sealing (server/tender/sealing.ts): AES-256-GCM round trip and tamper (wrong AAD, flipped bytes, wrong key),
 * canonical JSON and receipts, the master key file (created 0600 on first use, reused, refused when malformed), the
 * wrapped tender key bound to its tender, and the opening gate on the tender row.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { publishTender } from '../../server/tender/publish.ts';
import { tenderModels } from '../../server/tender/models.ts';
import {
  aad, BidsSealedError, canonicalJson, configureSealing, newWrappedDataKey, receiptDigest, seal, SealBrokenError, sealForTender, unseal, unsealOpened,
} from '../../server/tender/sealing.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { job, MASTER_KEY, tenderVars } from '../api/tender-fixtures.ts';

const key = crypto.randomBytes(32);
const text = Buffer.from('{"totalPriceFen":60740520,"itemName":"台式计算机"}', 'utf8');

function expectBroken(fn: () => unknown): void {
  expect(fn).to.throw(SealBrokenError).with.property('message').that.does.not.contain('60740520');
}

describe('bid sealing: AES-256-GCM primitives', () => {
  it('round trip; fresh IV each time; ciphertext shows nothing of the plaintext', () => {
    const a = seal(key, aad.bid(1, 2), text);
    const b = seal(key, aad.bid(1, 2), text);
    expect(a.iv).to.have.length(12);
    expect(a.tag).to.have.length(16);
    expect(a.iv.equals(b.iv)).to.equal(false);
    expect(a.ciphertext.equals(b.ciphertext)).to.equal(false);
    expect(a.ciphertext.includes(Buffer.from('60740520'))).to.equal(false);
    expect(a.ciphertext.includes(Buffer.from('台式计算机'))).to.equal(false);
    expect(unseal(key, aad.bid(1, 2), a).equals(text)).to.equal(true);
  });

  it('refuses the wrong AAD (another bid or tender), a flipped byte anywhere, and the wrong key', () => {
    const s = seal(key, aad.bid(1, 2), text);
    expectBroken(() => unseal(key, aad.bid(1, 3), s));
    expectBroken(() => unseal(key, aad.bid(9, 2), s));
    expectBroken(() => unseal(key, aad.file(1, 2), s));
    for (const part of ['ciphertext', 'iv', 'tag'] as const) {
      for (const at of [0, s[part].length - 1]) {
        const copy = { ciphertext: Buffer.from(s.ciphertext), iv: Buffer.from(s.iv), tag: Buffer.from(s.tag) };
        copy[part][at] ^= 0x80;
        expectBroken(() => unseal(key, aad.bid(1, 2), copy));
      }
    }
    expectBroken(() => unseal(crypto.randomBytes(32), aad.bid(1, 2), s));
    expectBroken(() => unseal(key, aad.bid(1, 2), { ...s, ciphertext: s.ciphertext.subarray(1) }));
  });

  it('canonical JSON sorts keys at every level, so the receipt does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }], e: undefined })).to.equal('{"a":[{"c":null,"d":"x"}],"b":1}');
    const content = { totalPriceFen: 100, sme: { scale: 'small', declared: true } };
    const reordered = { sme: { declared: true, scale: 'small' }, totalPriceFen: 100 };
    const r = { tenderId: 7, salt: 'ab'.repeat(32), files: [{ fileId: 3, sha256: 'f'.repeat(64) }], submittedAt: '2026-03-02T01:00:00.000Z' };
    const h = receiptDigest({ ...r, content });
    expect(h).to.match(/^[0-9a-f]{64}$/);
    expect(receiptDigest({ ...r, content: reordered })).to.equal(h);
    expect(h).to.equal(crypto.createHash('sha256').update(canonicalJson({ v: 1, tenderId: 7, content, salt: r.salt, files: r.files, submittedAt: r.submittedAt })).digest('hex'));
    for (const change of [{ tenderId: 8 }, { salt: 'cd'.repeat(32) }, { files: [] }, { submittedAt: '2026-03-02T01:00:00.001Z' }]) {
      expect(receiptDigest({ ...r, content, ...change })).to.not.equal(h);
    }
  });
});

describe('bid sealing: keys and the opening gate', function () {
  this.timeout(60_000);
  let tdb: TestDatabase;
  let dir: string;
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  before(async () => {
    tdb = await testDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seal-key-'));
  });
  after(async () => {
    await tdb.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('without BID_SEAL_KEY the master key file is created 0600 on first use, then reused; a malformed file is refused', () => {
    const file = path.join(dir, 'sub', 'bid-seal.key');
    configureSealing(tdb.db.sequelize, { key: null, keyFile: file });
    expect(fs.existsSync(file)).to.equal(false);
    const first = newWrappedDataKey(tdb.db.sequelize, 1);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')).to.have.length(32);
    const content = fs.readFileSync(file, 'utf8');
    const second = newWrappedDataKey(tdb.db.sequelize, 2);
    expect(second.keyId).to.equal(first.keyId);
    expect(fs.readFileSync(file, 'utf8')).to.equal(content);
    const bad = path.join(dir, 'bad.key');
    fs.writeFileSync(bad, 'c2hvcnQ=\n');
    configureSealing(tdb.db.sequelize, { key: null, keyFile: bad });
    expect(() => newWrappedDataKey(tdb.db.sequelize, 3)).to.throw('32');
  });

  it('the tender key is bound to its tender and its master key; plaintext comes back only after the opening', async () => {
    configureSealing(tdb.db.sequelize, { key: MASTER_KEY, keyFile: '/nonexistent/unused.key' });
    const a = (await publishTender(tdb.db, clock, job('publish-tender', tenderVars(), { instanceId: 'seal-a' }))).tenderId;
    const b = (await publishTender(tdb.db, clock, job('publish-tender', tenderVars(), { instanceId: 'seal-b' }))).tenderId;
    const sealed = await sealForTender(tdb.db.sequelize, undefined, a, aad.bid(a, 1), text);
    const open = () => tdb.db.withTransaction((tx) => unsealOpened(tdb.db.sequelize, tx, a, aad.bid(a, 1), sealed, 'bid'));
    const expectRejected = async (p: Promise<unknown>, type: new (...args: never[]) => Error) => {
      let err: unknown;
      try { await p; } catch (e) { err = e; }
      expect(err).to.be.instanceOf(type);
    };
    await expectRejected(open(), BidsSealedError);
    const { Tender } = tenderModels(tdb.db.sequelize);
    // "opened" with an opening time before the deadline (a forged row) still does not open.
    await Tender.update({ status: 'opened', openedAt: new Date('2026-03-10T00:00:00Z') }, { where: { id: a } });
    await expectRejected(open(), BidsSealedError);
    await Tender.update({ openedAt: new Date('2026-03-25T01:30:00Z') }, { where: { id: a } });
    expect((await open()).equals(text)).to.equal(true);
    // Tender a's wrapped key copied onto tender b does not unwrap there (AAD = tender id).
    const rowA = await Tender.findByPk(a);
    await Tender.update({ dataKeyWrapped: rowA!.get('dataKeyWrapped'), status: 'opened', openedAt: new Date('2026-03-25T01:30:00Z') }, { where: { id: b } });
    await expectRejected(tdb.db.withTransaction((tx) => unsealOpened(tdb.db.sequelize, tx, b, aad.bid(a, 1), sealed, 'bid')), SealBrokenError);
    // Another master key: refused by name (the key id), not by a garbled decryption.
    configureSealing(tdb.db.sequelize, { key: crypto.randomBytes(32), keyFile: '/nonexistent/unused.key' });
    let err: unknown;
    try { await open(); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(SealBrokenError);
    expect(String(err)).to.contain('another master key');
    configureSealing(tdb.db.sequelize, { key: MASTER_KEY, keyFile: '/nonexistent/unused.key' });
  });
});
