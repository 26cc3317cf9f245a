package dev.aifunc.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accuracy, per-label precision / recall / F1, macro-F1 and the confusion matrix of expected against predicted
 * labels. Definitions as scikit-learn's {@code classification_report} and {@code confusion_matrix}: the labels are
 * those expected or predicted; a label never predicted has precision 0, one never expected recall 0 (its
 * {@code zero_division=0}). Macro-F1 is the unweighted mean of the per-label F1 over the labels that rows expect
 * (support above 0): an answer that is no label, such as {@code (none)} or {@code (error)}, counts against the
 * label it should have been, not as a class of its own.
 *
 * @param labels    the labels in matrix order: the {@code preferred} ones first (a scenario's configured labels), then
 *                  any other in order of first appearance
 * @param matrix    {@code int[labels][labels]}: row = expected label, column = predicted label; the cells add up to
 *                  the number of rows
 * @param accuracy  share of rows predicted right, 0..1
 * @param macroF1   mean F1 over the expected labels, 0..1
 * @param perLabel  label → its precision, recall, F1 and support (rows expected with it)
 */
public record ClassificationMetrics(List<String> labels, int[][] matrix, double accuracy, double macroF1,
                                    Map<String, PerLabel> perLabel) {

    /** One label's scores; {@code support} is the number of rows that expect it. */
    public record PerLabel(double precision, double recall, double f1, int support) {
    }

    /**
     * Computes the metrics.
     *
     * @param expected  expected label per row
     * @param predicted predicted label per row, same length (a row without an answer has its own label, such as
     *                  {@code "(none)"})
     * @param preferred labels to put first in the matrix, in this order, when they occur
     * @throws IllegalArgumentException when the lists differ in length or are empty
     */
    public static ClassificationMetrics of(List<String> expected, List<String> predicted, List<String> preferred) {
        if (expected.size() != predicted.size() || expected.isEmpty()) {
            throw new IllegalArgumentException("expected " + expected.size() + " and predicted " + predicted.size()
                    + " labels; both must have the same, non-zero length");
        }
        Set<String> seen = new LinkedHashSet<>(expected);
        seen.addAll(predicted);
        List<String> labels = new ArrayList<>();
        for (String p : preferred) {
            if (seen.remove(p)) {
                labels.add(p);
            }
        }
        labels.addAll(seen);
        Map<String, Integer> index = new LinkedHashMap<>();
        labels.forEach(l -> index.put(l, index.size()));
        int n = labels.size();
        int[][] matrix = new int[n][n];
        int right = 0;
        for (int i = 0; i < expected.size(); i++) {
            matrix[index.get(expected.get(i))][index.get(predicted.get(i))]++;
            right += expected.get(i).equals(predicted.get(i)) ? 1 : 0;
        }
        Map<String, PerLabel> perLabel = new LinkedHashMap<>();
        double f1Sum = 0;
        int expectedLabels = 0;
        for (int c = 0; c < n; c++) {
            int truePositives = matrix[c][c];
            int predictedAs = 0;
            int support = 0;
            for (int r = 0; r < n; r++) {
                predictedAs += matrix[r][c];
                support += matrix[c][r];
            }
            double precision = predictedAs == 0 ? 0 : truePositives / (double) predictedAs;
            double recall = support == 0 ? 0 : truePositives / (double) support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perLabel.put(labels.get(c), new PerLabel(precision, recall, f1, support));
            if (support > 0) {
                f1Sum += f1;
                expectedLabels++;
            }
        }
        return new ClassificationMetrics(List.copyOf(labels), matrix, right / (double) expected.size(),
                f1Sum / expectedLabels, perLabel);
    }
}
