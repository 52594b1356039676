/**
 * The notes' panels' jobs in the compute worker: each request kind to its computation (pure
 * functions of notes-noise.ts, notes-staircase.ts, notes-sharpness.ts) and the reply it posts.
 */
import type { ComputeReply, NotesRequest } from './compute-protocol.js';
import { noiseRace } from './notes-noise.js';
import { sharpnessRace } from './notes-sharpness.js';
import { staircase } from './notes-staircase.js';

export function notesReply(request: NotesRequest): ComputeReply {
  if (request.kind === 'notes-noise')
    return { kind: 'notes-noise', result: noiseRace(request.lr, request.passes) };
  if (request.kind === 'notes-staircase') return { kind: 'notes-staircase', ...staircase(request.angle) };
  return { kind: 'notes-sharpness', rows: sharpnessRace() };
}
