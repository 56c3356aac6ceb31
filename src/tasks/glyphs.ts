// Stroke glyphs: 8x8 image classification drawn from a seed (docs/tasks.md, Glyphs).
//
// A glyph is made of pen strokes, the way Omniglot's characters are (Lake, Salakhutdinov and
// Tenenbaum, "Human-level concept learning through probabilistic program induction", Science 2015);
// every sample is its class's glyph under a random affine distortion, the augmentation of Simard,
// Steinkraus and Platt ("Best practices for convolutional neural networks applied to visual
// document analysis", ICDAR 2003). Drawing, in glyph coordinates [-1, 1]^2 (y down), every number
// from the SplitMix32 stream of the data seed in the order written here:
//
//   prototype  per class, GLYPH.candidates candidate glyphs of 2 or 3 strokes; a stroke is an arc
//              (share 0.3: centre U(-0.3, 0.3)^2, radius U(0.3, 0.6), start U(0, 2 pi), sweep
//              +-U(pi/2, 3 pi/2), as 6 segments) or a line (midpoint U(-0.35, 0.35)^2, direction
//              U(0, pi), half-length U(0.35, 0.6)). The class keeps the candidate whose clean
//              rendering is farthest (Euclidean, over the 64 pixels) from the classes before it.
//   sample s   class s mod C; p -> R(theta) Sh(k) s p + t, theta ~ U(-0.25, 0.25) rad, k ~ U(-0.2,
//              0.2), s ~ U(0.85, 1.15), t ~ U(-0.2, 0.2)^2 (0.8 pixel), applied to the segments'
//              ends (an affine map takes segments to segments); each pixel's ink is
//              clamp(1 - (d - 0.1) / 0.25, 0, 1), d the distance from its centre to the nearest
//              segment (a stroke 0.2 wide, fading over one pixel: anti-aliased); plus N(0, 0.05^2)
//              per pixel, clamped to [0, 1]; row-major, 64 features.
//
// The prototypes come from the seed, not from a fixed alphabet, so that every data seed is another
// problem: a family held out of evolution must not be solvable by anything remembered from one
// draw of it. Samples are independent, so the first 80% are the training split.

import { gaussian } from '../optimizer/problems.ts';
import { createRng, type Rng } from '../util/rng.ts';
import { splitAt, VALIDATION_SHARE, type Splits } from './data.ts';
import type { Dataset } from './types.ts';
import { cos, sin } from '../util/math.ts';

export const GLYPH = {
  side: 8,
  samples: 500,
  /** Candidate glyphs drawn per class; more make the classes farther apart. */
  candidates: 8,
  arcShare: 0.3,
  arcPieces: 6,
  halfWidth: 0.1,
  /** One pixel: the canvas [-1, 1] is 8 pixels wide. */
  falloff: 0.25,
  noise: 0.05,
  rotation: 0.25,
  shear: 0.2,
  scale: [0.85, 1.15],
  shift: 0.2,
} as const;

/** The class counts a glyph task may have (`glyphs:4`, `glyphs:10`); the first is the default. */
export const GLYPH_CLASS_COUNTS = [10, 4] as const;

export interface Glyph {
  strokes: number;
  arcs: number;
  /** Line segments x0, y0, x1, y1 after one another, in glyph coordinates. */
  segments: Float64Array;
}

function arc(rng: Rng, out: number[]): void {
  const cx = rng.uniform(-0.3, 0.3);
  const cy = rng.uniform(-0.3, 0.3);
  const r = rng.uniform(0.3, 0.6);
  const start = rng.uniform(0, 2 * Math.PI);
  const sweep = rng.uniform(Math.PI / 2, 1.5 * Math.PI) * (rng.next() < 0.5 ? -1 : 1);
  for (let i = 0; i < GLYPH.arcPieces; i++) {
    const from = start + (sweep * i) / GLYPH.arcPieces;
    const to = start + (sweep * (i + 1)) / GLYPH.arcPieces;
    out.push(cx + r * cos(from), cy + r * sin(from), cx + r * cos(to), cy + r * sin(to));
  }
}

function line(rng: Rng, out: number[]): void {
  const mx = rng.uniform(-0.35, 0.35);
  const my = rng.uniform(-0.35, 0.35);
  const direction = rng.uniform(0, Math.PI);
  const half = rng.uniform(0.35, 0.6);
  const dx = half * cos(direction);
  const dy = half * sin(direction);
  out.push(mx - dx, my - dy, mx + dx, my + dy);
}

/** One candidate glyph: 2 or 3 strokes. */
export function drawGlyph(rng: Rng): Glyph {
  const strokes = 2 + rng.int(2);
  const segments: number[] = [];
  let arcs = 0;
  for (let i = 0; i < strokes; i++) {
    if (rng.next() < GLYPH.arcShare) {
      arcs++;
      arc(rng, segments);
    } else {
      line(rng, segments);
    }
  }
  return { strokes, arcs, segments: Float64Array.from(segments) };
}

