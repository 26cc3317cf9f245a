import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Offline evaluation of the recommendation templates on MovieLens latest-small (exported by bench/movielens.sh),
 * through a running aifunc. Protocol: per user, ratings in time order, the last 20% held out; held-out ratings >= 4
 * are the relevant items; everything in the first 80% is sent as events and never recommended. Prints recall@10 and
 * NDCG@10 (binary relevance, log2 discount) for popularity, each personalized configuration, and similar-items used
 * item-to-item (sum of similarities to the user's five most recent liked films).
 * Usage: java MovieLensEval.java <port> <movielens.tsv>
 */
public class MovieLensEval {

    record Rating(String user, String item, double rating, long ts) {
    }

    static final int K = 10;
    static HttpClient http = HttpClient.newHttpClient();
    static String base;

    public static void main(String[] args) throws Exception {
        base = "http://localhost:" + args[0];
        List<String> lines = Files.readAllLines(Path.of(args[1]));
        List<String> header = List.of(lines.get(0).split("\t"));
        int cUser = header.indexOf("userId"), cItem = header.indexOf("movieId"), cTitle = header.indexOf("title"),
                cYear = header.indexOf("year"), cGenres = header.indexOf("genres"), cRating = header.indexOf("rating"),
                cTs = header.indexOf("timestamp");
        Map<String, List<Rating>> byUser = new LinkedHashMap<>();
        Map<String, String[]> movies = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split("\t", -1);
            byUser.computeIfAbsent(c[cUser], u -> new ArrayList<>())
                    .add(new Rating(c[cUser], c[cItem], Double.parseDouble(c[cRating]), Long.parseLong(c[cTs])));
            String title = c[cTitle].isBlank() ? "Movie " + c[cItem] : c[cTitle]; // a few titles are missing in the export
            movies.putIfAbsent(c[cItem], new String[] {title, c[cYear], c[cGenres]});
        }
        List<Rating> train = new ArrayList<>();
        Map<String, Set<String>> relevant = new HashMap<>();
        Map<String, Set<String>> seen = new HashMap<>();
        Map<String, List<String>> recentLiked = new HashMap<>();
        for (var e : byUser.entrySet()) {
            List<Rating> rs = e.getValue();
            rs.sort(Comparator.comparingLong(Rating::ts));
            int cut = (int) Math.ceil(rs.size() * 0.8);
            train.addAll(rs.subList(0, cut));
            Set<String> rel = new HashSet<>();
            rs.subList(cut, rs.size()).stream().filter(r -> r.rating() >= 4).forEach(r -> rel.add(r.item()));
            relevant.put(e.getKey(), rel);
            Set<String> s = new HashSet<>();
            rs.subList(0, cut).forEach(r -> s.add(r.item()));
            seen.put(e.getKey(), s);
            List<String> liked = new ArrayList<>();
            for (int i = cut - 1; i >= 0 && liked.size() < 5; i--) {
                if (rs.get(i).rating() >= 4) {
                    liked.add(rs.get(i).item());
                }
            }
            recentLiked.put(e.getKey(), liked);
        }
        List<String> users = byUser.keySet().stream().filter(u -> !relevant.get(u).isEmpty()).toList();
        System.out.printf(Locale.ROOT, "MovieLens latest-small: %d ratings, %d users, %d films; %d train ratings; "
                        + "%d users with held-out positives (rating >= 4)%n",
                lines.size() - 1, byUser.size(), movies.size(), train.size(), users.size());

        // popularity over the training positives, the user's own films left out
        Map<String, Integer> count = new HashMap<>();
        train.stream().filter(r -> r.rating() >= 4).forEach(r -> count.merge(r.item(), 1, Integer::sum));
        List<String> popular = count.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).map(Map.Entry::getKey).toList();
        Map<String, List<String>> popularLists = new HashMap<>();
        for (String u : users) {
            popularLists.put(u, popular.stream().filter(i -> !seen.get(u).contains(i)).limit(K).toList());
        }
        double[] pop = score(users, popularLists, relevant);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"popularity (baseline)", fmt(pop[0]), fmt(pop[1]), "1.00"});

        // the catalogue as JSON Lines
        StringBuilder items = new StringBuilder();
        for (var m : movies.entrySet()) {
            String[] genres = m.getValue()[2].split("\\|");
            items.append("{\"id\":").append(q(m.getKey())).append(",\"title\":").append(q(m.getValue()[0]))
                    .append(",\"category\":").append(q(genres[0])).append(",\"description\":")
                    .append(q("Genres: " + String.join(", ", genres) + ". Released " + m.getValue()[1] + "."))
                    .append("}\n");
        }
        StringBuilder events = new StringBuilder();
        for (Rating r : train) {
            events.append("{\"userId\":").append(q(r.user())).append(",\"itemId\":").append(q(r.item()))
                    .append(",\"type\":\"rating\",\"weight\":").append(r.rating()).append(",\"timestamp\":").append(r.ts())
                    .append("}\n");
        }

        // MovieLens ratings are 0.5-5 stars: minWeight 4 makes ratings of 4 and more the positives, as in the protocol
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("template defaults (EASE, history 30)", "{\"minWeight\": 4}");
        configs.put("EASE, no history decay", "{\"minWeight\": 4, \"historyHalfLife\": 0}");
        configs.put("EASE, l2 200, 500 neighbours", "{\"minWeight\": 4, \"l2\": 200, \"neighbors\": 500}");
        configs.put("cosine item-item", "{\"minWeight\": 4, \"similarity\": \"cosine\", \"historyHalfLife\": 0}");
        configs.put("cosine, normalized, history 20", "{\"minWeight\": 4, \"similarity\": \"cosine\", \"normalizeSimilarities\": true, \"historyHalfLife\": 20}");
        configs.put("rp3beta 0.3, history 20", "{\"minWeight\": 4, \"similarity\": \"rp3beta\", \"popularityPenalty\": 0.3, \"historyHalfLife\": 20}");
        int n = 0;
        for (var c : configs.entrySet()) {
            String id = "ml-personal-" + n++;
            send("DELETE", "/api/scenarios/" + id, null, null);
            send("POST", "/api/scenarios", "application/json", "{\"id\":\"" + id + "\",\"template\":\"personalized-recommendations\","
                    + "\"name\":\"MovieLens\",\"config\":" + c.getValue() + "}");
            send("PUT", "/api/scenarios/" + id + "/datasets/items", "application/x-ndjson", items.toString());
            long t0 = System.nanoTime();
            String[] chunks = chunks(events.toString(), 20_000);
            for (String chunk : chunks) {
                send("POST", "/api/scenarios/" + id + "/events", "application/x-ndjson", chunk);
            }
            double appendS = (System.nanoTime() - t0) / 1e9;
            String status;
            long waitStart = System.nanoTime();
            do {
                Thread.sleep(200);
                status = send("GET", "/api/scenarios/" + id + "/events", null, null);
            } while (!modelCurrent(status));
            Map<String, List<String>> lists = new HashMap<>();
            List<Double> latencies = new ArrayList<>();
            for (String u : users) {
                long s = System.nanoTime();
                String out = send("POST", "/api/scenarios/" + id + "/invoke", "application/json",
                        "{\"userId\":" + q(u) + ",\"topK\":" + K + "}");
                latencies.add((System.nanoTime() - s) / 1e6);
                lists.put(u, ids(out));
            }
            double[] m = score(users, lists, relevant);
            rows.add(new String[] {c.getKey(), fmt(m[0]), fmt(m[1]), String.format(Locale.ROOT, "%.2f", m[1] / pop[1])});
            latencies.sort(Double::compare);
            System.out.printf(Locale.ROOT, "  %s: %d events appended in %.1f s, model ready %.1f s later (%s); invoke p50 %.1f ms, p95 %.1f ms%n",
                    c.getKey(), train.size(), appendS, (System.nanoTime() - waitStart) / 1e9, buildInfo(status),
                    latencies.get(latencies.size() / 2), latencies.get((int) (latencies.size() * 0.95)));
        }

        // similar-items as item-to-item recommendation
        send("DELETE", "/api/scenarios/ml-similar", null, null);
        send("POST", "/api/scenarios", "application/json", "{\"id\":\"ml-similar\",\"template\":\"similar-items\",\"name\":\"MovieLens similar\"}");
        long t0 = System.nanoTime();
        send("PUT", "/api/scenarios/ml-similar/datasets/items", "application/x-ndjson", items.toString());
        System.out.printf(Locale.ROOT, "  similar-items: %d films embedded and indexed in %.1f s%n", movies.size(), (System.nanoTime() - t0) / 1e9);
        Map<String, List<String>> lists = new HashMap<>();
        for (String u : users) {
            Map<String, Double> agg = new HashMap<>();
            for (String liked : recentLiked.get(u)) {
                String out = send("POST", "/api/scenarios/ml-similar/invoke", "application/json",
                        "{\"itemId\":" + q(liked) + ",\"topK\":50}");
                List<String> ids = ids(out);
                List<Double> scores = scores(out);
                for (int i = 0; i < ids.size(); i++) {
                    if (!seen.get(u).contains(ids.get(i))) {
                        agg.merge(ids.get(i), scores.get(i), Double::sum);
                    }
                }
            }
            lists.put(u, agg.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .limit(K).map(Map.Entry::getKey).toList());
        }
        double[] sim = score(users, lists, relevant);
        rows.add(new String[] {"similar-items, item-to-item", fmt(sim[0]), fmt(sim[1]), String.format(Locale.ROOT, "%.2f", sim[1] / pop[1])});

        System.out.printf("%n%-40s %10s %10s %14s%n", "method", "recall@10", "NDCG@10", "NDCG / popular");
        for (String[] r : rows) {
            System.out.printf("%-40s %10s %10s %14s%n", r[0], r[1], r[2], r[3]);
        }
    }

    static double[] score(List<String> users, Map<String, List<String>> lists, Map<String, Set<String>> relevant) {
        double recall = 0, ndcg = 0;
        for (String u : users) {
            Set<String> rel = relevant.get(u);
            List<String> list = lists.getOrDefault(u, List.of());
            double dcg = 0, idcg = 0;
            int hits = 0;
            for (int i = 0; i < Math.min(K, list.size()); i++) {
                if (rel.contains(list.get(i))) {
                    hits++;
                    dcg += 1 / (Math.log(i + 2) / Math.log(2));
                }
            }
            for (int i = 0; i < Math.min(K, rel.size()); i++) {
                idcg += 1 / (Math.log(i + 2) / Math.log(2));
            }
            recall += hits / (double) rel.size();
            ndcg += dcg / idcg;
        }
        return new double[] {recall / users.size(), ndcg / users.size()};
    }

    static boolean modelCurrent(String status) {
        Matcher rev = Pattern.compile("\"revision\":(\\d+)").matcher(status);
        List<Long> revs = new ArrayList<>();
        while (rev.find()) {
            revs.add(Long.parseLong(rev.group(1)));
        }
        return revs.size() >= 2 && revs.get(0).equals(revs.get(1)) && !status.contains("\"building\":true");
    }

    static String buildInfo(String status) {
        Matcher m = Pattern.compile("\"buildMillis\":(\\d+)").matcher(status);
        return m.find() ? "learned in " + m.group(1) + " ms" : "?";
    }

    static List<String> ids(String json) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\"id\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    static List<Double> scores(String json) {
        List<Double> s = new ArrayList<>();
        Matcher m = Pattern.compile("\"score\":(-?[0-9.Ee+-]+)").matcher(json);
        while (m.find()) {
            s.add(Double.parseDouble(m.group(1)));
        }
        return s;
    }

    static String[] chunks(String lines, int perChunk) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (String l : lines.split("\n")) {
            b.append(l).append('\n');
            if (++n == perChunk) {
                out.add(b.toString());
                b.setLength(0);
                n = 0;
            }
        }
        if (b.length() > 0) {
            out.add(b.toString());
        }
        return out.toArray(String[]::new);
    }

    static String send(String method, String path, String type, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path));
        if (type != null) {
            r.header("Content-Type", type);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() >= 300 && !(method.equals("DELETE") && res.statusCode() == 404)) {
            throw new IllegalStateException(method + " " + path + " -> " + res.statusCode() + ": "
                    + res.body().substring(0, Math.min(500, res.body().length())));
        }
        return res.body();
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
