/** Word output: every template converts, keeps its text, tables, page breaks and the eastAsia font. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findTemplate, listTemplates } from '../../server/documents/catalogue.ts';
import { decodeEntities, htmlToDocx, parseBody } from '../../server/documents/docx.ts';
import { renderDocument } from '../../server/documents/render.ts';

function unzipText(buf: Buffer, member: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docx-'));
  try {
    fs.writeFileSync(path.join(dir, 'd.docx'), buf);
    return execFileSync('unzip', ['-p', path.join(dir, 'd.docx'), member]).toString('utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const xmlText = (xml: string) => decodeEntities([...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''));

describe('DOCX output (server/documents/docx.ts)', function () {
  this.timeout(60_000);

  it('parses the stored HTML into a tree, decoding entities and keeping attributes', function () {
    const root = parseBody('<html><body><p class="plain mark">A &amp; B &lt;i&gt; &#x27;x&#39;</p><table><tr><td colspan="3">c</td></tr></table></body></html>');
    const [p, table] = root.children as any[];
    expect(p).to.include({ tag: 'p' });
    expect(p.cls).to.deep.equal(['plain', 'mark']);
    expect(p.children).to.deep.equal(["A & B <i> 'x'"]);
    expect(table.children[0].children[0].attrs).to.deep.equal({ colspan: '3' });
  });

  for (const t of listTemplates()) {
    it(`${t.no} ${t.id}: text, tables and fonts survive`, async function () {
      const { html } = renderDocument(t.id, findTemplate(t.id)!.sample);
      const docx = await htmlToDocx(html, t.title);
      expect(docx.subarray(0, 2).toString()).to.equal('PK');
      const xml = unzipText(docx, 'word/document.xml');
      const text = xmlText(xml);
      expect(text).to.include(t.title);
      expect(text).to.match(/FCZC-|FCPM-|FCZZ-|FCGC-/); // procurement project number, or an auction lot (templates 21–23)
      expect(text).to.match(/人民币[壹贰叁肆伍陆柒捌玖拾佰仟万亿零元角分整]+/);
      expect((xml.match(/<w:tbl>/g) ?? []).length, 'tables').to.equal((html.match(/<table[ >]/g) ?? []).length);
      expect((xml.match(/w:pageBreakBefore/g) ?? []).length, 'page breaks').to.equal((html.match(/class="page-break"/g) ?? []).length);
      expect(unzipText(docx, 'word/styles.xml')).to.include('w:eastAsia="FangSong"');
    });
  }
});
