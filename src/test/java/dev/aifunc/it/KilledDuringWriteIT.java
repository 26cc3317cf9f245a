package dev.aifunc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.PackagedService;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A replica killed with SIGKILL in the middle of writes leaves whole versions, never a mix. Replica B (pointed at
 * replica A's PostgreSQL, as on Kubernetes) takes scenario saves from four clients at once and is killed while some
 * are in flight; then, read through A: the versions are numbered without gaps, each one is whole (every FAQ answer
 * carries the token of the save that made it), every save that was answered 200 is there with the version it was
 * told, a save that got no answer is there whole or not at all, the audit log has one entry per saved version, and
 * the scenario answers with its newest version. A catalogue upload killed half-way leaves the old catalogue or the
 * new one, not part of it. A restarted B serves the same answers and saves again.
 */
class KilledDuringWriteIT {

    private static final String ID = "killed-faq";
    private static final int ENTRIES = 40;

    @Test
    void aReplicaKilledDuringWritesLeavesWholeVersions() throws Exception {
        Path data = Files.createTempDirectory("aifunc-it-killed");
        int portA = PackagedService.freePort();
        int portB = PackagedService.freePort();
        int dbPort = PackagedService.freePort();
        Process a = PackagedService.start(portA, Map.of("AIFUNC_EMBEDDED_DB_DATA_DIR", data.resolve("postgres").toString(),
                "AIFUNC_EMBEDDED_DB_PORT", String.valueOf(dbPort)));
        Process b = null;
        try {
            PackagedService.awaitReady(portA, a);
            PackagedService.api(portA).contentType("application/json")
                    .body(Map.of("id", ID, "template", "faq-matching", "name", "first", "config", faq("first")))
                    .post("/api/scenarios").then().statusCode(201);
            PackagedService.api(portA).contentType("application/json")
                    .body(Map.of("id", "killed-catalogue", "template", "similar-items", "name", "catalogue"))
                    .post("/api/scenarios").then().statusCode(201);
            PackagedService.api(portA).contentType("application/x-ndjson").body(catalogue("old", 25).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .put("/api/scenarios/killed-catalogue/datasets/items").then().statusCode(200);

            b = startB(portB, dbPort);
            Saves saves = saveUntilKilled(portB, b);
            System.out.printf("KilledDuringWriteIT: B killed with %d saves answered and %d in flight%n",
                    saves.acked.size(), saves.inFlight().size());
            assertTrue(!saves.inFlight().isEmpty(), "no save was in flight when B was killed");
            checkWhole(portA, saves);

            // a catalogue upload (3,000 items, embedded before it is stored) killed half-way
            b = startB(portB, dbPort);
            Process killed = b;
            Thread upload = new Thread(() -> {
                try {
                    PackagedService.api(portB).contentType("application/x-ndjson").body(catalogue("new", 3000).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .put("/api/scenarios/killed-catalogue/datasets/items");
                } catch (Exception cutOff) {
                    // B died under it
                }
            });
            upload.start();
            String phase = awaitStoring(portB);
            killed.destroyForcibly();
            killed.waitFor(30, TimeUnit.SECONDS);
            upload.join(30_000);
            int rows = PackagedService.api(portA).get("/api/scenarios/killed-catalogue/datasets/items").then()
                    .statusCode(200).extract().path("rows");
            assertTrue(rows == 25 || rows == 3000, "a catalogue of " + rows + " rows: neither the old nor the new one");
            String prefix = rows == 25 ? "old" : "new";
            Response similar = PackagedService.api(portA).contentType("application/json")
                    .body(Map.of("itemId", prefix + "-7", "topK", 5)).post("/api/scenarios/killed-catalogue/invoke");
            similar.then().statusCode(200);
            for (String item : similar.jsonPath().<String>getList("items.id")) {
                assertTrue(item.startsWith(prefix + "-"), item + " is not in the stored " + prefix + " catalogue");
            }
            System.out.printf("KilledDuringWriteIT: catalogue upload killed while %s; the %s catalogue (%d rows) is "
                    + "served%n", phase, prefix, rows);

            // B again: the same answers, and it saves on top of the last whole version
            b = startB(portB, dbPort);
            int latest = PackagedService.api(portA).get("/api/scenarios/" + ID).then().extract().path("version");
            String token = PackagedService.api(portA).get("/api/scenarios/" + ID).then().extract().path("name");
            assertEquals(answer(portA), answer(portB));
            assertTrue(answer(portB).startsWith(token), "B answers " + answer(portB) + ", not version " + latest);
            PackagedService.api(portB).contentType("application/json")
                    .body(Map.of("name", "after", "config", faq("after"))).put("/api/scenarios/" + ID)
                    .then().statusCode(200).body("version", org.hamcrest.Matchers.equalTo(latest + 1));
        } finally {
            if (b != null && b.isAlive()) {
                PackagedService.stop(b);
            }
            PackagedService.stop(a);
        }
    }

    /** What the clients sent: token → version for the saves answered 200, and every token sent. */
    private record Saves(Map<String, Integer> acked, Set<String> sent, Set<String> refused) {
        Set<String> inFlight() {
            Set<String> left = new HashSet<>(sent);
            left.removeAll(acked.keySet());
            left.removeAll(refused);
            return left;
        }
    }

    /**
     * Ten saves on B one after the other, then four clients save new versions on B without pause; B is SIGKILLed
     * 3–5 s after they start.
     */
    private static Saves saveUntilKilled(int portB, Process b) throws Exception {
        Map<String, Integer> acked = new ConcurrentHashMap<>();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        AtomicBoolean dead = new AtomicBoolean();
        for (int i = 0; i < 10; i++) { // warm: saves at their usual speed, so that many are in flight at the kill
            String token = UUID.randomUUID().toString();
            sent.add(token);
            acked.put(token, PackagedService.api(portB).contentType("application/json")
                    .body(Map.of("name", token, "config", faq(token))).put("/api/scenarios/" + ID)
                    .then().statusCode(200).extract().path("version"));
        }
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int c = 0; c < 4; c++) {
            clients.submit(() -> {
                while (!dead.get()) {
                    String token = UUID.randomUUID().toString();
                    sent.add(token);
                    try {
                        Response r = PackagedService.api(portB).contentType("application/json")
                                .body(Map.of("name", token, "config", faq(token))).put("/api/scenarios/" + ID);
                        if (r.statusCode() == 200) {
                            acked.put(token, r.jsonPath().getInt("version"));
                        } else {
                            refused.add(token); // told it failed: nothing must be stored
                        }
                    } catch (Exception connectionLost) {
                        if (connectionLost instanceof java.net.ConnectException) {
                            sent.remove(token); // started after the kill: it never reached B
                        }
                        return; // otherwise B died under it: in flight, answered neither way
                    }
                }
            });
        }
        long start = System.nanoTime();
        Thread.sleep(3000 + new java.util.Random().nextInt(2000));
        b.destroyForcibly(); // SIGKILL
        System.out.printf("KilledDuringWriteIT: SIGKILL %.1f s after four clients started saving%n",
                (System.nanoTime() - start) / 1e9);
        dead.set(true);
        b.waitFor(30, TimeUnit.SECONDS);
        clients.shutdown();
        assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS), "the clients did not notice B's death");
        return new Saves(acked, sent, refused);
    }

    private static void checkWhole(int portA, Saves saves) {
        List<Map<String, Object>> versions = PackagedService.api(portA).get("/api/scenarios/" + ID + "/versions")
                .then().statusCode(200).extract().path("");
        int latest = versions.size();
        JsonPath scenario = PackagedService.api(portA).get("/api/scenarios/" + ID).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(latest, scenario.getInt("latestVersion"), "latest version against the versions stored");
        assertEquals(latest, scenario.getInt("version"), "the active version is the newest save");
        Map<String, Integer> stored = new HashMap<>();
        Set<Integer> numbers = new HashSet<>();
        for (Map<String, Object> v : versions) {
            int number = (Integer) v.get("version");
            numbers.add(number);
            String token = (String) v.get("name");
            @SuppressWarnings("unchecked")
            List<Map<String, String>> entries = (List<Map<String, String>>) ((Map<String, Object>) v.get("config")).get("faq");
            assertEquals(ENTRIES, entries.size(), "version " + number + " has " + entries.size() + " entries");
            for (Map<String, String> e : entries) {
                assertTrue(e.get("answer").startsWith(token), "version " + number + " mixes saves: " + e);
            }
            if (number > 1) {
                assertTrue(saves.sent.contains(token), "version " + number + " was saved by no client");
                assertTrue(stored.put(token, number) == null, "save " + token + " stored twice");
            }
        }
        for (int n = 1; n <= latest; n++) {
            assertTrue(numbers.contains(n), "version " + n + " missing among " + numbers);
        }
        saves.acked.forEach((token, version) -> assertEquals(version, stored.get(token),
                "save " + token + " was answered 200 with version " + version));
        for (String token : saves.refused) {
            assertTrue(!stored.containsKey(token), "a refused save was stored");
        }
        List<Integer> audited = PackagedService.api(portA).queryParam("limit", 1000).get("/api/scenarios/" + ID + "/audit")
                .then().statusCode(200).extract().jsonPath().getList("findAll { it.action == 'scenario.update' }.version");
        assertEquals(latest - 1, audited.size(), "one audit entry per saved version: " + audited);
        assertEquals(new HashSet<>(audited).size(), audited.size(), "an audited version twice: " + audited);
        String token = scenario.getString("name");
        assertTrue(answer(portA).startsWith(token), "A answers " + answer(portA) + ", not version " + latest);
        System.out.printf("KilledDuringWriteIT: %d whole versions stored (%d answered, %d of the %d in flight kept)%n",
                latest, saves.acked.size(), stored.size() - saves.acked.size(), saves.inFlight().size());
    }

    private static Process startB(int portB, int dbPort) throws Exception {
        Process b = PackagedService.start(portB, Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres",
                "QUARKUS_DATASOURCE_USERNAME", "postgres", "QUARKUS_DATASOURCE_PASSWORD", "postgres"));
        PackagedService.awaitReady(portB, b);
        return b;
    }

    /**
     * Polls B's upload progress until the rows are being stored (inside the replacing transaction), or the upload
     * is past that; returns what the last poll said (e.g. {@code storing 1200/3000}).
     */
    private static String awaitStoring(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        String last = "not started";
        while (System.nanoTime() < deadline) {
            try {
                JsonPath p = PackagedService.api(port).get("/api/scenarios/killed-catalogue/datasets/items/progress")
                        .then().extract().jsonPath();
                if (p.getBoolean("running")) {
                    last = p.getString("phase") + " " + p.getString("rowsStored") + "/" + p.getString("rowsRead");
                    if (!"reading".equals(p.getString("phase"))) {
                        return last;
                    }
                } else if (!"not started".equals(last)) {
                    return "finished";
                }
            } catch (Exception busy) {
                // B busy
            }
            Thread.sleep(2);
        }
        throw new AssertionError("the catalogue upload never got to storing on B (last: " + last + ")");
    }

    /** The FAQ answer to question 7 on {@code port}. */
    private static String answer(int port) {
        return PackagedService.api(port).contentType("application/json")
                .body(Map.of("question", "How do I do task number 7?")).post("/api/scenarios/" + ID + "/invoke")
                .then().statusCode(200).extract().path("match.answer");
    }

    /** {@value #ENTRIES} FAQ entries whose answers all start with {@code token}. */
    private static Map<String, Object> faq(String token) {
        List<Map<String, String>> entries = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            entries.add(Map.of("question", "How do I do task number " + i + "?", "answer", token + ": task " + i
                    + " is done in the settings page, section " + i + "."));
        }
        return Map.of("language", "en", "faq", entries);
    }

    private static String catalogue(String prefix, int n) {
        StringBuilder items = new StringBuilder();
        String[] words = "amber basil cedar delta ember fjord glade harbor indigo jasper".split(" ");
        for (int i = 0; i < n; i++) {
            items.append("{\"id\":\"").append(prefix).append('-').append(i).append("\",\"title\":\"")
                    .append(words[i % words.length]).append(' ').append(words[(i / 10) % words.length]).append(' ')
                    .append(i).append("\"}\n");
        }
        return items.toString();
    }
}
