package dev.aifunc.usage;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Records every invoke call without a database write on the request path: {@link #record} only puts the record into
 * a bounded in-memory buffer; a background thread writes the buffer to {@code invoke_usage} in batches every
 * {@code aifunc.usage.flush-interval}, and a graceful shutdown writes what is left. When the database is away the
 * records stay buffered and are written once it is back; only when the buffer is full are new records dropped; those
 * and the records the database refuses as data (too long, invalid) are counted in {@link #dropped()}.
 */
@ApplicationScoped
public class UsageRecorder {

    private static final Logger LOG = Logger.getLogger(UsageRecorder.class);

    /**
     * One call.
     *
     * @param scenarioId the scenario called
     * @param version    the version that answered, or null when none did (unknown scenario, refused input)
     * @param status     HTTP status of the answer
     * @param millis     time from request to response in the service, ms
     * @param inputBytes size of the request body, bytes
     * @param apiKey     id of the API key used, or null
     * @param at         when the call arrived
     */
    public record Call(String scenarioId, Integer version, int status, double millis, long inputBytes, String apiKey,
                       Instant at) {
    }

    private final AgroalDataSource dataSource;
    private final UsageConfig config;
    private final BlockingQueue<Call> buffer;
    private final AtomicLong dropped = new AtomicLong();
    private ScheduledExecutorService flusher;
    private volatile boolean failing;

    public UsageRecorder(AgroalDataSource dataSource, UsageConfig config) {
        this.dataSource = dataSource;
        this.config = config;
        this.buffer = new ArrayBlockingQueue<>(config.bufferSize());
    }

    void start(@Observes StartupEvent event) {
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aifunc-usage-flush");
            t.setDaemon(true);
            return t;
        });
        long every = config.flushInterval().toMillis();
        flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (flusher != null) {
            flusher.shutdown();
            try {
                flusher.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flushQuietly();
        if (!buffer.isEmpty() || dropped.get() > 0) { // both are normally 0
            LOG.warnf("usage: %d records could not be written at shutdown; %d were dropped since the start (buffer full, "
                    + "or refused by the database)",
                    buffer.size(), dropped.get());
        }
    }

    /** Buffers one call; never blocks and never touches the database. */
    public void record(Call call) {
        if (call.scenarioId() != null && call.scenarioId().indexOf('\u0000') >= 0) {
            call = new Call(call.scenarioId().replace('\u0000', '?'), call.version(), call.status(), call.millis(),
                    call.inputBytes(), call.apiKey(), call.at());
        }
        if (!buffer.offer(call)) {
            dropped.incrementAndGet();
        }
    }

    /**
     * Writes every buffered record now (tests and shutdown; the background thread does the same every interval).
     *
     * @return records written
     * @throws SQLException when the database refuses; the records not yet written stay buffered
     */
    public synchronized int flush() throws SQLException {
        int total = 0;
        List<Call> batch = new ArrayList<>(config.batchSize());
        while (true) {
            batch.clear();
            buffer.drainTo(batch, config.batchSize());
            if (batch.isEmpty()) {
                return total;
            }
            try {
                insert(batch);
                total += batch.size();
            } catch (SQLException e) {
                if (!isDataError(e)) {
                    requeue(batch); // the database is away: keep everything for the next flush
                    throw e;
                }
                total += insertOneByOne(batch); // one bad record must not hold back the others
            }
        }
    }

    /** Writes records one at a time, dropping (and logging) only those the database refuses as data. */
    private int insertOneByOne(List<Call> batch) throws SQLException {
        int ok = 0;
        for (int i = 0; i < batch.size(); i++) {
            try {
                insert(List.of(batch.get(i)));
                ok++;
            } catch (SQLException e) {
                if (!isDataError(e)) {
                    requeue(batch.subList(i, batch.size()));
                    throw e;
                }
                dropped.incrementAndGet();
                LOG.warnf("usage: a record of scenario '%s' was refused by the database and dropped: %s",
                        printable(batch.get(i).scenarioId()), e.getMessage());
            }
        }
        return ok;
    }

    /** SQLSTATE class 22 (data exception) or 23 (integrity): the record, not the connection, is at fault. */
    private static boolean isDataError(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }

    /** Records waiting in memory. */
    public int buffered() {
        return buffer.size();
    }

    /** Records dropped since the start: the buffer was full, or the database refused the record as data. */
    public long dropped() {
        return dropped.get();
    }

    private void flushQuietly() {
        try {
            flush();
            if (failing) {
                failing = false;
                LOG.info("usage: records are written again");
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) { // once per outage, not every second
                failing = true;
                LOG.warnf("usage: records cannot be written now (%s); %d wait in memory and are written once the "
                        + "database answers", e.getMessage(), buffer.size());
            }
        }
    }

    private void requeue(List<Call> batch) {
        // the order of records is irrelevant: each carries its own time
        for (Call c : batch) {
            if (!buffer.offer(c)) {
                dropped.incrementAndGet();
            }
        }
    }

    private void insert(List<Call> batch) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO invoke_usage "
                     + "(scenario_id, version, status, millis, input_bytes, api_key, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Call call : batch) {
                ps.setString(1, call.scenarioId());
                if (call.version() == null) {
                    ps.setNull(2, Types.INTEGER);
                } else {
                    ps.setInt(2, call.version());
                }
                ps.setShort(3, (short) call.status());
                ps.setFloat(4, (float) call.millis());
                ps.setLong(5, call.inputBytes());
                ps.setString(6, call.apiKey());
                ps.setTimestamp(7, Timestamp.from(call.at()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
