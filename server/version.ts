/** The application version, from package.json. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json');

export const APP_VERSION: string = (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string }).version;
