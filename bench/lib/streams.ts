import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes text, waiting for the stream to drain when its buffer is full. */
export async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** Ends the stream and waits until everything is written. */
export async function close(stream: Writable): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}
