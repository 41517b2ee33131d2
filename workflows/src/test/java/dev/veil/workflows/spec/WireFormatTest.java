package dev.veil.workflows.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.veil.workflows.pipeline.PipelineInput;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.run.PipelineRunInput;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Wire records travel in workflow inputs and history between agents of different versions during
 * a rolling upgrade: a field that a newer agent added must not break an older worker decoding it.
 * Decoded here with Temporal's own default data converter, as a worker would.
 */
class WireFormatTest {

  private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

  private static <T> T decode(String json, Class<T> type) {
    Payloads payloads = Payloads.newBuilder()
        .addPayloads(io.temporal.api.common.v1.Payload.newBuilder()
            .putMetadata("encoding",
                com.google.protobuf.ByteString.copyFromUtf8("json/plain"))
            .setData(com.google.protobuf.ByteString.copyFrom(json, StandardCharsets.UTF_8)))
        .build();
    return CONVERTER.fromPayloads(0, Optional.of(payloads), type, type);
  }

  @Test
  void aPipelineInputWhoseSpecCarriesFieldsFromANewerAgentDecodes() {
    PipelineInput input = decode("""
        {"pipelineId": "shop", "futureTopLevel": 1,
         "spec": {"id": "shop", "source": {"connection": "prod", "replicaLag": "5s"},
                  "target": {"connection": "twin", "encryption": {"kms": "x"}},
                  "tables": {"include": ["public.*"], "parallelism": 3},
                  "aNewSection": {"on": true}}}
        """, PipelineInput.class);

    assertEquals("shop", input.pipelineId());
    assertEquals("prod", input.spec().source().connection());
    assertEquals("twin", input.spec().target().connection());
    assertEquals(java.util.List.of("public.*"), input.spec().tables().include());
  }

  @Test
  void aRunInputAndAPlanFromANewerAgentDecode() {
    PipelineRunInput run = decode(
        "{\"pipelineId\":\"shop\",\"spec\":{\"id\":\"shop\",\"verifyLater\":1},\"newFlag\":true}",
        PipelineRunInput.class);
    assertEquals("shop", run.spec().id());
    RunPlan plan = decode("{\"pipelineId\":\"shop\",\"runId\":\"r\",\"twinDatabase\":\"t\","
        + "\"tables\":[{\"sourceSchema\":\"public\",\"name\":\"a\",\"chunks\":[],"
        + "\"columns\":[],\"someNewThing\":2}],\"twin\":{\"keepPrevious\":true,\"x\":1}}",
        RunPlan.class);
    assertEquals("t", plan.twinDatabase());
    assertEquals("a", plan.tables().get(0).name());
    assertNotNull(plan.twin());
  }
}
