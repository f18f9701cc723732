import type { PlanPreview } from '../engine/model';
import type { PlanReview } from '../engine/runStorePort';

// A Review's row in `plan_reviews`, the same in both stores. A row written before the preview
// column existed has none: its Start plans again.

export interface PlanReviewRow {
  token: string;
  input_key: string;
  reviewed_at: string;
  preview: string | null;
}

export function previewText(review: PlanReview): string | null {
  return review.preview ? JSON.stringify(review.preview) : null;
}

export function planReviewOf(row: PlanReviewRow): PlanReview {
  return {
    token: row.token,
    inputKey: row.input_key,
    reviewedAt: row.reviewed_at,
    ...(row.preview ? { preview: JSON.parse(row.preview) as PlanPreview } : {}),
  };
}
