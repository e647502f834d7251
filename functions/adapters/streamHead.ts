import type { Readable } from 'node:stream';

/** The largest head kept in memory to read a file's tags before its upload begins. */
export const MAX_HEAD_BYTES = 2 * 1024 * 1024;
const MIN_HEAD_BYTES = 64 * 1024;

/**
 * How much of a file to look at for its tags: 64 KiB, or the whole ID3v2 tag when it is larger
 * (cover art comes first in some files), up to MAX_HEAD_BYTES.
 */
export function headBytesWanted(start: Buffer): number {
  if (start.length >= 10 && start.toString('latin1', 0, 3) === 'ID3') {
    // Syncsafe: 7 bits a byte. The length check above keeps readUInt8 in range.
    const size =
      ((start.readUInt8(6) & 0x7f) << 21) |
      ((start.readUInt8(7) & 0x7f) << 14) |
      ((start.readUInt8(8) & 0x7f) << 7) |
      (start.readUInt8(9) & 0x7f);
    return Math.min(MAX_HEAD_BYTES, Math.max(MIN_HEAD_BYTES, size + 20 + 4096));
  }
  return MIN_HEAD_BYTES;
}

/**
 * Reads the head of a stream without consuming it: the bytes are put back (`unshift`), so the
 * stream can then be piped whole. `ended` says the head is the entire stream.
 */
export async function peekHead(body: Readable): Promise<{ head: Buffer; ended: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let wanted = MIN_HEAD_BYTES;
  let ended = false;
  while (length < wanted && !ended) {
    const chunk = body.read() as Buffer | null;
    if (chunk !== null) {
      chunks.push(chunk);
      length += chunk.length;
      // The ID3v2 header is the first 10 bytes: decide once they are in.
      if (length - chunk.length < 10) wanted = headBytesWanted(Buffer.concat(chunks));
      continue;
    }
    ended = await new Promise<boolean>((resolve, reject) => {
      const done = (value: boolean, err?: Error) => {
        body.off('readable', onReadable);
        body.off('end', onEnd);
        body.off('error', onError);
        if (err) reject(err);
        else resolve(value);
      };
      const onReadable = () => done(false);
      const onEnd = () => done(true);
      const onError = (err: Error) => done(false, err);
      body.once('readable', onReadable);
      body.once('end', onEnd);
      body.once('error', onError);
      if (body.readableEnded) done(true);
    });
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0 && !ended) body.unshift(head);
  return { head, ended };
}
