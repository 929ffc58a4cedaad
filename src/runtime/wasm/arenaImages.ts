/**
 * Prepared arena images handed from one thread's interpreters to another's (see ArenaImage in
 * simd.ts). The batch pool records the images of the interpreters a task's prepare builds on
 * the calling thread, in the order it builds them, and replays them, in the same order, while
 * the same task prepares on a pool thread: the same setup builds the same interpreters in the
 * same order. An interpreter checks that an image fits before it keeps it (its signature, then
 * the allocation's end), so a mismatch costs a second prepare, never a wrong weight.
 */
import type { ArenaImage } from './simd';

/** A recorded image with what it was prepared for. */
export interface PreparedImage {
  readonly signature: string;
  readonly arena: ArenaImage;
}

let recording: PreparedImage[] | undefined;
let replaying: { readonly images: readonly PreparedImage[]; next: number } | undefined;

/** Runs `prepare`, recording the image of every interpreter it builds (an async prepare: those built before it settles). */
export async function recordPreparedImages<T>(prepare: () => T | Promise<T>): Promise<{ readonly value: T; readonly images: PreparedImage[] }> {
  const images: PreparedImage[] = [];
  const outer = recording;
  recording = images;
  try {
    return { value: await prepare(), images };
  } finally {
    recording = outer;
  }
}

/** Runs `prepare` with the images recorded elsewhere, offered in order to the interpreters it builds. */
export async function withPreparedImages<T>(images: readonly PreparedImage[], prepare: () => T | Promise<T>): Promise<T> {
  const outer = replaying;
  replaying = { images, next: 0 };
  try {
    return await prepare();
  } finally {
    replaying = outer;
  }
}

/** For an interpreter about to prepare: the next image offered, when its signature is `signature`. */
export function offeredImage(signature: string): ArenaImage | undefined {
  if (!replaying) return undefined;
  const image = replaying.images[replaying.next++];
  return image?.signature === signature ? image.arena : undefined;
}

/** Whether images are being recorded or offered (else an interpreter need not compute its signature). */
export function preparedImagesInUse(): boolean {
  return recording !== undefined || replaying !== undefined;
}

/** Whether an interpreter just prepared should record its image. */
export function recordingImages(): boolean {
  return recording !== undefined;
}

export function recordImage(image: PreparedImage): void {
  recording?.push(image);
}
