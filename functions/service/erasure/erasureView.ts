import type { ErasureAnswer } from '../../core/answers.js';
import type { ErasureRecord } from '../../core/erasure.js';

/** The erasure as its requester is shown it (GET /v1/me/erasure, `trackdrop user erasure`). */
export function erasureView(r: ErasureRecord): ErasureAnswer {
  return {
    erasureId: r.erasureId,
    state: r.state,
    phase: r.phase,
    requestedBy: r.requestedBy,
    startedAt: r.startedAt,
    updatedAt: r.updatedAt,
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    ...(r.refusedUntil ? { refusedUntil: r.refusedUntil } : {}),
    removed: { ...r.removed },
    stores: r.stores?.length ?? 0,
  };
}
