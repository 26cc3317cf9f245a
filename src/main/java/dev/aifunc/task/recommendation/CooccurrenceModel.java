package dev.aifunc.task.recommendation;

import dev.aifunc.dataset.EventService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * Item-to-item collaborative filtering learned from interaction events (Sarwar et al., "Item-based collaborative
 * filtering recommendation algorithms", WWW 2001; Linden et al., "Amazon.com recommendations: item-to-item
 * collaborative filtering", 2003). Each event counts {@code typeWeight(type) x weight x 0.5^(age / halfLife)} for its
 * user and item, age measured from the newest event in the log; events whose weight is below {@code minWeight} (e.g.
 * low ratings) teach nothing; a user's weights for an item are summed and counted as {@link #confidence}. Item similarity is the cosine of two items' user-weight vectors; each item keeps its
 * {@code neighbors} most similar items. Popularity is the sum of an item's weights. Immutable once built.
 */
public final class CooccurrenceModel {

    /**
     * How events become weights.
     *
     * @param halfLifeDays  an event loses half its weight after this many days (0: no decay)
     * @param minWeight     events with a lower weight are ignored for learning and the others count as one positive
     *                      (e.g. 4 for star ratings); null: every event counts with its own weight
     * @param typeWeights   multiplier per event type (types not listed: 1)
     * @param neighbors     similar items kept per item
     * @param normalize     scale each item's kept similarities to sum 1 (Deshpande and Karypis, "Item-based top-N
     *                      recommendation algorithms", TOIS 2004), so items with many strong neighbours do not drown
     *                      the others in a user's score
     * @param similarity    {@code cosine}, or {@code rp3beta}: the probability of walking item → user → item,
     *                      divided by the target's popularity to the power {@code popularityPenalty} (Paudel et al.,
     *                      "Updatable, accurate, diverse, and scalable recommendations for interactive applications",
     *                      ACM TiiS 2016)
     * @param popularityPenalty beta of {@code rp3beta}, 0..1
     * @param l2            {@code ease}: the L2 penalty lambda of Steck's EASE ("Embarrassingly shallow autoencoders
     *                      for sparse data", WWW 2019): item weights {@code B = -P / diag(P)} with
     *                      {@code P = (X^T X + lambda I)^-1}, zero diagonal
     * @param maxItems      {@code ease}: only the most popular items are modelled (the inverse costs items^3)
     */
    public record Settings(double halfLifeDays, Double minWeight, Map<String, Double> typeWeights, int neighbors,
                           boolean normalize, String similarity, double popularityPenalty, double l2, int maxItems) {

        /** The learning weight of an event at {@code reference} time, 0 when it teaches nothing. */
        double weight(EventService.Event e, Instant reference) {
            if (minWeight != null && e.weight() < minWeight) {
                return 0;
            }
            double w = typeWeights.getOrDefault(e.type(), 1d) * (minWeight != null ? 1 : e.weight());
            if (halfLifeDays > 0) {
                double ageDays = Math.max(0, (reference.toEpochMilli() - e.at().toEpochMilli()) / 86_400_000d);
                w *= Math.pow(0.5, ageDays / halfLifeDays);
            }
            return w > 0 ? w : 0;
        }
    }

    private final String[] itemIds;
    private final Map<String, Integer> index;
    private final int[][] neighbors;
    private final float[][] similarity;
    private final float[] popularity;
    private final int[] byPopularity;
    private final long revision;
    private final Instant newestEvent;
    private final Instant builtAt;
    private final long events;
    private final int users;
    private final long buildMillis;

    private CooccurrenceModel(String[] itemIds, Map<String, Integer> index, int[][] neighbors, float[][] similarity,
                              float[] popularity, long revision, Instant newestEvent, long events, int users,
                              long buildMillis) {
        this.itemIds = itemIds;
        this.index = index;
        this.neighbors = neighbors;
        this.similarity = similarity;
        this.popularity = popularity;
        this.revision = revision;
        this.newestEvent = newestEvent;
        this.events = events;
        this.users = users;
        this.buildMillis = buildMillis;
        this.builtAt = Instant.now();
        Integer[] order = new Integer[itemIds.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(popularity[b], popularity[a]));
        this.byPopularity = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** A model of no events. */
    public static CooccurrenceModel empty() {
        return new CooccurrenceModel(new String[0], Map.of(), new int[0][], new float[0][], new float[0], 0,
                Instant.EPOCH, 0, 0, 0);
    }

    /**
     * Learns from a scenario's events up to {@code revision}.
     *
     * @param events   reads every event up to the revision, in order, into the given sink
     * @param progress receives the fraction done, 0..1
     */
    public static CooccurrenceModel build(java.util.function.Consumer<java.util.function.Consumer<EventService.Event>> events,
                                          long revision, Settings settings, DoubleConsumer progress) {
        long t0 = System.nanoTime();
        List<EventService.Event> all = new ArrayList<>();
        events.accept(all::add);
        progress.accept(0.1);
        Instant newest = Instant.EPOCH;
        Instant now = Instant.now();
        for (EventService.Event e : all) {
            newest = e.at().isAfter(newest) ? e.at() : newest;
        }
        newest = newest.isAfter(now) ? now : newest; // the decay is measured from now at the latest
        Map<String, Integer> itemIndex = new HashMap<>();
        Map<String, Integer> userIndex = new HashMap<>();
        List<Map<Integer, Double>> byUser = new ArrayList<>();
        for (EventService.Event e : all) {
            double w = settings.weight(e, newest);
            if (w <= 0) {
                continue;
            }
            int item = itemIndex.computeIfAbsent(e.itemId(), k -> itemIndex.size());
            int user = userIndex.computeIfAbsent(e.userId(), k -> {
                byUser.add(new HashMap<>());
                return userIndex.size();
            });
            byUser.get(user).merge(item, w, Double::sum);
        }
        int n = itemIndex.size();
        String[] ids = new String[n];
        itemIndex.forEach((id, i) -> ids[i] = id);
        // CSR per user, and its transpose per item
        int[][] userItems = new int[byUser.size()][];
        float[][] userWeights = new float[byUser.size()][];
        int[] itemCount = new int[n];
        for (int u = 0; u < byUser.size(); u++) {
            Map<Integer, Double> m = byUser.get(u);
            userItems[u] = new int[m.size()];
            userWeights[u] = new float[m.size()];
            int k = 0;
            for (Map.Entry<Integer, Double> e : m.entrySet()) {
                userItems[u][k] = e.getKey();
                userWeights[u][k++] = (float) confidence(e.getValue());
                itemCount[e.getKey()]++;
            }
        }
        int[][] itemUsers = new int[n][];
        float[][] itemWeights = new float[n][];
        for (int i = 0; i < n; i++) {
            itemUsers[i] = new int[itemCount[i]];
            itemWeights[i] = new float[itemCount[i]];
        }
        int[] fill = new int[n];
        float[] popularity = new float[n];
        double[] norm = new double[n];
        double[] userTotal = new double[userItems.length];
        for (int u = 0; u < userItems.length; u++) {
            for (int k = 0; k < userItems[u].length; k++) {
                int i = userItems[u][k];
                float w = userWeights[u][k];
                itemUsers[i][fill[i]] = u;
                itemWeights[i][fill[i]++] = w;
                popularity[i] += Math.min(1f, w); // one user adds at most 1
                norm[i] += (double) w * w;
                userTotal[u] += w;
            }
        }
        boolean walk = "rp3beta".equals(settings.similarity());
        for (int i = 0; i < n; i++) {
            norm[i] = Math.sqrt(norm[i]);
        }
        double[] penalty = new double[n];
        for (int i = 0; i < n; i++) {
            penalty[i] = walk ? Math.pow(popularity[i], settings.popularityPenalty()) : 0;
        }
        progress.accept(0.2);
        int[][] neighbors = new int[n][];
        float[][] similarity = new float[n][];
        if ("ease".equals(settings.similarity())) {
            Ease.fit(userItems, userWeights, popularity, settings, neighbors, similarity, progress);
            progress.accept(1);
            return new CooccurrenceModel(ids, itemIndex, neighbors, similarity, popularity, revision, newest,
                    all.size(), userItems.length, (System.nanoTime() - t0) / 1_000_000);
        }
        float[] acc = new float[n];
        int[] touched = new int[n];
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int touchedCount = 0;
            for (int a = 0; a < itemUsers[i].length; a++) {
                int u = itemUsers[i][a];
                // cosine: w(u,i) * w(u,j); walk: P(i -> u) * P(u -> j) = w(u,i) / pop(i) * w(u,j) / total(u)
                float wi = walk ? (float) (itemWeights[i][a] / popularity[i] / userTotal[u]) : itemWeights[i][a];
                int[] items = userItems[u];
                float[] ws = userWeights[u];
                for (int b = 0; b < items.length; b++) {
                    int j = items[b];
                    if (j == i) {
                        continue;
                    }
                    if (!seen[j]) {
                        seen[j] = true;
                        touched[touchedCount++] = j;
                    }
                    acc[j] += wi * ws[b];
                }
            }
            float[] candidates = new float[touchedCount];
            for (int t = 0; t < touchedCount; t++) {
                int j = touched[t];
                candidates[t] = (float) (walk ? acc[j] / penalty[j] : acc[j] / (norm[i] * norm[j]));
                acc[j] = 0;
                seen[j] = false;
            }
            int[] best = TopK.of(candidates, settings.neighbors(), t -> true);
            neighbors[i] = new int[best.length];
            similarity[i] = new float[best.length];
            double sum = 0;
            for (int t = 0; t < best.length; t++) {
                neighbors[i][t] = touched[best[t]];
                similarity[i][t] = candidates[best[t]];
                sum += candidates[best[t]];
            }
            if (settings.normalize() && sum > 0) {
                for (int t = 0; t < best.length; t++) {
                    similarity[i][t] /= (float) sum;
                }
            }
            if ((i & 1023) == 0) {
                progress.accept(0.2 + 0.8 * i / Math.max(1, n));
            }
        }
        progress.accept(1);
        return new CooccurrenceModel(ids, itemIndex, neighbors, similarity, popularity, revision, newest, all.size(),
                userItems.length, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * How much a user's summed event weight for an item counts: {@code log2(1 + sum)}, 1 for a single event of weight
     * 1, about 20 for a weight of a million: repeated or inflated events give diminishing returns (the confidence of
     * Hu, Koren and Volinsky, "Collaborative filtering for implicit feedback datasets", ICDM 2008), so no single user
     * or event can dominate an item.
     */
    static double confidence(double summedWeight) {
        return Math.log1p(summedWeight) / Math.log(2);
    }

    /** Position of an item, or -1 when no event taught anything about it. */
    public int indexOf(String itemId) {
        return index.getOrDefault(itemId, -1);
    }

    /** Number of items that events taught something about. */
    public int items() {
        return itemIds.length;
    }

    /** The id of the item at a position. */
    public String id(int item) {
        return itemIds[item];
    }

    /** The most similar items of {@code item}, best first. */
    public int[] neighbors(int item) {
        return neighbors[item];
    }

    /** Cosine similarities matching {@link #neighbors}. */
    public float[] similarities(int item) {
        return similarity[item];
    }

    /** Sum of the item's (decayed) weights. */
    public float popularity(int item) {
        return popularity[item];
    }

    /** Item positions, most popular first. */
    public int[] byPopularity() {
        return byPopularity;
    }

    /** The event-log revision this model was learned from. */
    public long revision() {
        return revision;
    }

    /** Time of the newest event learned (the reference of the time decay). */
    public Instant newestEvent() {
        return newestEvent;
    }

    /** When this model was built. */
    public Instant builtAt() {
        return builtAt;
    }

    /** Events read to build it (those that taught nothing included). */
    public long events() {
        return events;
    }

    /** Users with at least one event that taught something. */
    public int users() {
        return users;
    }

    /** Build time in ms. */
    public long buildMillis() {
        return buildMillis;
    }
}
