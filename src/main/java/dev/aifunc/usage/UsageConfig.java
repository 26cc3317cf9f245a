package dev.aifunc.usage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code aifunc.usage.*}: how invoke calls are recorded. */
@ConfigMapping(prefix = "aifunc.usage")
public interface UsageConfig {

    /** How often buffered records are written to PostgreSQL. */
    @WithDefault("1s")
    Duration flushInterval();

    /** Most records kept in memory between flushes; beyond it new records are counted as dropped, not queued. */
    @WithDefault("200000")
    int bufferSize();

    /** Rows per INSERT batch. */
    @WithDefault("1000")
    int batchSize();
}
