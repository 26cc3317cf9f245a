package dev.aifunc.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Strict, bounded JSON reading for every request body: at most {@value #MAX_NESTING_DEPTH} levels of nesting
 * (a nesting bomb gets 400 before it costs anything), well-formed UTF-8 only ({@link StrictUtf8}), duplicate keys
 * and trailing garbage rejected, unknown properties of admin request bodies rejected.
 */
@Singleton
public class JsonLimits implements ObjectMapperCustomizer {

    /** Deepest nesting of arrays and objects accepted in a request body. */
    public static final int MAX_NESTING_DEPTH = 64;

    /** Longest JSON string: a 20 MiB image in base64 (4 characters per 3 bytes) fits. */
    public static final int MAX_STRING_CHARS = 32 * 1024 * 1024;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_CHARS).build());
        mapper.getFactory().setInputDecorator(StrictUtf8.forJson());
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
