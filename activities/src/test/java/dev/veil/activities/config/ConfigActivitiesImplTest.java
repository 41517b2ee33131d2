package dev.veil.activities.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.spec.PipelineSpec;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigActivitiesImplTest {

  @TempDir Path dir;

  private TestActivityEnvironment environment;

  @AfterEach
  void closeEnvironment() {
    if (environment != null) {
      environment.close();
    }
  }

  @Test
  void fetchPipelineReturnsTheValidatedSpecWithItsVersion() throws IOException {
    Files.writeString(dir.resolve("nightly.yaml"),
        "source: {connection: prod}\ntarget: {connection: twin}\n");

    PipelineSpec spec = activities().fetchPipeline("nightly");

    assertEquals("nightly", spec.id());
    assertTrue(spec.version().matches("[0-9a-f]{12}"), spec.version());
  }

  @Test
  void missingPipelineIsANonRetryablePipelineNotFound() {
    ApplicationFailure failure =
        assertThrows(ApplicationFailure.class, () -> activities().fetchPipeline("nightly"));

    assertEquals(FailureTypes.PIPELINE_NOT_FOUND, failure.getType());
    assertTrue(failure.isNonRetryable());
    assertEquals("no pipeline 'nightly' in folder " + dir, failure.getOriginalMessage());
  }

  @Test
  void invalidPipelineIsANonRetryableInvalidSpecListingEveryProblem() throws IOException {
    Files.writeString(dir.resolve("nightly.yaml"),
        "maxActiveTasks: 0\nsource: {connection: prod}\nrules:\n  users.email: {rule: email}\n");

    ApplicationFailure failure =
        assertThrows(ApplicationFailure.class, () -> activities().fetchPipeline("nightly"));

    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(failure.isNonRetryable());
    assertEquals("invalid pipeline nightly: maxActiveTasks: must be between 1 and 64;"
        + " target: required;"
        + " rules.users.email: key must be schema.table.column (three plain identifiers)",
        failure.getOriginalMessage());
    assertEquals(3, failure.getDetails().get(0, List.class).size());
  }

  @Test
  void specFromASourceThatDoesNotValidateIsValidatedAnyway() {
    PipelineSpec unchecked = SpecLoader.parse(
        "id: nightly\nsource: {connection: prod}\ntarget: {connection: prod}\n", SpecFormat.YAML);
    PipelineSource lenient = new PipelineSource() {
      @Override
      public List<String> ids() {
        return List.of("nightly");
      }

      @Override
      public Optional<PipelineSpec> find(String pipelineId) {
        return Optional.of(unchecked);
      }
    };

    ApplicationFailure failure = assertThrows(ApplicationFailure.class,
        () -> new ConfigActivitiesImpl(lenient).fetchPipeline("nightly"));

    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("target.connection: would overwrite the source"),
        failure.getOriginalMessage());
  }

  @Test
  void failureTypeReachesTheCallerThroughTemporal() throws IOException {
    Files.writeString(dir.resolve("nightly.yaml"), "source: {connection: prod}\n");
    environment = TestActivityEnvironment.newInstance();
    environment.registerActivitiesImplementations(activities());
    ConfigActivities stub = environment.newActivityStub(ConfigActivities.class);

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> stub.fetchPipeline("nightly"));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, cause.getType());
    assertTrue(cause.isNonRetryable());
    assertEquals("invalid pipeline nightly: target: required", cause.getOriginalMessage());
  }

  private ConfigActivitiesImpl activities() {
    return new ConfigActivitiesImpl(new LocalFolderPipelineSource(dir));
  }
}
