package dev.aifunc.task.recommendation;

import java.util.function.DoubleConsumer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * EASE item weights (Steck, "Embarrassingly shallow autoencoders for sparse data", WWW 2019), fitted in closed form:
 * {@code G = X^T X + lambda I}, {@code P = G^-1} (Cholesky, EJML), {@code B[i][j] = -P[i][j] / P[j][j]}, {@code B[j][j] = 0}.
 * Only the {@code maxItems} most popular items are modelled (memory {@code maxItems^2} doubles, time {@code maxItems^3});
 * each row keeps its {@code neighbors} largest positive weights, so scoring is the same sparse sum as item-to-item.
 */
final class Ease {

    private Ease() {
    }

    static void fit(int[][] userItems, float[][] userWeights, float[] popularity, CooccurrenceModel.Settings settings,
                    int[][] neighbors, float[][] similarity, DoubleConsumer progress) {
        int n = popularity.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(popularity[b], popularity[a]));
        int m = Math.min(n, Math.max(1, settings.maxItems()));
        int[] local = new int[n];
        java.util.Arrays.fill(local, -1);
        int[] global = new int[m];
        for (int k = 0; k < m; k++) {
            local[order[k]] = k;
            global[k] = order[k];
        }
        DMatrixRMaj g = new DMatrixRMaj(m, m);
        double[] data = g.data;
        for (int u = 0; u < userItems.length; u++) {
            int[] items = userItems[u];
            float[] w = userWeights[u];
            for (int a = 0; a < items.length; a++) {
                int la = local[items[a]];
                if (la < 0) {
                    continue;
                }
                for (int b = 0; b < items.length; b++) {
                    int lb = local[items[b]];
                    if (lb >= 0) {
                        data[la * m + lb] += (double) w[a] * w[b];
                    }
                }
            }
        }
        for (int k = 0; k < m; k++) {
            data[k * m + k] += settings.l2();
        }
        progress.accept(0.4);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(m);
        if (!solver.setA(g)) {
            throw new IllegalStateException("EASE: the regularised Gram matrix is not positive definite");
        }
        DMatrixRMaj p = new DMatrixRMaj(m, m);
        solver.invert(p);
        progress.accept(0.8);
        double[] pd = p.data;
        float[] row = new float[m];
        for (int i = 0; i < n; i++) {
            int li = local[i];
            if (li < 0) {
                neighbors[i] = new int[0];
                similarity[i] = new float[0];
                continue;
            }
            for (int j = 0; j < m; j++) {
                row[j] = j == li ? Float.NEGATIVE_INFINITY : (float) (-pd[li * m + j] / pd[j * m + j]);
            }
            int[] best = TopK.of(row, settings.neighbors(), j -> row[j] > 0);
            neighbors[i] = new int[best.length];
            similarity[i] = new float[best.length];
            for (int t = 0; t < best.length; t++) {
                neighbors[i][t] = global[best[t]];
                similarity[i][t] = row[best[t]];
            }
        }
    }
}
