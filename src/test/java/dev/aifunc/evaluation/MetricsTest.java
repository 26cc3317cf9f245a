package dev.aifunc.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The metric functions against values computed by hand. */
class MetricsTest {

    @Test
    void threeByThreeConfusionMatrix() {
        // expected  a a a b b c c c c
        // predicted a a b b c c c a c
        List<String> expected = List.of("a", "a", "a", "b", "b", "c", "c", "c", "c");
        List<String> predicted = List.of("a", "a", "b", "b", "c", "c", "c", "a", "c");
        ClassificationMetrics m = ClassificationMetrics.of(expected, predicted, List.of("a", "b", "c"));
        assertEquals(List.of("a", "b", "c"), m.labels());
        assertArrayEquals(new int[] {2, 1, 0}, m.matrix()[0]);
        assertArrayEquals(new int[] {0, 1, 1}, m.matrix()[1]);
        assertArrayEquals(new int[] {1, 0, 3}, m.matrix()[2]);
        assertEquals(6 / 9.0, m.accuracy(), 1e-12);
        // a: precision 2/3 (column a: 2 + 0 + 1), recall 2/3; b: 1/2 and 1/2; c: 3/4 and 3/4
        assertEquals(2 / 3.0, m.perLabel().get("a").precision(), 1e-12);
        assertEquals(2 / 3.0, m.perLabel().get("a").recall(), 1e-12);
        assertEquals(0.5, m.perLabel().get("b").f1(), 1e-12);
        assertEquals(0.75, m.perLabel().get("c").precision(), 1e-12);
        assertEquals(4, m.perLabel().get("c").support());
        assertEquals((2 / 3.0 + 0.5 + 0.75) / 3, m.macroF1(), 1e-12);
    }

    @Test
    void aLabelNeverPredictedHasPrecisionZeroAndCountsInMacroF1() {
        ClassificationMetrics m = ClassificationMetrics.of(List.of("x", "y", "y"), List.of("y", "y", "y"), List.of());
        assertEquals(List.of("x", "y"), m.labels());
        assertEquals(0, m.perLabel().get("x").precision());
        assertEquals(0, m.perLabel().get("x").f1());
        // y: precision 2/3, recall 1, F1 0.8; macro (0 + 0.8) / 2
        assertEquals(0.4, m.macroF1(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(List.of("x"), List.of(), List.of()));
        // an answer that is no label (below the threshold) is wrong for its row but no class of macro-F1:
        // x: precision 1, recall 1/2, F1 2/3; y: precision 1, recall 1, F1 1; macro (2/3 + 1) / 2
        ClassificationMetrics none = ClassificationMetrics.of(List.of("x", "x", "y"), List.of("x", "(none)", "y"), List.of());
        assertEquals(List.of("x", "y", "(none)"), none.labels());
        assertEquals(2 / 3.0, none.accuracy(), 1e-12);
        assertEquals((2 / 3.0 + 1) / 2, none.macroF1(), 1e-12);
    }

    @Test
    void ndcgRecallAndReciprocalRankOfAKnownRanking() {
        List<String> ranked = List.of("x", "r1", "y", "r2");
        Set<String> relevant = Set.of("r1", "r2", "r3");
        // DCG@3 = 1/log2(3); IDCG@3 = 1 + 1/log2(3) + 1/log2(4)
        double dcg = 1 / log2(3);
        double idcg = 1 + 1 / log2(3) + 0.5;
        assertEquals(dcg / idcg, RankingMetrics.ndcgAtK(ranked, relevant, 3), 1e-12);
        assertEquals(0.29608, RankingMetrics.ndcgAtK(ranked, relevant, 3), 1e-5);
        assertEquals(1 / 3.0, RankingMetrics.recallAtK(ranked, relevant, 3), 1e-12);
        assertEquals(2 / 3.0, RankingMetrics.recallAtK(ranked, relevant, 4), 1e-12);
        assertEquals(0.5, RankingMetrics.reciprocalRank(ranked, relevant), 1e-12);
        assertEquals(1.0, RankingMetrics.ndcgAtK(List.of("r1", "r2"), Set.of("r1", "r2"), 3), 1e-12);
        assertEquals(0, RankingMetrics.reciprocalRank(List.of("x"), relevant));
    }

    @Test
    void characterErrorRateOfKnownStrings() {
        assertEquals(3, CharacterErrorRate.edits("kitten", "sitting"));
        assertEquals(0.5, CharacterErrorRate.of("kitten", "sitting"), 1e-12);
        assertEquals(0, CharacterErrorRate.of("Total: 9.20\n EUR", "Total: 9.20 EUR"), 1e-12);
        assertEquals(1.0, CharacterErrorRate.of("abc", ""), 1e-12);
        assertEquals(1 / 7.0, CharacterErrorRate.of("发票金额人民币", "发票金额人民市"), 1e-12);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
