package dev.aifunc.task.recommendation;

import java.util.PriorityQueue;

/** The k highest scores of an array, without sorting all of it ({@code O(n log k)}). */
final class TopK {

    private TopK() {
    }

    /**
     * Indices of the {@code k} largest {@code scores}, best first, skipping indices where {@code allowed} says no and
     * scores that are NaN or {@code -Infinity}.
     */
    static int[] of(float[] scores, int k, java.util.function.IntPredicate allowed) {
        PriorityQueue<int[]> heap = new PriorityQueue<>(k + 1, (a, b) -> Float.compare(scores[a[0]], scores[b[0]]));
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if (Float.isNaN(s) || s == Float.NEGATIVE_INFINITY || !allowed.test(i)) {
                continue;
            }
            if (heap.size() < k) {
                heap.add(new int[] {i});
            } else if (s > scores[heap.peek()[0]]) {
                heap.poll();
                heap.add(new int[] {i});
            }
        }
        int[] out = new int[heap.size()];
        for (int j = out.length - 1; j >= 0; j--) {
            out[j] = heap.poll()[0];
        }
        return out;
    }
}
