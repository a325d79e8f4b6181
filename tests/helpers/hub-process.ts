import { ChildProcess } from 'node:child_process';

/** Resolves once a hub started as a process (dist/src/main.js, LOG_LEVEL=info) logs that it listens. */
export function listening(child: ChildProcess, timeoutMs = 45_000): Promise<void> {
  let out = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not start: ${out}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('hub listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
