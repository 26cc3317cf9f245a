package dev.aifunc.evaluation;

import java.util.List;
import java.util.Set;

/**
 * Ranking metrics with binary relevance (an item is relevant or not), as in Järvelin and Kekäläinen (2002) for
 * NDCG and the usual definitions of the recommender-systems literature:
 * <ul>
 *   <li>recall@k = |relevant ∩ top-k| / |relevant|;</li>
 *   <li>NDCG@k = DCG@k / IDCG@k with DCG@k = Σ_{i=1..k} rel_i / log2(i + 1) and IDCG@k the DCG of an ideal
 *       ranking (all relevant items first, min(|relevant|, k) of them);</li>
 *   <li>reciprocal rank = 1 / the rank of the first relevant item, 0 when none is ranked (mean over queries: MRR).</li>
 * </ul>
 */
public final class RankingMetrics {

    private RankingMetrics() {
    }

    /** recall@k of one ranking, 0..1; 0 when nothing is relevant. */
    public static double recallAtK(List<String> ranked, Set<String> relevant, int k) {
        if (relevant.isEmpty()) {
            return 0;
        }
        long hits = ranked.stream().limit(k).filter(relevant::contains).distinct().count();
        return hits / (double) relevant.size();
    }

    /** NDCG@k of one ranking, 0..1; 0 when nothing is relevant. A repeated item counts once, at its first rank. */
    public static double ndcgAtK(List<String> ranked, Set<String> relevant, int k) {
        if (relevant.isEmpty() || k <= 0) {
            return 0;
        }
        double dcg = 0;
        java.util.Set<String> counted = new java.util.HashSet<>();
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i)) && counted.add(ranked.get(i))) {
                dcg += 1 / log2(i + 2);
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(k, relevant.size()); i++) {
            ideal += 1 / log2(i + 2);
        }
        return dcg / ideal;
    }

    /** 1 / the rank (from 1) of the first relevant item in the ranking, or 0 when it holds none. */
    public static double reciprocalRank(List<String> ranked, Set<String> relevant) {
        for (int i = 0; i < ranked.size(); i++) {
            if (relevant.contains(ranked.get(i))) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
