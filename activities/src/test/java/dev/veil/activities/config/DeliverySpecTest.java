package dev.veil.activities.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.workflows.spec.DeliverySpec;
import dev.veil.workflows.spec.PipelineSpec;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code target.delivery} as users write it: accepted with defaults, or refused by field. */
class DeliverySpecTest {

  private static final String HEAD = "id: shop\nsource: {connection: prod, schemas: [public]}\n";

  @Test
  void aDeliveryToS3WithANamedStorageIsValidAndDefaultsToZstdParquetKeepingFive() {
    PipelineSpec spec = SpecLoader.parseValid(HEAD
        + "target:\n  delivery: {to: 's3://analytics-drop/veil', storage: minio}\n",
        SpecFormat.YAML);
    DeliverySpec delivery = spec.target().delivery();
    assertEquals(DeliverySpec.DeliveryFormat.parquet, delivery.effectiveFormat());
    assertEquals(DeliverySpec.DeliveryCompression.zstd, delivery.effectiveCompression());
    assertEquals(5, delivery.effectiveKeep());
    assertEquals(null, spec.target().connection());
  }

  @Test
  void aDeliveryToAFolderNeedsNoStorage() {
    PipelineSpec spec = SpecLoader.parseValid(HEAD + "target:\n  delivery: {to: 'file:///srv/out',"
        + " format: jsonl, compression: gzip, keep: 2}\n", SpecFormat.YAML);
    assertEquals(DeliverySpec.DeliveryFormat.jsonl, spec.target().delivery().format());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("both a twin and a delivery",
            "target: {connection: twin, delivery: {to: 'file:///srv/out'}}\n",
            "target.connection: not with target.delivery: a target is either a database twin"
                + " (target.connection) or a delivery of files (target.delivery), never both;"
                + " remove one"),
        Arguments.of("s3 without a storage", "target: {delivery: {to: 's3://bucket/p'}}\n",
            "target.delivery.storage: required for s3://: the name of a storage configured on"
                + " the agent (endpoint, region, credentials; never in the spec)"),
        Arguments.of("credentials in the URL",
            "target: {delivery: {to: 's3://AKIAX:CANARYSECRET@bucket/p', storage: s}}\n",
            "target.delivery.to: must not carry credentials, a query or a fragment: credentials"
                + " belong to the storage configured on the agent (target.delivery.storage)"),
        Arguments.of("another scheme", "target: {delivery: {to: 'https://x.example/p'}}\n",
            "target.delivery.to: expected s3://bucket/prefix or file:///absolute/path"),
        Arguments.of("a relative folder", "target: {delivery: {to: 'file:out'}}\n",
            "target.delivery.to: file:// needs an absolute path without .. segments:"
                + " file:///srv/deliveries"),
        Arguments.of("no to", "target: {delivery: {format: csv}}\n",
            "target.delivery.to: required: s3://bucket/prefix or file:///absolute/path"),
        Arguments.of("unknown format", "target: {delivery: {to: 'file:///o', format: xlsx}}\n",
            "target.delivery.format: expected one of parquet, csv, jsonl"),
        Arguments.of("unknown compression",
            "target: {delivery: {to: 'file:///o', compression: lz4}}\n",
            "target.delivery.compression: expected one of zstd, gzip, none"),
        Arguments.of("keep zero", "target: {delivery: {to: 'file:///o', keep: 0}}\n",
            "target.delivery.keep: must be between 1 and 1000"),
        Arguments.of("a twin setting on a delivery",
            "target: {keepPrevious: true, delivery: {to: 'file:///o'}}\n",
            "target: keepPrevious, keepOwnership, swapWaitSeconds, terminateSessions and schema"
                + " are settings of a database twin, not of target.delivery; remove them"),
        Arguments.of("unknown delivery field",
            "target: {delivery: {to: 'file:///o', bucket: b}}\n",
            "target.delivery.bucket: unknown field (allowed: to, format, compression, keep,"
                + " storage)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void aBadDeliveryIsRefusedNamingTheField(String name, String target, String expected) {
    List<String> problems = SpecValidatorTest.problemsOf(HEAD + target);
    assertTrue(problems.contains(expected), () -> "expected <" + expected + "> in " + problems);
    for (String problem : problems) {
      assertFalse(problem.contains("CANARYSECRET"), problem);
    }
  }
}
