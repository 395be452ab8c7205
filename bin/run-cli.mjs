// Shared by the installed commands: runs a CLI of src/cli compiled (dist/) when built, else its TypeScript source
// through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export async function runCli(name) {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const built = path.join(root, 'dist', 'src', 'cli', `${name}.js`);
  if (existsSync(built)) {
    await import(pathToFileURL(built).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(path.join(root, 'src', 'cli', `${name}.ts`)).href);
  }
}
