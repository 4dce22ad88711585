/**
 * HTML → PDF through headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core). One browser is
 * shared by the process, launched on first use and closed at shutdown; each PDF uses its own page. When the
 * binary is missing the caller gets a 503 naming it, never a half-made file.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { AppError } from '../errors.ts';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
let executablePath = DEFAULT_CHROMIUM_PATH;

/** Where the Chromium binary is (tests point it at a missing file to check the 503). Closes a running browser. */
export async function setChromiumPath(path: string): Promise<void> {
  await closePdfBrowser();
  executablePath = path;
}

let browser: Promise<Browser> | null = null;

export function chromiumMissing(): AppError {
  return new AppError(
    503,
    'PDF_UNAVAILABLE',
    `服务器未安装 Chromium（${executablePath}），无法生成 PDF；请安装：apt-get install -y chromium fonts-noto-cjk ` +
      `(PDF needs the Chromium binary ${executablePath}, which is missing on this server)`,
  );
}

function sharedBrowser(): Promise<Browser> {
  if (!fs.existsSync(executablePath)) throw chromiumMissing();
  if (!browser) {
    const launching = chromium.launch({ executablePath: executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    browser = launching;
    launching.then(
      (b) => b.on('disconnected', () => { if (browser === launching) browser = null; }),
      () => { if (browser === launching) browser = null; },
    );
  }
  return browser;
}

/** A4 PDF of a complete HTML page; scripts and network are off (the HTML is self-contained). */
export async function htmlToPdf(html: string, footerText = ''): Promise<Buffer> {
  const b = await sharedBrowser();
  const context = await b.newContext({ javaScriptEnabled: false, offline: true });
  try {
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      format: 'A4',
      preferCSSPageSize: true,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        '<div style="width:100%;font-size:8px;text-align:center;font-family:\'Noto Sans CJK SC\',sans-serif;color:#555">' +
        `${footerText.replace(/[<>&"]/g, '')} 第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>`,
    });
  } finally {
    await context.close();
  }
}

/** Closes the shared browser (at shutdown and after tests). */
export async function closePdfBrowser(): Promise<void> {
  const b = browser;
  browser = null;
  if (b) await (await b.catch(() => null))?.close();
}
