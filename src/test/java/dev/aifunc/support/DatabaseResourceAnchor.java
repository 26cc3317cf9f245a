package dev.aifunc.support;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers {@link PostgresResource} for every {@code @QuarkusTest} in the suite (one database per run). */
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
public class DatabaseResourceAnchor {
}
