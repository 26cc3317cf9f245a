package dev.aifunc.recommendation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Similar items and personalized recommendations on a small catalogue of 24 films in three genres (written for this
 * test, {@code recommendation/films.csv}) and an event log with three kinds of viewers.
 */
@QuarkusTest
class RecommendationTest {

    static final String FILMS = Api.resource("/recommendation/films.csv");
    static final Map<String, String> GENRE = new HashMap<>();

    @BeforeAll
    static void genres() {
        FILMS.lines().skip(1).forEach(l -> {
            String[] cells = l.split(",");
            GENRE.put(cells[0], cells[2]);
        });
    }

    @Test
    void similarItemsComeFromTheSameGenreFirst() {
        Api.awaitReady();
        Api.recreate("more-like-this", "similar-items", Map.of());
        given().contentType("text/csv").body(FILMS).put("/api/scenarios/more-like-this/datasets/items")
                .then().statusCode(200).body("rows", equalTo(24));

        for (String query : List.of("orbit-9", "paris-letters", "paper-fox")) {
            List<String> ids = Api.invoke("more-like-this", Map.of("itemId", query, "topK", 5)).then().statusCode(200)
                    .body("items", hasSize(5)).extract().jsonPath().getList("items.id", String.class);
            assertTrue(!ids.contains(query), "the query item itself is not returned");
            for (String id : ids.subList(0, 4)) {
                assertEquals(GENRE.get(query), GENRE.get(id), "top results for " + query + ": " + ids);
            }
        }
        // free text, a category filter, and excluded ids
        JsonPath byText = Api.invoke("more-like-this", Map.of("text", "a cartoon for small children", "topK", 3))
                .then().statusCode(200).extract().jsonPath();
        assertTrue(byText.getList("items.category", String.class).stream().allMatch("Animation"::equals), byText.prettify());
        Api.invoke("more-like-this", Map.of("itemId", "orbit-9", "sameCategory", true, "topK", 10,
                        "excludeIds", List.of("deep-void"))) // 8 sci-fi films less the query and the excluded one
                .then().statusCode(200).body("items", hasSize(6)).body("items.category", everyItem(equalTo("Sci-Fi")))
                .body("items.id", not(org.hamcrest.Matchers.hasItem("deep-void")));
        // a new item is similar to the others the moment it is uploaded
        given().contentType("text/csv").body(FILMS + "comet-run,Comet Run,Sci-Fi,Miners ride a comet toward a dying star "
                        + "in a spaceship with failing engines.,2023\n")
                .put("/api/scenarios/more-like-this/datasets/items").then().statusCode(200).body("rows", equalTo(25));
        Api.invoke("more-like-this", Map.of("itemId", "comet-run", "topK", 3)).then().statusCode(200)
                .body("items.category", everyItem(equalTo("Sci-Fi")));
        // errors a user can act on
        Api.invoke("more-like-this", Map.of("itemId", "nope")).then().statusCode(422).body("field", equalTo("itemId"));
        Api.invoke("more-like-this", Map.of("topK", 3)).then().statusCode(422).body("field", equalTo("itemId"));
        Api.invoke("more-like-this", Map.of("text", " \u200b ")).then().statusCode(422).body("field", equalTo("text"));
    }

