import fs from 'node:fs';

/** The hub's version, read once from the server package's manifest. */
export const HUB_VERSION: string = (
  JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