/**
 * Renders segments (x0, y0, x1, y1 after one another, glyph coordinates) into `out` at `offset`
 * (side x side, row-major): each pixel's ink falls off with the distance from its centre to the
 * nearest segment. Flat arrays: this loop is most of the cost of building a data set.
 */
export function render(segments: Float64Array, out: Float32Array, offset = 0): void {
  const n = GLYPH.side;
  for (let row = 0; row < n; row++) {
    const py = -1 + (2 * row + 1) / n;
    for (let col = 0; col < n; col++) {
      const px = -1 + (2 * col + 1) / n;
      let nearest = Infinity;
      for (let i = 0; i < segments.length; i += 4) {
        const x0 = segments[i] as number;
        const y0 = segments[i + 1] as number;
        const dx = (segments[i + 2] as number) - x0;
        const dy = (segments[i + 3] as number) - y0;
        const length2 = dx * dx + dy * dy;
        const t = length2 > 0 ? Math.min(1, Math.max(0, ((px - x0) * dx + (py - y0) * dy) / length2)) : 0;
        const ex = px - x0 - t * dx;
        const ey = py - y0 - t * dy;
        nearest = Math.min(nearest, ex * ex + ey * ey);
      }
      out[offset + row * n + col] = Math.min(1, Math.max(0, 1 - (Math.sqrt(nearest) - GLYPH.halfWidth) / GLYPH.falloff));
    }
  }
}

/** Writes `segments` under a random affine distortion into `out`: rotation, shear, scale, shift. */
function jitter(segments: Float64Array, rng: Rng, out: Float64Array): void {
  const theta = rng.uniform(-GLYPH.rotation, GLYPH.rotation);
  const k = rng.uniform(-GLYPH.shear, GLYPH.shear);
  const s = rng.uniform(GLYPH.scale[0], GLYPH.scale[1]);
  const tx = rng.uniform(-GLYPH.shift, GLYPH.shift);
  const ty = rng.uniform(-GLYPH.shift, GLYPH.shift);
  const c = cos(theta);
  const n = sin(theta);
  // R(theta) [[1, k], [0, 1]] s
  const a = c * s;
  const b = (c * k - n) * s;
  const d = n * s;
  const e = (n * k + c) * s;
  for (let i = 0; i < segments.length; i += 2) {
    const x = segments[i] as number;
    const y = segments[i + 1] as number;
    out[i] = a * x + b * y + tx;
    out[i + 1] = d * x + e * y + ty;
  }
}

/** A candidate glyph, rendered clean, and its distance to the nearest class already chosen. */
interface Candidate {
  glyph: Glyph;
  image: Float32Array;
  gap: number;
}

function candidate(rng: Rng, chosen: readonly Candidate[]): Candidate {
  const glyph = drawGlyph(rng);
  const image = new Float32Array(GLYPH.side * GLYPH.side);
  render(glyph.segments, image);
  let gap = Infinity;
  for (const other of chosen) {
    let sum = 0;
    for (let p = 0; p < image.length; p++) sum += ((image[p] as number) - (other.image[p] as number)) ** 2;
    gap = Math.min(gap, Math.sqrt(sum));
  }
  return { glyph, image, gap };
}

/**
 * The class prototypes: each the farthest of GLYPH.candidates candidates from the classes before
 * it. Glyphs drawn independently sometimes nearly coincide (two crossing lines in the same place),
 * and a data set with two such classes would be unlearnable by chance; picking the farthest keeps
 * the difficulty from swinging from seed to seed while every seed still draws its own alphabet.
 */
function prototypes(rng: Rng, classes: number): Glyph[] {
  const chosen: Candidate[] = [];
  for (let c = 0; c < classes; c++) {
    let best = candidate(rng, chosen);
    for (let i = 1; i < GLYPH.candidates; i++) {
      const next = candidate(rng, chosen);
      if (next.gap > best.gap) best = next;
    }
    chosen.push(best);
  }
  return chosen.map((c) => c.glyph);
}

export interface GlyphData extends Splits {
  classes: number;
  prototypes: Glyph[];
}

/** The glyph data set of `seed` with `classes` classes, split into training and validation. */
export function glyphData(seed: number, classes: number): GlyphData {
  const rng = createRng(seed);
  const glyphs = prototypes(rng, classes);
  const n = GLYPH.samples;
  const f = GLYPH.side * GLYPH.side;
  const x = new Float32Array(n * f);
  const y = new Float32Array(n * classes);
  for (let s = 0; s < n; s++) {
    const label = s % classes;
    const segments = (glyphs[label] as Glyph).segments;
    const moved = new Float64Array(segments.length);
    jitter(segments, rng, moved);
    render(moved, x, s * f);
    for (let p = s * f; p < (s + 1) * f; p++) x[p] = Math.min(1, Math.max(0, (x[p] as number) + GLYPH.noise * gaussian(rng)));
    y[s * classes + label] = 1;
  }
  const data: Dataset = { count: n, features: f, targets: classes, x, y };
  return { ...splitAt(data, n - Math.floor(n * VALIDATION_SHARE)), classes, prototypes: glyphs };
}
