package dev.aifunc.task.recommendation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.dataset.EventService;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.task.ScenarioSnapshot;
import dev.aifunc.task.Task;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * {@code collaborative}: personalized recommendations from the scenario's interaction events with an item-to-item
 * {@link CooccurrenceModel} (EASE weights by default; cosine or RP3beta similarities on request: chosen on MovieLens
 * with {@code bench/movielens.sh}). A user's own events are read live on every call, so what they just did counts at once
 * and items they already have are never recommended; their items' neighbours are scored
 * {@code sum over history items h of weight(h) x cosine(h, candidate)} and the history item that contributed most is
 * the reason. Users without usable history get the most popular items (optionally of one category). The model is
 * rebuilt in the background when the event log grew (checked on every call, at most every
 * {@value #REVISION_CHECK_MS} ms); calls keep using the previous complete model until the new one is swapped in.
 */
@ApplicationScoped
public class CollaborativeTask implements Task<CollaborativeTask.State> {

    private static final Logger LOG = Logger.getLogger(CollaborativeTask.class);

    /** How often a scenario's event-log revision is read, in ms. */
    static final long REVISION_CHECK_MS = 250;
    /** Most history events of a user used for scoring (the newest). */
    static final int MAX_HISTORY = 500;

    /** One recommended item. */
    public record Recommendation(String id, String title, double score, String reason, String becauseOf) {
    }

    /** Output of a call; {@code strategy} is {@code personalized} or {@code popular}. */
    public record Output(List<Recommendation> items, String strategy, long modelRevision) {
    }

    /** State of the learned model, for {@code GET /api/scenarios/{id}/events}. */
    public record Status(long revision, Instant builtAt, long events, int users, int items, long buildMillis,
                         boolean building, double progress, long pendingRevision) {
    }

    /** Prepared scenario: config, catalogue, and the current model (swapped atomically after a rebuild). */
    public final class State {
        final ScenarioSnapshot scenario;
        final ItemCatalog catalog;
        final CooccurrenceModel.Settings settings;
        final AtomicReference<CooccurrenceModel> model = new AtomicReference<>(CooccurrenceModel.empty());
        final AtomicBoolean building = new AtomicBoolean();
        volatile double progress = 1;
        volatile long pendingRevision;
        volatile long checkedAt;
    
        State(ScenarioSnapshot scenario, ItemCatalog catalog, CooccurrenceModel.Settings settings) {
            this.scenario = scenario;
            this.catalog = catalog;
            this.settings = settings;
        }
    }

    private final EventService events;
    private final ExecutorService builder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aifunc-recommendation-builder");
        t.setDaemon(true);
        return t;
    });

    public CollaborativeTask(EventService events) {
        this.events = events;
    }

    @Override
    public String id() {
        return "collaborative";
    }

    @Override
    public Set<String> datasets() {
        return Set.of("items");
    }

    @Override
    public boolean takesEvents() {
        return true;
    }

    @Override
    public String checkDatasetRow(String dataset, JsonNode row, JsonNode config) {
        return ItemCatalog.checkRow(dataset, row);
    }

    @Override
    public State prepare(ScenarioSnapshot scenario) {
        JsonNode config = scenario.config();
        Map<String, Double> typeWeights = new HashMap<>();
        config.path("eventWeights").properties().forEach(e -> typeWeights.put(e.getKey(), e.getValue().asDouble()));
        CooccurrenceModel.Settings settings = new CooccurrenceModel.Settings(config.path("halfLifeDays").asDouble(0),
                config.hasNonNull("minWeight") ? config.get("minWeight").asDouble() : null, typeWeights,
                config.path("neighbors").asInt("ease".equals(config.path("similarity").asText("ease")) ? 1000 : 100),
                config.path("normalizeSimilarities").asBoolean(false), config.path("similarity").asText("ease"),
                config.path("popularityPenalty").asDouble(0.5), config.path("l2").asDouble(300),
                config.path("maxItems").asInt(2000));
        State state = new State(scenario, ItemCatalog.of(scenario.datasetRows().apply("items")), settings);
        long revision = events.revision(scenario.scenarioId());
        if (revision > 0) {
            state.model.set(build(state, revision)); // the first model is built before the first answer
        }
        state.checkedAt = System.currentTimeMillis();
        return state;
    }

    @Override
    public Object status(State state) {
        refreshIfStale(state, true);
        CooccurrenceModel m = state.model.get();
        return new Status(m.revision(), m.revision() == 0 ? null : m.builtAt(), m.events(), m.users(), m.items(),
                m.buildMillis(), state.building.get(), state.progress, state.pendingRevision);
    }

    @Override
    public Object invoke(State state, JsonNode input) {
        refreshIfStale(state, false);
        CooccurrenceModel model = state.model.get();
        String userId = input.get("userId").asText();
        int topK = input.path("topK").asInt(state.scenario.config().path("topK").asInt(10));
        String category = input.hasNonNull("category") ? input.get("category").asText() : null;
        if (category != null && state.catalog.size() == 0) {
            throw ProblemException.unprocessable("category needs the item catalogue: upload it with PUT /api/scenarios/"
                    + state.scenario.scenarioId() + "/datasets/items.", "category", null);
        }
        List<EventService.Event> history = events.ofUser(state.scenario.scenarioId(), userId);
        Set<String> seen = new HashSet<>();
        history.forEach(e -> seen.add(e.itemId()));
        // the newest MAX_HISTORY events, oldest first
        List<EventService.Event> recent = history.subList(Math.max(0, history.size() - MAX_HISTORY), history.size());
        Instant reference = model.newestEvent();
        for (EventService.Event e : recent) {
            reference = e.at().isAfter(reference) ? e.at() : reference;
        }
        Map<Integer, Double> weights = new LinkedHashMap<>();
        Map<Integer, String> typeOf = new HashMap<>();
        double historyHalfLife = state.scenario.config().path("historyHalfLife").asDouble(30);
        for (int p = 0; p < recent.size(); p++) {
            EventService.Event e = recent.get(p);
            int h = model.indexOf(e.itemId());
            double w = state.settings.weight(e, reference);
            if (historyHalfLife > 0) { // the user's newer events say more about what they want next
                w *= Math.pow(0.5, (recent.size() - 1 - p) / historyHalfLife);
            }
            if (h >= 0 && w > 0) {
                weights.merge(h, w, Double::sum);
                typeOf.put(h, e.type());
            }
        }
        List<Recommendation> items = new ArrayList<>();
        Set<String> chosen = new HashSet<>();
        if (!weights.isEmpty()) {
            float[] score = new float[model.items()];
            float[] bestContribution = new float[model.items()];
            int[] because = new int[model.items()];
            for (Map.Entry<Integer, Double> h : weights.entrySet()) {
                int[] nb = model.neighbors(h.getKey());
                float[] sim = model.similarities(h.getKey());
                for (int t = 0; t < nb.length; t++) {
                    float c = (float) (h.getValue() * sim[t]);
                    score[nb[t]] += c;
                    if (c > bestContribution[nb[t]]) {
                        bestContribution[nb[t]] = c;
                        because[nb[t]] = h.getKey();
                    }
                }
            }
            int[] best = TopK.of(score, topK, j -> score[j] > 0 && !seen.contains(model.id(j)) && recommendable(state, model.id(j), category));
            for (int j : best) {
                String reasonItem = model.id(because[j]);
                items.add(new Recommendation(model.id(j), title(state, model.id(j)), Math.round(score[j] * 10_000d) / 10_000d,
                        reason(typeOf.get(because[j]), label(state, reasonItem)), reasonItem));
                chosen.add(model.id(j));
            }
        }
        String strategy = items.isEmpty() ? "popular" : "personalized";
        for (int j : model.byPopularity()) {
            if (items.size() >= topK) {
                break;
            }
            String id = model.id(j);
            if (!seen.contains(id) && !chosen.contains(id) && recommendable(state, id, category)) {
                // after personalized items, popular ones fill up with score 0: their order is by popularity
                items.add(new Recommendation(id, title(state, id), "popular".equals(strategy)
                        ? Math.round(model.popularity(j) * 10_000d) / 10_000d : 0,
                        category == null ? "Popular" : "Popular in " + category, null));
                chosen.add(id);
            }
        }
        for (ItemCatalog.Item item : state.catalog.items()) { // a catalogue with no events yet: its own order
            if (items.size() >= topK) {
                break;
            }
            if (!seen.contains(item.id()) && !chosen.contains(item.id()) && model.indexOf(item.id()) < 0
                    && recommendable(state, item.id(), category)) {
                items.add(new Recommendation(item.id(), item.title(), 0, "New in the catalogue", null));
                chosen.add(item.id());
            }
        }
        return new Output(items, strategy, model.revision());
    }

    private void refreshIfStale(State state, boolean force) {
        long now = System.currentTimeMillis();
        if (!force && now - state.checkedAt < REVISION_CHECK_MS) {
            return;
        }
        state.checkedAt = now;
        long revision = events.revision(state.scenario.scenarioId());
        if (revision > state.model.get().revision() && state.building.compareAndSet(false, true)) {
            state.pendingRevision = revision;
            state.progress = 0;
            builder.execute(() -> {
                try {
                    state.model.set(build(state, revision));
                } catch (RuntimeException e) {
                    LOG.errorf(e, "rebuilding the recommendation model of scenario %s failed; the previous one stays",
                            state.scenario.scenarioId());
                } finally {
                    state.progress = 1;
                    state.building.set(false);
                }
            });
        }
    }

    private CooccurrenceModel build(State state, long revision) {
        String id = state.scenario.scenarioId();
        CooccurrenceModel m = CooccurrenceModel.build(sink -> events.forEach(id, revision, sink), revision,
                state.settings, p -> state.progress = p);
        LOG.infof("scenario %s: recommendation model learned from %d events (revision %d) in %d ms: %d users, %d items",
                id, m.events(), revision, m.buildMillis(), m.users(), m.items());
        return m;
    }

    /** True when a call may recommend the item: in the catalogue (when the scenario has one), and in the category. */
    private static boolean recommendable(State state, String itemId, String category) {
        if (state.catalog.size() == 0) {
            return category == null;
        }
        int i = state.catalog.indexOf(itemId);
        return i >= 0 && (category == null || category.equalsIgnoreCase(state.catalog.get(i).category()));
    }


    private static String title(State state, String itemId) {
        int i = state.catalog.indexOf(itemId);
        return i < 0 ? null : state.catalog.get(i).title();
    }

    private static String label(State state, String itemId) {
        String t = title(state, itemId);
        return t == null ? itemId : t;
    }

    /** Why an item is recommended, from the event type of the history item behind it ("Because you rated Alien"). */
    static String reason(String type, String item) {
        String t = type == null ? "" : type.toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "rating", "rate", "rated", "review" -> "Because you rated " + item;
            case "purchase", "buy", "order", "bought", "purchased" -> "Because you bought " + item;
            case "watch", "watched", "play", "played" -> "Because you watched " + item;
            case "view", "viewed", "click", "clicked" -> "Because you viewed " + item;
            case "like", "liked", "favorite", "favourite" -> "Because you liked " + item;
            case "cart", "add_to_cart", "add-to-cart" -> "Because you added " + item + " to your cart";
            default -> "Because of your interest in " + item;
        };
    }

    void close(@Observes ShutdownEvent event) {
        builder.shutdownNow();
    }
}
