import type { IAudioMetadata } from 'music-metadata';

/**
 * What the worker function and its tag-parser thread say to each other. Both sides are
 * trackdrop's own code, in the same bundle build, so the shapes are shared types, not input.
 */

/** The part of music-metadata's answer trackdrop reads (tags, format, pictures). */
export type ParsedMetadata = Pick<IAudioMetadata, 'common' | 'format'>;

export type ToParser =
  /** Parse bytes already in memory (the head of an HTTPS body), as `mimeType` when one is given. */
  | {
      readonly kind: 'buffer';
      readonly id: number;
      readonly bytes: Uint8Array;
      readonly skipCovers: boolean;
      readonly mimeType?: string | undefined;
    }
  /** Parse an object of `size` bytes, asking the function for each range it needs. */
  | { readonly kind: 'ranged'; readonly id: number; readonly size: number; readonly skipCovers: boolean }
  /** The bytes of a range the parser asked for, or why there are none. */
  | {
      readonly kind: 'range';
      readonly id: number;
      readonly read: number;
      readonly bytes?: Uint8Array;
      readonly size?: number;
      readonly error?: { readonly name: string; readonly message: string };
    };

export type FromParser =
  /** The thread has loaded its parser and takes requests: the deadline counts from here. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'read'; readonly id: number; readonly read: number; readonly from: number; readonly to: number }
  | { readonly kind: 'parsed'; readonly id: number; readonly meta: ParsedMetadata }
  | { readonly kind: 'failed'; readonly id: number; readonly name: string; readonly message: string };
