package dev.aifunc.dataset;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Dataset upload limits ({@code aifunc.datasets.*}). */
@ConfigMapping(prefix = "aifunc.datasets")
public interface DatasetsConfig {

    /** Most rows one dataset may hold. */
    @WithDefault("100000")
    int maxRows();

    /** Longest cell, in characters. */
    @WithDefault("10000")
    int maxCellChars();

    /** Most row errors reported in one 422 response. */
    @WithDefault("50")
    int maxReportedErrors();
}
