package dev.veil.activities.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** What the executor says about a stuck or failed pod, from the pod's status alone. */
class PodStatusReasonsTest {

  @Test
  void pendingReasonNamesImagePullErrorsAndTheScheduler() {
    Pod pulling = new PodBuilder().withNewStatus().withPhase("Pending")
        .addNewContainerStatus().withName("veil").withNewState().withNewWaiting()
        .withReason("ImagePullBackOff").withMessage("Back-off pulling image \"veil:nope\"")
        .endWaiting().endState().endContainerStatus()
        .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
        .endStatus().build();
    assertEquals("ImagePullBackOff: Back-off pulling image \"veil:nope\"",
        PodStatuses.pendingReason(pulling));

    Pod unschedulable = new PodBuilder().withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withMessage("0/3 nodes are available").endCondition()
        .endStatus().build();
    assertEquals("Unschedulable: 0/3 nodes are available",
        PodStatuses.pendingReason(unschedulable));
    assertFalse(PodStatuses.isTerminal(unschedulable));
  }

  @Test
  void failureReasonNamesOomKillAndDeadline() {
    Pod oom = new PodBuilder().withNewStatus().withPhase("Failed")
        .addNewContainerStatus().withName("veil").withNewState().withNewTerminated()
        .withReason("OOMKilled").withExitCode(137).endTerminated().endState().endContainerStatus()
        .endStatus().build();
    assertEquals("OOMKilled, exit code 137", PodStatuses.failureReason(oom));
    assertTrue(PodStatuses.isTerminal(oom));

    Pod deadline = new PodBuilder().withNewStatus().withPhase("Failed")
        .withReason("DeadlineExceeded").withMessage("Pod was active on the node longer than the specified deadline")
        .endStatus().build();
    assertEquals("DeadlineExceeded: Pod was active on the node longer than the specified deadline",
        PodStatuses.failureReason(deadline));
  }
}
