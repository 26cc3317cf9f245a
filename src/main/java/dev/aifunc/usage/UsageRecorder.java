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
 * records stay buffered and are written once it is back; only when the buffer is full are new records dropped (and
 * counted in {@link #dropped()}).
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
    private final AtomicLong written = new AtomicLong();
    private ScheduledExecutorService flusher;

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
        if (!buffer.isEmpty() || dropped.get() > 0) {
            LOG.warnf("usage: %d records could not be written at shutdown, %d were dropped while the buffer was full",
                    buffer.size(), dropped.get());
        }
    }

    /** Buffers one call; never blocks and never touches the database. */
    public void record(Call call) {
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
            // peek-then-remove would race with record(); drain into the batch and put it back on failure
            buffer.drainTo(batch, config.batchSize());
            if (batch.isEmpty()) {
                return total;
            }
            try {
                insert(batch);
            } catch (SQLException | RuntimeException e) {
                requeue(batch);
                throw e;
            }
            total += batch.size();
            written.addAndGet(batch.size());
        }
    }

    /** Records waiting in memory. */
    public int buffered() {
        return buffer.size();
    }

    /** Records dropped because the buffer was full, since start. */
    public long dropped() {
        return dropped.get();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("usage: flush postponed (%s); %d records stay buffered", e.getMessage(), buffer.size());
        }
    }

    private void requeue(List<Call> batch) {
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