    @Test
    void aBadCatalogueRowIsReportedWithItsLineAndNothingIsImported() {
        Api.awaitReady();
        Api.recreate("catalogue-check", "similar-items", Map.of());
        given().contentType("text/csv").body(FILMS).put("/api/scenarios/catalogue-check/datasets/items").then().statusCode(200);
        String broken = "id,title,category\na1,Alpha,X\na2,Beta,X\na3,,X\na1,Again,X\n";
        given().contentType("text/csv").body(broken).put("/api/scenarios/catalogue-check/datasets/items")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].line", equalTo(4)).body("errors[0].message", startsWith("column 'title'"))
                .body("errors[1].line", equalTo(5)).body("errors[1].message", org.hamcrest.Matchers.containsString("already on line 2"));
        given().get("/api/scenarios/catalogue-check/datasets/items").then().statusCode(200).body("rows", equalTo(24));
    }

    @Test
    void aLargeUploadShowsItsProgressWhileItRuns() throws Exception {
        Api.awaitReady();
        Api.recreate("big-catalogue", "similar-items", Map.of());
        StringBuilder csv = new StringBuilder("id,title,category\n");
        String[] words = {"red", "silent", "ocean", "river", "night", "golden", "iron", "paper", "storm", "garden"};
        for (int i = 0; i < 3000; i++) {
            csv.append("p").append(i).append(",The ").append(words[i % 10]).append(' ').append(words[(i / 10) % 10])
                    .append(' ').append(words[(i / 100) % 10]).append(" no. ").append(i).append(",c").append(i % 7).append('\n');
        }
        var upload = java.util.concurrent.CompletableFuture.supplyAsync(() -> given().contentType("text/csv")
                .body(csv.toString()).put("/api/scenarios/big-catalogue/datasets/items").statusCode());
        java.util.Set<String> phases = new java.util.HashSet<>();
        while (!upload.isDone()) {
            JsonPath p = given().get("/api/scenarios/big-catalogue/datasets/items/progress").then().statusCode(200)
                    .extract().jsonPath();
            if (p.getBoolean("running")) {
                phases.add(p.getString("phase"));
            }
            Thread.sleep(20);
        }
        assertEquals(200, upload.get());
        assertTrue(phases.contains("preparing"), "phases seen while the upload ran: " + phases);
        given().get("/api/scenarios/big-catalogue/datasets/items/progress").then().statusCode(200).body("running", equalTo(false));
        given().get("/api/scenarios/big-catalogue/datasets/items").then().statusCode(200).body("rows", equalTo(3000));
    }

    @Test
    void evaluatedOnHeldOutFilmsWithRecallAndNdcgAtK() throws Exception {
        Api.awaitReady();
        Api.recreate("for-you-eval", "personalized-recommendations", Map.of());
        given().contentType("text/csv").body(FILMS).put("/api/scenarios/for-you-eval/datasets/items").then().statusCode(200);
        List<Map<String, Object>> log = viewingLog();
        given().contentType("application/json").body(Map.of("events", log)).post("/api/scenarios/for-you-eval/events")
                .then().statusCode(200);
        // expected per fan: the films of their genre they have not watched yet (3 of 8)
        Map<String, java.util.Set<String>> watched = new HashMap<>();
        log.forEach(e -> watched.computeIfAbsent((String) e.get("userId"), u -> new java.util.HashSet<>()).add((String) e.get("itemId")));
        StringBuilder lines = new StringBuilder();
        int users = 0;
        for (Map.Entry<String, java.util.Set<String>> w : watched.entrySet()) {
            String genre = w.getKey().startsWith("scifi") ? "Sci-Fi" : w.getKey().startsWith("romance") ? "Romance" : "Animation";
            List<String> unseen = GENRE.entrySet().stream().filter(g -> g.getValue().equals(genre) && !w.getValue().contains(g.getKey()))
                    .map(Map.Entry::getKey).sorted().toList();
            lines.append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                    Map.of("userId", w.getKey(), "items", unseen))).append('\n');
            users++;
        }
        // the model is built from the events in the background: wait until a call is personalized
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && !"personalized".equals(Api.invoke("for-you-eval",
                Map.of("userId", "scifi-fan-0")).then().extract().path("strategy"))) {
            Thread.sleep(200);
        }
        JsonPath e = given().contentType("application/x-ndjson").header("Prefer", "wait=60")
                .body(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/scenarios/for-you-eval/evaluate?k=5").then().statusCode(201).body("status", equalTo("done"))
                .extract().jsonPath();
        System.out.println("evaluate personalized-recommendations at k=5: " + e.getMap("metrics"));
        assertEquals(users, e.getInt("rows"));
        assertEquals(5, e.getInt("k"));
        assertEquals("ndcgAtK", e.getString("headline"));
        // a fan's unseen films of the genre are what a good recommender ranks first
        assertTrue(e.getDouble("metrics.recallAtK") >= 0.6, "recall@5 " + e.getDouble("metrics.recallAtK"));
        assertTrue(e.getDouble("metrics.ndcgAtK") >= 0.5 && e.getDouble("metrics.ndcgAtK") <= 1.0,
                "NDCG@5 " + e.getDouble("metrics.ndcgAtK"));
        // the cut-off matters: at k=1 at most one of three expected films can be found
        JsonPath one = given().contentType("application/x-ndjson").header("Prefer", "wait=60")
                .post("/api/scenarios/for-you-eval/evaluate?k=1&sameDataAs=" + e.getLong("id")).then().statusCode(201)
                .extract().jsonPath();
        assertTrue(one.getDouble("metrics.recallAtK") <= 1 / 3.0 + 1e-6, "recall@1 " + one.getDouble("metrics.recallAtK"));
    }

    /** Ten fans per genre, each watching five of its eight films; everybody also watched "orbit-9" (the hit). */
    static List<Map<String, Object>> viewingLog() {
        List<Map<String, Object>> events = new ArrayList<>();
        Map<String, List<String>> byGenre = new HashMap<>();
        FILMS.lines().skip(1).forEach(l -> byGenre.computeIfAbsent(l.split(",")[2], g -> new ArrayList<>()).add(l.split(",")[0]));
        long t = Instant.parse("2026-06-01T10:00:00Z").getEpochSecond();
        int n = 0;
        for (String genre : List.of("Sci-Fi", "Romance", "Animation")) {
            List<String> films = byGenre.get(genre);
            for (int u = 0; u < 10; u++) {
                String user = genre.toLowerCase().replace("-", "") + "-fan-" + u;
                for (int k = 0; k < 5; k++) {
                    String film = films.get((u + k * 3) % films.size());
                    events.add(Map.of("eventId", "e" + n++, "userId", user, "itemId", film, "type", "watch",
                            "timestamp", t + n * 60L));
                }
                if (!genre.equals("Sci-Fi")) {
                    events.add(Map.of("eventId", "e" + n++, "userId", user, "itemId", "orbit-9", "type", "watch",
                            "timestamp", t + n * 60L));
                }
            }
        }
        return events;
    }

    @Test
    void personalizedRecommendationsFollowTheUsersTasteAndPopularityCoversNewcomers() throws Exception {
        Api.awaitReady();
        Api.recreate("for-you", "personalized-recommendations", Map.of());
        given().contentType("text/csv").body(FILMS).put("/api/scenarios/for-you/datasets/items").then().statusCode(200);
        List<Map<String, Object>> log = viewingLog();
        given().contentType("application/json").body(Map.of("events", log)).post("/api/scenarios/for-you/events")
                .then().statusCode(200).body("accepted", equalTo(log.size())).body("duplicates", equalTo(0));
        // a retried request is idempotent on eventId
        given().contentType("application/json").body(Map.of("events", log.subList(0, 10))).post("/api/scenarios/for-you/events")
                .then().statusCode(200).body("accepted", equalTo(0)).body("duplicates", equalTo(10));

        // a user who watched two sci-fi films gets sci-fi, never what they have seen, with a reason
        given().contentType("application/json").body(Map.of("events", List.of(
                        Map.of("userId", "newbie", "itemId", "red-dust", "type", "watch"),
                        Map.of("userId", "newbie", "itemId", "neon-circuit", "type", "watch"))))
                .post("/api/scenarios/for-you/events").then().statusCode(200).body("accepted", equalTo(2));
        JsonPath out = awaitModel("for-you", "newbie", 5);
        assertEquals("personalized", out.getString("strategy"), out.prettify());
        List<String> ids = out.getList("items.id", String.class);
        assertEquals(5, ids.size(), out.prettify());
        assertTrue(ids.stream().allMatch(id -> GENRE.get(id).equals("Sci-Fi")), "sci-fi for a sci-fi viewer: " + ids);
        assertTrue(!ids.contains("red-dust") && !ids.contains("neon-circuit"), "seen films are left out: " + ids);
        assertTrue(out.getString("items[0].reason").matches("Because you watched (Red Dust Colony|Neon Circuit)"),
                out.getString("items[0].reason"));

        // an unknown user gets the most popular film first
        Api.invoke("for-you", Map.of("userId", "stranger", "topK", 3)).then().statusCode(200)
                .body("strategy", equalTo("popular")).body("items[0].id", equalTo("orbit-9")).body("items", hasSize(3));
        // popular within a category
        Api.invoke("for-you", Map.of("userId", "stranger", "topK", 3, "category", "Romance")).then().statusCode(200)
                .body("items.id", everyItem(org.hamcrest.Matchers.in(List.of("paris-letters", "summer-vows",
                        "second-chance", "rainy-kiss", "harbor-hearts", "moonlit-waltz", "wedding-crash", "starlight-diary"))));

        // one inflated event cannot buy an item the top of everybody's list; events from the future are refused
        given().contentType("application/json").body(Map.of("userId", "spammer", "itemId", "paper-fox", "weight", 1_000_000))
                .post("/api/scenarios/for-you/events").then().statusCode(200);
        given().contentType("application/json").body(Map.of("userId", "x", "itemId", "orbit-9", "timestamp", "9999-12-31T00:00:00Z"))
                .post("/api/scenarios/for-you/events").then().statusCode(422).body("errors[0].field", equalTo("timestamp"));
        awaitModel("for-you", "stranger", 3);
        Api.invoke("for-you", Map.of("userId", "stranger", "topK", 3)).then().statusCode(200)
                .body("items[0].id", equalTo("orbit-9"));

        // a broken event: nothing of the request is stored, and the field is named
        long before = given().get("/api/scenarios/for-you/events").then().statusCode(200).extract().jsonPath().getLong("events");
        given().contentType("application/json").body(Map.of("events", List.of(
                        Map.of("userId", "x", "itemId", "orbit-9"), Map.of("itemId", "orbit-9"))))
                .post("/api/scenarios/for-you/events").then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("events[1].userId"));
        given().get("/api/scenarios/for-you/events").then().statusCode(200).body("events", equalTo((int) before));

        // events for a scenario that does not learn from them
        Api.recreate("not-a-recommender", "text-embedding", Map.of());
        given().contentType("application/json").body(Map.of("userId", "x", "itemId", "y"))
                .post("/api/scenarios/not-a-recommender/events").then().statusCode(422);
    }

    /** Calls until the model has learned the newest events (it rebuilds in the background), at most 10 s. */
    static JsonPath awaitModel(String scenario, String user, int topK) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            JsonPath status = given().get("/api/scenarios/" + scenario + "/events").then().statusCode(200).extract().jsonPath();
            if (status.getLong("model.revision") == status.getLong("revision") || System.currentTimeMillis() > deadline) {
                return Api.invoke(scenario, Map.of("userId", user, "topK", topK)).then().statusCode(200).extract().jsonPath();
            }
            Thread.sleep(100);
        }
    }
}
